package dev.saccade.nn.layers;

import dev.saccade.nn.Module;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.MaxPool;
import dev.saccade.tensor.ops.PoolParams;
import java.util.Arrays;

/**
 * Max, average and adaptive-average pooling layers. References: {@code torch.nn.MaxPool2d}, {@code AvgPool2d},
 * {@code AdaptiveAvgPool2d}. In evaluation under no-grad ({@link InferenceMode}) max pooling keeps no argmax.
 */
public final class Pooling extends Module {
    private enum Kind { MAX, AVG, ADAPTIVE_AVG }

    private final Kind kind;
    private final PoolParams params;
    private final int[] outSize;

    private Pooling(Kind kind, PoolParams params, int[] outSize) { this.kind = kind; this.params = params; this.outSize = outSize; }

    public static Pooling max(PoolParams p) { return new Pooling(Kind.MAX, p, null); }
    public static Pooling max2d(int kernel, int stride, int padding) { return max(PoolParams.uniform(2, kernel, stride, padding)); }
    public static Pooling avg(PoolParams p) { return new Pooling(Kind.AVG, p, null); }
    public static Pooling adaptiveAvg(int... outSize) { return new Pooling(Kind.ADAPTIVE_AVG, null, outSize.clone()); }

    public PoolParams params() { return params; }
    public int[] outputSize() { return outSize == null ? null : outSize.clone(); }
    public boolean isMax() { return kind == Kind.MAX; }

    @Override public Tensor forward(Tensor x) {
        return switch (kind) {
            case MAX -> InferenceMode.active(this) ? MaxPool.inference(x, params) : Functional.maxPool(x, params);
            case AVG -> Functional.avgPool(x, params);
            case ADAPTIVE_AVG -> Functional.adaptiveAvgPool(x, outSize);
        };
    }

    @Override public String describe() {
        return switch (kind) {
            case MAX -> "MaxPool(k=" + Arrays.toString(params.kernel()) + ", s=" + Arrays.toString(params.stride()) + ", p=" + Arrays.toString(params.padding()) + ")";
            case AVG -> "AvgPool(k=" + Arrays.toString(params.kernel()) + ")";
            case ADAPTIVE_AVG -> "AdaptiveAvgPool(" + Arrays.toString(outSize) + ")";
        };
    }
}
