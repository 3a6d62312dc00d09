package dev.saccade.kernels.cpu;
import dev.saccade.tensor.*; import dev.saccade.tensor.ops.*;
final class CpuConvolution {
    private CpuConvolution() {}

    static Tensor conv(CpuBackend b, Tensor x, Tensor w, Tensor bias, ConvParams p) { throw new UnsupportedOperationException("conv: CPU kernel not wired yet"); }
    static Tensor backwardData(CpuBackend b, Tensor gy, Tensor w, Shape xShape, ConvParams p) { throw new UnsupportedOperationException("conv: CPU kernel not wired yet"); }
    static Tensor backwardFilter(CpuBackend b, Tensor x, Tensor gy, Shape wShape, ConvParams p) { throw new UnsupportedOperationException("conv: CPU kernel not wired yet"); }
}
