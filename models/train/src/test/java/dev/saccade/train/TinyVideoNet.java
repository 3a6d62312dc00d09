package dev.saccade.train;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Dropout;
import dev.saccade.nn.layers.Linear;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import java.util.SplittableRandom;

/**
 * Test-only video classifier: a per-frame 3×3 stride-2 conv + ReLU + global average pool, the T frame features
 * concatenated (so frame order matters), dropout (re-seeded by the trainer every step) and a linear head. Exposes
 * the conv map as its "refined features" for MFR tests.
 */
final class TinyVideoNet extends Module implements FeatureProvider {
    private final int frames;
    private final Conv conv;
    private final Linear fc;
    private final Dropout dropout;
    private Tensor features;

    TinyVideoNet(int frames, int classes, long seed) { this(frames, classes, seed, 0.2); }

    TinyVideoNet(int frames, int classes, long seed, double dropoutP) {
        SplittableRandom rng = new SplittableRandom(seed);
        this.frames = frames;
        this.conv = register("conv", Conv.conv2d(3, 6, 3, 2, 1, 1, true, rng));
        this.dropout = register("dropout", new Dropout(dropoutP, new SplittableRandom(0)));   // re-seeded by the trainer every step
        this.fc = register("fc", new Linear(6 * frames, classes, true, rng));
    }

    @Override public Tensor forward(Tensor x) {
        int n = x.dim(0);
        Tensor f = x.reshape(-1, 3, x.dim(3), x.dim(4));                 // (N·T, 3, H, W)
        features = conv.forward(f).relu();                               // (N·T, 6, H/2, W/2)
        Tensor pooled = Functional.adaptiveAvgPool(features, 1, 1);      // (N·T, 6, 1, 1)
        Tensor clip = pooled.reshape(n, frames * 6);                     // (N, T·6)
        return fc.forward(dropout.forward(clip));                        // (N, K)
    }

    @Override public Tensor lastFeatures() { return features; }
}
