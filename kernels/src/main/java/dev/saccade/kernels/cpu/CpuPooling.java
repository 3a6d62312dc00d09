package dev.saccade.kernels.cpu;
import dev.saccade.tensor.*; import dev.saccade.tensor.ops.*;
final class CpuPooling {
    private CpuPooling() {}

    static Tensor[] maxPool(CpuBackend b, Tensor x, PoolParams p) { throw new UnsupportedOperationException("pool: not wired yet"); }
    static Tensor maxPoolBackward(CpuBackend b, Tensor gy, Tensor argmax, Shape xShape, PoolParams p) { throw new UnsupportedOperationException("pool: not wired yet"); }
    static Tensor avgPool(CpuBackend b, Tensor x, PoolParams p) { throw new UnsupportedOperationException("pool: not wired yet"); }
    static Tensor avgPoolBackward(CpuBackend b, Tensor gy, Shape xShape, PoolParams p) { throw new UnsupportedOperationException("pool: not wired yet"); }
    static Tensor adaptiveAvgPool(CpuBackend b, Tensor x, int[] outSize) { throw new UnsupportedOperationException("pool: not wired yet"); }
    static Tensor adaptiveAvgPoolBackward(CpuBackend b, Tensor gy, Shape xShape) { throw new UnsupportedOperationException("pool: not wired yet"); }
}
