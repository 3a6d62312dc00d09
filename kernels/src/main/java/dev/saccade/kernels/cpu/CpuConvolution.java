package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvParams;

/**
 * Adapts the tensor-level convolution primitives to {@link ConvKernels}: F32 runs the fast kernels (as
 * {@link ConvKernels} dispatches them: implicit-panel GEMMs, im2col + GEMM, direct depthwise, direct single-output), or their scalar twins
 * with SIMD off; F64 runs the double-precision reference.
 */
final class CpuConvolution {
    private CpuConvolution() {}

    /** Geometry of x (N, C_in, *spatial) convolved with w (C_out, C_in/groups, *kernel). */
    static ConvGeometry geometry(Shape x, Shape w, ConvParams p) {
        int rank = x.rank() - 2;
        int[] in = new int[rank], k = new int[rank];
        for (int i = 0; i < rank; i++) { in[i] = x.dim(i + 2); k[i] = w.dim(i + 2); }
        return ConvGeometry.of(x.dim(0), x.dim(1), w.dim(0), p.groups(), in, k, p.stride(), p.padding(), p.dilation());
    }

    private static Shape outShape(ConvGeometry g) {
        int[] o = g.outputSize();
        int[] d = new int[o.length + 2];
        d[0] = g.n();
        d[1] = g.cOut();
        System.arraycopy(o, 0, d, 2, o.length);
        return Shape.of(d);
    }

    private static HostStorage host(Tensor t) { return (HostStorage) t.contiguousFromZero().storage(); }

    static Tensor conv(CpuBackend b, Tensor x, Tensor w, Tensor bias, ConvParams p) {
        ConvGeometry g = geometry(x.shape(), w.shape(), p);
        Tensor y = Tensor.wrap(b.allocate(x.dtype(), g.outputLength()), outShape(g), b);
        HostStorage xs = host(x), ws = host(w), bs = bias == null ? null : host(bias), ys = (HostStorage) y.storage();
        if (x.dtype() == DType.F64) {
            ConvKernels.forwardScalar(g, xs.doubles(), ws.doubles(), bs == null ? null : bs.doubles(), ys.doubles());
        } else if (Simd.enabled()) {
            ConvKernels.forward(g, xs.floats(), ws.floats(), bs == null ? null : bs.floats(), ys.floats());
        } else {
            ConvKernels.forwardScalar(g, xs.floats(), ws.floats(), bs == null ? null : bs.floats(), ys.floats());
        }
        return y;
    }

    static Tensor backwardData(CpuBackend b, Tensor gy, Tensor w, Shape xShape, ConvParams p) {
        ConvGeometry g = geometry(xShape, w.shape(), p);
        Tensor gx = Tensor.wrap(b.allocate(gy.dtype(), g.inputLength()), xShape, b);
        HostStorage gys = host(gy), ws = host(w), gxs = (HostStorage) gx.storage();
        if (gy.dtype() == DType.F64) ConvKernels.backwardDataScalar(g, gys.doubles(), ws.doubles(), gxs.doubles());
        else if (Simd.enabled()) ConvKernels.backwardData(g, gys.floats(), ws.floats(), gxs.floats());
        else ConvKernels.backwardDataScalar(g, gys.floats(), ws.floats(), gxs.floats());
        return gx;
    }

    static Tensor backwardFilter(CpuBackend b, Tensor x, Tensor gy, Shape wShape, ConvParams p) {
        ConvGeometry g = geometry(x.shape(), wShape, p);
        Tensor gw = Tensor.wrap(b.allocate(gy.dtype(), g.weightLength()), wShape, b);
        HostStorage xs = host(x), gys = host(gy), gws = (HostStorage) gw.storage();
        if (gy.dtype() == DType.F64) ConvKernels.backwardFilterScalar(g, xs.doubles(), gys.doubles(), gws.doubles());
        else if (Simd.enabled()) ConvKernels.backwardFilter(g, xs.floats(), gys.floats(), gws.floats());
        else ConvKernels.backwardFilterScalar(g, xs.floats(), gys.floats(), gws.floats());
        return gw;
    }
}
