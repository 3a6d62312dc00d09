package dev.saccade.models.attention;

import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Activation;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Linear;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * CBAM, the convolutional block attention module (Woo, Park, Lee, Kweon, ECCV 2018, §3, Eq. 1–3), per frame on a
 * residual branch's output F (N·T, C, H, W):
 * <pre>
 * M_c = σ(MLP(avg_HW F) + MLP(max_HW F))        shared MLP C → C/16 → C, with biases      F' = M_c ⊗ F
 * M_s = σ(conv7×7([avg_C F', max_C F']))        2 → 1, pad 3, no bias                     out = M_s ⊗ F'
 * </pre>
 * This follows the paper's equations; the authors' code additionally puts a BatchNorm after the 7×7 conv and
 * concatenates [max, avg]. Keys: {@code mlp.{0,2}.{weight,bias}}, {@code spatial.weight}.
 *
 * <pre>{@code
 * Tensor y = new Cbam(256, rng).forward(f);   // f, y: (N·T, 256, H, W)
 * }</pre>
 */
public final class Cbam extends Module {
    public static final int REDUCTION = 16;
    private final int channels;

    public Cbam(int channels, SplittableRandom rng) {
        if (channels < REDUCTION) throw new IllegalArgumentException("CBAM: channels " + channels + " must be ≥ " + REDUCTION);
        this.channels = channels;
        int hidden = channels / REDUCTION;
        register("mlp", new Sequential(new Linear(channels, hidden, true, rng), Activation.relu(), new Linear(hidden, channels, true, rng)));
        register("spatial", Conv.conv2d(2, 1, 7, 1, 3, 1, false, rng));
    }

    @Override public Tensor forward(Tensor x) { return attend(x, Weights.of(this)); }

    /** CBAM with weights {@code w} (this module's names). */
    public static Tensor attend(Tensor x, Weights w) {
        Clips.clips("CBAM", x, 1, w.get("mlp.2.bias").dim(0));
        int nt = x.dim(0), c = x.dim(1);
        Tensor mc = AttentionMaps.channelLogits(x, w, "mlp").sigmoid();             // (N·T, C), Eq. 2
        Tensor fc = x.mul(mc.reshape(nt, c, 1, 1));                                  // (N·T, C, H, W)
        Tensor ms = AttentionMaps.spatialMask(fc, w.get("spatial.weight"));          // (N·T, 1, H, W), Eq. 3
        return fc.mul(ms);
    }

    @Override public String describe() { return "CBAM(" + channels + ", r=" + REDUCTION + ")"; }
}
