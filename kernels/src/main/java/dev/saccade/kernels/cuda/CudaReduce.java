package dev.saccade.kernels.cuda;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ReduceOp;
import dev.saccade.tensor.ops.UnaryOp;

/**
 * Sum / max / min over a set of axes and arg-max / arg-min along one axis, on the row kernels of reduce.cu: the
 * reduced axes are permuted last and copied contiguous, giving a (rows, cols) matrix reduced along its rows.
 * MIN runs as {@code −max(−x)} (the negation doubles as the contiguous copy). Reference: torch.sum / amax / amin /
 * argmax (first occurrence wins).
 *
 * <pre>{@code
 * Tensor s = CudaReduce.reduce(backend, ReduceOp.SUM, x, new int[] {2, 3});   // (N, C, H, W) → (N, C, 1, 1)
 * }</pre>
 */
final class CudaReduce {
    private CudaReduce() {}

    /** {rows-first permutation order, rows, cols} for reducing {@code axes} of {@code shape}. */
    private static int[] order(Shape shape, int[] axes) {
        int r = shape.rank();
        boolean[] reduced = new boolean[r];
        for (int a : axes) reduced[a] = true;
        int[] order = new int[r];
        int k = 0;
        for (int i = 0; i < r; i++) if (!reduced[i]) order[k++] = i;
        for (int i = 0; i < r; i++) if (reduced[i]) order[k++] = i;
        return order;
    }

    /** The permuted view copied contiguous, negated when {@code negate} (rows, cols) in row-major order. */
    private static Tensor rowsMatrix(CudaBackend b, Tensor x, int[] axes, boolean negate) {
        Tensor permuted = Tensor.wrap(x.storage(), x.layout().permute(order(x.shape(), axes)), b);
        Tensor m = CudaTensors.empty(b, x.dtype(), permuted.shape());
        long n = m.numel();
        KernelDType dt = CudaTensors.kernelType(x, "reduce");
        if (negate) CudaModules.launch(ElementwiseKernels.unaryKernel(UnaryOp.NEG, dt), LaunchConfig.elementwise(n),
                CudaTensors.layout(permuted), permuted, m, n, 0.0);
        else CudaTensors.convert(permuted, m);
        return m;
    }

    private static Shape kept(Shape s, int[] axes) {
        int[] keep = s.toArray();
        for (int a : axes) keep[a] = 1;
        return Shape.of(keep);
    }

    static Tensor reduce(CudaBackend b, ReduceOp op, Tensor x, int[] axes) {
        KernelDType dt = CudaTensors.kernelType(x, "reduce " + op);
        Shape outShape = kept(x.shape(), axes);
        Tensor out = CudaTensors.empty(b, x.dtype(), outShape);   // the kept shape; rows in row-major order
        long rows = outShape.numel(), cols = rows == 0 ? 0 : x.numel() / Math.max(1, rows);
        if (rows == 0) return out;
        if (cols == 0) { b.fill(out, op.identity()); return out; }
        boolean min = op == ReduceOp.MIN;
        Tensor m = rowsMatrix(b, x, axes, min);
        if (op == ReduceOp.SUM) {
            RowKernels.sum(dt, CudaTensors.buffer(m), CudaTensors.buffer(out), rows, cols, 1.0);
            return out;
        }
        Tensor arg = CudaTensors.empty(b, DType.I64, outShape);
        Tensor target = min ? CudaTensors.empty(b, x.dtype(), outShape) : out;
        RowKernels.max(dt, CudaTensors.buffer(m), CudaTensors.buffer(target), CudaTensors.buffer(arg), rows, cols);
        if (min) CudaModules.launch(ElementwiseKernels.unaryKernel(UnaryOp.NEG, dt), LaunchConfig.elementwise(rows),
                CudaTensors.layout(target), target, out, rows, 0.0);
        return out;
    }

    static Tensor argReduce(CudaBackend b, ReduceOp op, Tensor x, int axis) {
        if (op == ReduceOp.SUM) throw new IllegalArgumentException("argReduce needs MAX or MIN, got SUM");
        KernelDType dt = CudaTensors.kernelType(x, "arg" + op);
        int[] axes = {axis};
        Shape outShape = kept(x.shape(), axes);
        Tensor arg = CudaTensors.empty(b, DType.I64, outShape);
        long rows = outShape.numel(), cols = x.dim(axis);
        if (rows == 0) return arg;
        if (cols == 0) throw new IllegalArgumentException("arg" + op + " over an empty axis " + axis + " of shape " + x.shape());
        Tensor m = rowsMatrix(b, x, axes, op == ReduceOp.MIN);
        Tensor values = CudaTensors.empty(b, x.dtype(), outShape);
        RowKernels.max(dt, CudaTensors.buffer(m), CudaTensors.buffer(values), CudaTensors.buffer(arg), rows, cols);
        return arg;
    }
}
