package dev.saccade.models.backbone;

import dev.saccade.models.flops.FlopCounter;
import dev.saccade.nn.Init;
import dev.saccade.nn.layers.Activation;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Linear;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * MobileNetV2 (width 1.0) with the layout and names of the TSM repository's {@code archs/mobilenet_v2.py}:
 * {@code features.0} = 3×3/2 conv-BN-ReLU6 to 32 channels, {@code features.1..17} = inverted residuals with the
 * (t, c, n, s) table {(1,16,1,1), (6,24,2,2), (6,32,3,2), (6,64,4,2), (6,96,3,1), (6,160,3,2), (6,320,1,1)},
 * {@code features.18} = 1×1 conv-BN-ReLU6 to 1280, then spatial mean and {@code classifier}. Init as that file:
 * conv weights N(0, 2/(k·k·C_out)), BN γ = 1 β = 0, classifier N(0, 0.01²) with zero bias.
 *
 * <p>Hooks go to the 10 blocks that expand and are residual ({@code features.3, 5, 6, 8, 9, 10, 12, 13, 15, 16},
 * input channels 24, 32×2, 64×3, 96×2, 160×2); their stage is the resolution group (56, 28, 14, 7 at 224² → 0..3).
 * Reference: Sandler et al., CVPR 2018; TSM {@code ops/models.py} (shift where {@code len(m.conv) == 8} and residual).
 *
 * <pre>{@code
 * MobileNetV2 m = new MobileNetV2(new TsmHooks(8), 8, 0, new SplittableRandom(0));
 * Tensor f = m.features(x);   // (N·8, 3, 224, 224) → (N·8, 1280, 7, 7)
 * }</pre>
 */
public final class MobileNetV2 extends Backbone {
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };
    private static final int LAST_CHANNELS = 1280;

    private final Sequential features;
    private final Linear classifier;

    public MobileNetV2(BlockHooks hooks, int frames, int classes, SplittableRandom rng) {
        Sequential f = new Sequential();
        f.add(new Sequential(conv(3, 32, 3, 2, 1, rng), new BatchNorm(32), Activation.relu6()));
        // First pass: which blocks are hooked, to know each stage's last one.
        int[] stageOfBlock = new int[18], hookedIndex = new int[18];
        boolean[] hooked = new boolean[18];
        int[] lastHookedInStage = {-1, -1, -1, -1, -1};
        int in = 32, block = 1, stride = 2, stage = -1;
        for (int[] s : SETTINGS) {
            for (int i = 0; i < s[2]; i++, block++) {
                int st = i == 0 ? s[3] : 1;
                stride *= st;
                stage = Math.max(0, Integer.numberOfTrailingZeros(stride) - 2);   // /4 → 0, /8 → 1, /16 → 2, /32 → 3
                stageOfBlock[block] = stage;
                hooked[block] = s[0] != 1 && st == 1 && in == s[1];
                if (hooked[block]) lastHookedInStage[stage] = block;
                in = s[1];
            }
        }
        in = 32;
        block = 1;
        int[] countInStage = new int[5];
        for (int[] s : SETTINGS) {
            for (int i = 0; i < s[2]; i++, block++) {
                int st = i == 0 ? s[3] : 1;
                BlockContext ctx = null;
                if (hooked[block]) {
                    int stg = stageOfBlock[block];
                    ctx = new BlockContext("features." + block, stg, countInStage[stg]++, lastHookedInStage[stg] == block,
                                           in, s[1], frames, rng);
                }
                f.add(new InvertedResidual(in, s[1], st, s[0], hooks, ctx, rng));
                in = s[1];
            }
        }
        f.add(new Sequential(conv(in, LAST_CHANNELS, 1, 1, 1, rng), new BatchNorm(LAST_CHANNELS), Activation.relu6()));
        features = register("features", f);
        if (classes > 0) {
            classifier = register("classifier", new Linear(LAST_CHANNELS, classes, true, rng));
            Init.assign(classifier.weight(), Init.normal(rng, 0.01, classes, LAST_CHANNELS));
            Init.assign(classifier.bias(), Tensor.zeros(classes));
        } else {
            classifier = null;
        }
    }

    /** A bias-free conv initialised N(0, 2 / (k·k·C_out)) as the TSM repository's MobileNetV2. */
    static Conv conv(int in, int out, int k, int stride, int groups, SplittableRandom rng) {
        Conv c = Conv.conv2d(in, out, k, stride, k / 2, groups, false, rng);
        Init.assign(c.weight(), Init.normal(rng, Math.sqrt(2.0 / (k * k * out)), c.weight().shape().toArray()));
        return c;
    }

    @Override public Tensor features(Tensor x) { return features.forward(x); }   // (N·T, 1280, H/32, W/32)

    @Override public Tensor forward(Tensor x) {
        Tensor pooled = features(x).mean(3).mean(2);                               // (N·T, 1280)
        return classifier == null ? pooled : classifier.forward(pooled);
    }

    @Override public int featureChannels() { return LAST_CHANNELS; }
    @Override public String classifierName() { return "classifier"; }

    @Override public Shape traceFeatures(FlopCounter c, String name, Shape in) {
        return c.trace(FlopCounter.join(name, "features"), features, in);
    }

    @Override public Shape traceFlops(FlopCounter c, String name, Shape in) {
        Shape h = traceFeatures(c, name, in);
        h = Shape.of(h.dim(0), h.dim(1));
        return classifier == null ? h : c.trace(FlopCounter.join(name, "classifier"), classifier, h);
    }

    @Override public String describe() { return "MobileNetV2" + (classifier == null ? "" : "(classifier=" + classifier.outFeatures() + ")"); }
}
