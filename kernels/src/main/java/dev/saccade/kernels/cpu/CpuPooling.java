package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.PoolParams;

/** Adapts the tensor-level pooling primitives to {@link PoolKernels} (F32 fast or scalar twin, F64 reference). */
final class CpuPooling {
    private CpuPooling() {}

    private static int[] spatial(Shape s) {
        int[] d = new int[s.rank() - 2];
        for (int i = 0; i < d.length; i++) d[i] = s.dim(i + 2);
        return d;
    }

    private static int[] ones(int n) { int[] a = new int[n]; java.util.Arrays.fill(a, 1); return a; }

    static PoolGeometry geometry(Shape x, PoolParams p) {
        return PoolGeometry.of(x.dim(0), x.dim(1), spatial(x), p.kernel(), p.stride(), p.padding(), ones(p.spatialRank()));
    }

    private static Shape withSpatial(Shape x, int[] out) {
        int[] d = new int[out.length + 2];
        d[0] = x.dim(0);
        d[1] = x.dim(1);
        System.arraycopy(out, 0, d, 2, out.length);
        return Shape.of(d);
    }

    private static HostStorage host(Tensor t) { return (HostStorage) t.contiguousFromZero().storage(); }

    private static Tensor alloc(CpuBackend b, DType dtype, Shape s) { return Tensor.wrap(b.allocate(dtype, s.numel()), s, b); }

    static Tensor[] maxPool(CpuBackend b, Tensor x, PoolParams p) {
        PoolGeometry g = geometry(x.shape(), p);
        Shape os = withSpatial(x.shape(), g.outputSize());
        Tensor y = alloc(b, x.dtype(), os), idx = alloc(b, DType.I32, os);
        HostStorage xs = host(x), ys = (HostStorage) y.storage();
        int[] arg = ((HostStorage) idx.storage()).ints();
        if (x.dtype() == DType.F64) PoolKernels.maxForwardScalar(g, xs.doubles(), ys.doubles(), arg);
        else if (Simd.enabled()) PoolKernels.maxForward(g, xs.floats(), ys.floats(), arg);
        else PoolKernels.maxForwardScalar(g, xs.floats(), ys.floats(), arg);
        return new Tensor[] {y, idx};
    }

    static Tensor maxPoolValues(CpuBackend b, Tensor x, PoolParams p) {
        if (x.dtype() != DType.F32) return maxPool(b, x, p)[0];
        PoolGeometry g = geometry(x.shape(), p);
        float[] xs = host(x).floats(), ys = ActivationPool.take(g.outputLength());   // fully overwritten below
        Tensor y = Tensor.wrap(HostStorage.wrap(ys), withSpatial(x.shape(), g.outputSize()), b);
        if (Simd.enabled()) MaxPoolValues.forward(g, xs, ys);
        else MaxPoolValues.forwardScalar(g, xs, ys);
        return y;
    }

    static Tensor maxPoolBackward(CpuBackend b, Tensor gy, Tensor argmax, Shape xShape, PoolParams p) {
        PoolGeometry g = geometry(xShape, p);
        Tensor gx = alloc(b, gy.dtype(), xShape);
        HostStorage gys = host(gy), gxs = (HostStorage) gx.storage();
        int[] arg = host(argmax).ints();
        if (gy.dtype() == DType.F64) PoolKernels.maxBackwardScalar(g, gys.doubles(), arg, gxs.doubles());
        else if (Simd.enabled()) PoolKernels.maxBackward(g, gys.floats(), arg, gxs.floats());
        else PoolKernels.maxBackwardScalar(g, gys.floats(), arg, gxs.floats());
        return gx;
    }

    static Tensor avgPool(CpuBackend b, Tensor x, PoolParams p) {
        PoolGeometry g = geometry(x.shape(), p);
        Tensor y = alloc(b, x.dtype(), withSpatial(x.shape(), g.outputSize()));
        HostStorage xs = host(x), ys = (HostStorage) y.storage();
        if (x.dtype() == DType.F64) PoolKernels.avgForwardScalar(g, xs.doubles(), ys.doubles());
        else if (Simd.enabled()) PoolKernels.avgForward(g, xs.floats(), ys.floats());
        else PoolKernels.avgForwardScalar(g, xs.floats(), ys.floats());
        return y;
    }

    static Tensor avgPoolBackward(CpuBackend b, Tensor gy, Shape xShape, PoolParams p) {
        PoolGeometry g = geometry(xShape, p);
        Tensor gx = alloc(b, gy.dtype(), xShape);
        HostStorage gys = host(gy), gxs = (HostStorage) gx.storage();
        if (gy.dtype() == DType.F64) PoolKernels.avgBackwardScalar(g, gys.doubles(), gxs.doubles());
        else if (Simd.enabled()) PoolKernels.avgBackward(g, gys.floats(), gxs.floats());
        else PoolKernels.avgBackwardScalar(g, gys.floats(), gxs.floats());
        return gx;
    }

    static Tensor adaptiveAvgPool(CpuBackend b, Tensor x, int[] outSize) {
        AdaptivePoolGeometry g = AdaptivePoolGeometry.of(x.dim(0), x.dim(1), spatial(x.shape()), outSize);
        Tensor y = alloc(b, x.dtype(), withSpatial(x.shape(), outSize));
        HostStorage xs = host(x), ys = (HostStorage) y.storage();
        if (x.dtype() == DType.F64) PoolKernels.adaptiveAvgForwardScalar(g, xs.doubles(), ys.doubles());
        else if (Simd.enabled()) PoolKernels.adaptiveAvgForward(g, xs.floats(), ys.floats());
        else PoolKernels.adaptiveAvgForwardScalar(g, xs.floats(), ys.floats());
        return y;
    }

    static Tensor adaptiveAvgPoolBackward(CpuBackend b, Tensor gy, Shape xShape) {
        AdaptivePoolGeometry g = AdaptivePoolGeometry.of(xShape.dim(0), xShape.dim(1), spatial(xShape), spatial(gy.shape()));
        Tensor gx = alloc(b, gy.dtype(), xShape);
        HostStorage gys = host(gy), gxs = (HostStorage) gx.storage();
        if (gy.dtype() == DType.F64) PoolKernels.adaptiveAvgBackwardScalar(g, gys.doubles(), gxs.doubles());
        else if (Simd.enabled()) PoolKernels.adaptiveAvgBackward(g, gys.floats(), gxs.floats());
        else PoolKernels.adaptiveAvgBackwardScalar(g, gys.floats(), gxs.floats());
        return gx;
    }
}
