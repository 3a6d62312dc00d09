package dev.saccade.tensor;

import dev.saccade.tensor.autograd.Autograd;
import dev.saccade.tensor.autograd.Function;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.ElementwiseBinary;
import dev.saccade.tensor.ops.ElementwiseUnary;
import dev.saccade.tensor.ops.Cast;
import dev.saccade.tensor.ops.Concat;
import dev.saccade.tensor.ops.Contiguous;
import dev.saccade.tensor.ops.Expand;
import dev.saccade.tensor.ops.Extremum;
import dev.saccade.tensor.ops.Gather;
import dev.saccade.tensor.ops.IndexSelect;
import dev.saccade.tensor.ops.MatMul;
import dev.saccade.tensor.ops.Narrow;
import dev.saccade.tensor.ops.Pad;
import dev.saccade.tensor.ops.Permute;
import dev.saccade.tensor.ops.ReduceOp;
import dev.saccade.tensor.ops.Reshape;
import dev.saccade.tensor.ops.Softmax;
import dev.saccade.tensor.ops.Sum;
import dev.saccade.tensor.ops.UnaryOp;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An n-dimensional array with reverse-mode autograd: an immutable handle on a {@link Storage} seen through a
 * {@link Layout}. View operations ({@link #reshape}, {@link #permute}, {@link #narrow}, {@link #expand}) share
 * storage; every other operation returns a new tensor. When an input {@link #requiresGrad()}, operations record a
 * graph and {@link #backward()} fills the {@link #grad()} of the leaves.
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(new SplittableRandom(0), 3, 4).setRequiresGrad(true);
 * Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 4, 1);
 * Tensor loss = w.matmul(x).relu().sum();
 * loss.backward();
 * Tensor dw = w.grad();   // (3, 4)
 * }</pre>
 */
public final class Tensor {
    private final Storage storage;
    private final Layout layout;
    private final Backend backend;
    private volatile boolean requiresGrad;
    private Function gradFn;
    private Tensor grad;

    private Tensor(Storage storage, Layout layout, Backend backend) {
        this.storage = storage;
        this.layout = layout;
        this.backend = backend;
    }

    // ------------------------------------------------------------------ construction

    /** Wraps {@code storage} (owned by {@code backend}) with {@code layout}. For backends and ops. */
    public static Tensor wrap(Storage storage, Layout layout, Backend backend) {
        return new Tensor(storage, layout, backend);
    }

    /** A contiguous tensor over {@code storage}. */
    public static Tensor wrap(Storage storage, Shape shape, Backend backend) {
        if (storage.length() < shape.numel()) throw new ShapeException("storage of " + storage.length() + " elements is too small for shape " + shape);
        return new Tensor(storage, Layout.contiguous(shape), backend);
    }

    private static Tensor fromHost(HostStorage host, int... shape) {
        Shape s = Shape.of(shape);
        if (s.numel() != host.length()) {
            throw new ShapeException("data has " + host.length() + " elements but shape " + s + " needs " + s.numel());
        }
        Backend b = Backends.forDevice(Device.CPU);
        return new Tensor(b.upload(host), Layout.contiguous(s), b);
    }

    /** An F32 tensor over a copy of {@code data}, on the CPU. */
    public static Tensor of(float[] data, int... shape) { return fromHost(HostStorage.wrap(data.clone()), shape); }
    /** An F64 tensor over a copy of {@code data}, on the CPU. */
    public static Tensor of(double[] data, int... shape) { return fromHost(HostStorage.wrap(data.clone()), shape); }
    /** An I64 tensor over a copy of {@code data}, on the CPU. */
    public static Tensor of(long[] data, int... shape) { return fromHost(HostStorage.wrap(data.clone()), shape); }
    /** An I32 tensor over a copy of {@code data}, on the CPU. */
    public static Tensor of(int[] data, int... shape) { return fromHost(HostStorage.wrap(data.clone()), shape); }

    /** A scalar (rank 0) F32 tensor. */
    public static Tensor scalar(double value) { return of(new float[] {(float) value}); }

    /** Zeros of {@code shape} on the default device. */
    public static Tensor zeros(DType dtype, int... shape) { return zeros(dtype, Backends.defaultDevice(), shape); }
    public static Tensor zeros(int... shape) { return zeros(DType.F32, shape); }

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        Backend b = Backends.forDevice(device);
        Shape s = Shape.of(shape);
        return new Tensor(b.allocate(dtype, s.numel()), Layout.contiguous(s), b);
    }

    /** {@code value} everywhere. */
    public static Tensor full(double value, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        if (value != 0) t.backend.fill(t, value);
        return t;
    }

    public static Tensor ones(int... shape) { return full(1, DType.F32, shape); }

    /** Standard normal samples (F32) from {@code rng}. */
    public static Tensor randn(SplittableRandom rng, int... shape) {
        float[] d = new float[Shape.of(shape).numel()];
        for (int i = 0; i < d.length; i += 2) {
            // Box–Muller: two normals from two uniforms.
            double u1 = 1.0 - rng.nextDouble(), u2 = rng.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1));
            d[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < d.length) d[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
        }
        return fromHost(HostStorage.wrap(d), shape).to(Backends.defaultDevice());
    }

    /** Uniform samples in {@code [lo, hi)} (F32) from {@code rng}. */
    public static Tensor uniform(SplittableRandom rng, double lo, double hi, int... shape) {
        float[] d = new float[Shape.of(shape).numel()];
        for (int i = 0; i < d.length; i++) d[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return fromHost(HostStorage.wrap(d), shape).to(Backends.defaultDevice());
    }

    /** {@code 0, 1, …, n−1} as I64. */
    public static Tensor arange(int n) {
        long[] d = new long[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return fromHost(HostStorage.wrap(d), n);
    }

    // ------------------------------------------------------------------ properties

    public Shape shape() { return layout.shape(); }
    public int dim(int axis) { return layout.shape().dim(axis); }
    public int rank() { return layout.rank(); }
    public int numel() { return layout.shape().numel(); }
    public DType dtype() { return storage.dtype(); }
    public Device device() { return storage.device(); }
    public Layout layout() { return layout; }
    public Storage storage() { return storage; }
    public Backend backend() { return backend; }
    public boolean isContiguous() { return layout.isContiguous(); }

    // ------------------------------------------------------------------ autograd

    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf tensor as a parameter whose gradient {@link #backward()} accumulates. Returns this. */
    public Tensor setRequiresGrad(boolean value) {
        if (gradFn != null && !value) throw new IllegalStateException("cannot clear requiresGrad on a non-leaf tensor; use detach()");
        if (value && !dtype().isFloating()) throw new ShapeException("only floating-point tensors can require grad, this one is " + dtype());
        this.requiresGrad = value;
        return this;
    }

    /** The function that produced this tensor, or null for a leaf. */
    public Function gradFn() { return gradFn; }

    /** The accumulated gradient of a leaf, or null before any backward. */
    public Tensor grad() { return grad; }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() { grad = null; }

    /** Sets the gradient (used by optimizers' gradient clipping and by tests). */
    public void setGrad(Tensor g) {
        if (g != null && !g.shape().equals(shape())) throw new ShapeException("gradient shape " + g.shape() + " does not match " + shape());
        grad = g;
    }

    /** The same data with no history. */
    public Tensor detach() { return new Tensor(storage, layout, backend); }

    /** Back-propagates from a scalar (a tensor with one element) with seed 1. */
    public void backward() {
        if (numel() != 1) throw new IllegalStateException("backward() without a gradient needs a tensor with one element, this one has shape " + shape());
        Tensor seed = full(1, dtype(), shape().toArray()).to(device());
        Autograd.backward(this, seed);
    }

    /** Back-propagates {@code gradient}, the gradient of some scalar with respect to this tensor. */
    public void backward(Tensor gradient) { Autograd.backward(this, gradient); }

    /** For {@link Function}: this tensor recorded as the output of {@code fn}. */
    public Tensor withGradFn(Function fn) {
        Tensor t = new Tensor(storage, layout, backend);
        t.gradFn = fn;
        t.requiresGrad = true;
        return t;
    }

    /** For {@link Autograd}: adds {@code g} into this leaf's gradient. */
    public synchronized void accumulateGrad(Tensor g) {
        if (grad == null) {
            Tensor copy = zeros(g.dtype(), g.device(), g.shape().toArray());
            backend.copy(g, copy);
            grad = copy;
        } else {
            grad.backend.axpy(1, g, grad);
        }
    }

    // ------------------------------------------------------------------ data transfer

    /** This tensor on {@code device} (itself when already there). The copy is differentiable. */
    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        return new dev.saccade.tensor.ops.ToDevice(device).apply(this);
    }

    /** This tensor converted to {@code dtype} (itself when already so). */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        return new Cast(dtype).apply(this);
    }

    /** A host copy of the elements in row-major order. */
    public HostStorage toHost() {
        Tensor c = contiguous();
        HostStorage h = c.backend.download(c.storage);
        if (c.layout.offset() == 0 && h.length() == c.numel()) return h;
        HostStorage out = HostStorage.allocate(dtype(), numel());
        for (int i = 0; i < numel(); i++) out.setDouble(i, h.getDouble(c.layout.offset() + i));
        return out;
    }

    public float[] toFloatArray() { return to(DType.F32).toHost().floats(); }
    public double[] toDoubleArray() { return to(DType.F64).toHost().doubles(); }
    public long[] toLongArray() { return to(DType.I64).toHost().longs(); }

    /** The single element of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new ShapeException("item() needs one element, shape is " + shape());
        return toHost().getDouble(0);
    }

    /** The element at {@code index}. */
    public double get(int... index) {
        if (index.length != rank()) throw new ShapeException("get" + Arrays.toString(index) + " on shape " + shape());
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= dim(i)) throw new ShapeException("index " + Arrays.toString(index) + " out of bounds for shape " + shape());
        }
        return narrowTo(index).toHost().getDouble(0);
    }

    private Tensor narrowTo(int[] index) {
        Tensor t = this.detach();
        for (int i = 0; i < index.length; i++) t = t.narrow(i, index[i], 1);
        return t;
    }

    // ------------------------------------------------------------------ elementwise

    public Tensor unary(UnaryOp op) { return new ElementwiseUnary(op, 0).apply(this); }
    public Tensor neg() { return unary(UnaryOp.NEG); }
    public Tensor exp() { return unary(UnaryOp.EXP); }
    public Tensor log() { return unary(UnaryOp.LOG); }
    public Tensor sqrt() { return unary(UnaryOp.SQRT); }
    public Tensor rsqrt() { return unary(UnaryOp.RSQRT); }
    public Tensor abs() { return unary(UnaryOp.ABS); }
    public Tensor relu() { return unary(UnaryOp.RELU); }
    public Tensor relu6() { return unary(UnaryOp.RELU6); }
    public Tensor sigmoid() { return unary(UnaryOp.SIGMOID); }
    public Tensor tanh() { return unary(UnaryOp.TANH); }
    public Tensor square() { return unary(UnaryOp.SQUARE); }
    public Tensor reciprocal() { return unary(UnaryOp.RECIPROCAL); }
    public Tensor pow(double exponent) { return new ElementwiseUnary(UnaryOp.POW_SCALAR, exponent).apply(this); }
    public Tensor add(double s) { return new ElementwiseUnary(UnaryOp.ADD_SCALAR, s).apply(this); }
    public Tensor sub(double s) { return add(-s); }
    public Tensor mul(double s) { return new ElementwiseUnary(UnaryOp.MUL_SCALAR, s).apply(this); }
    public Tensor div(double s) { return mul(1.0 / s); }
    /** {@code s − this}. */
    public Tensor rsub(double s) { return new ElementwiseUnary(UnaryOp.RSUB_SCALAR, s).apply(this); }

    public Tensor binary(BinaryOp op, Tensor other) { return new ElementwiseBinary(op).apply(this, other); }
    public Tensor add(Tensor o) { return binary(BinaryOp.ADD, o); }
    public Tensor sub(Tensor o) { return binary(BinaryOp.SUB, o); }
    public Tensor mul(Tensor o) { return binary(BinaryOp.MUL, o); }
    public Tensor div(Tensor o) { return binary(BinaryOp.DIV, o); }
    public Tensor maximum(Tensor o) { return binary(BinaryOp.MAXIMUM, o); }
    public Tensor minimum(Tensor o) { return binary(BinaryOp.MINIMUM, o); }
    /** 1 where {@code this > o}, else 0 (not differentiable). */
    public Tensor gt(Tensor o) { return binary(BinaryOp.GT, o); }
    public Tensor lt(Tensor o) { return binary(BinaryOp.LT, o); }
    public Tensor eq(Tensor o) { return binary(BinaryOp.EQ, o); }

    // ------------------------------------------------------------------ reductions

    /** Sum over {@code axes} (all when none given); {@code keepDim} keeps them with size 1. */
    public Tensor sum(boolean keepDim, int... axes) { return new Sum(axes, keepDim).apply(this); }
    public Tensor sum(int... axes) { return sum(false, axes); }
    public Tensor mean(boolean keepDim, int... axes) {
        int count = Sum.reducedCount(shape(), axes);
        return sum(keepDim, axes).div(count);
    }
    public Tensor mean(int... axes) { return mean(false, axes); }
    /** Largest value over {@code axes} (torch.amax; ties share the gradient evenly). */
    public Tensor amax(boolean keepDim, int... axes) { return new Extremum(ReduceOp.MAX, axes, keepDim).apply(this); }
    public Tensor amin(boolean keepDim, int... axes) { return new Extremum(ReduceOp.MIN, axes, keepDim).apply(this); }
    /** Index of the largest value along {@code axis} (I64, axis removed). */
    public Tensor argmax(int axis) {
        int a = shape().normalizeAxis(axis);
        return Reshape.dropAxis(backend.argReduce(ReduceOp.MAX, this, a), a);
    }
    /** Variance over {@code axes}, unbiased (Bessel's correction) when {@code unbiased}, as torch.var. */
    public Tensor var(boolean unbiased, boolean keepDim, int... axes) {
        int n = Sum.reducedCount(shape(), axes);
        Tensor centered = sub(mean(true, axes));
        return centered.square().sum(keepDim, axes).div(unbiased ? n - 1 : n);
    }
    public Tensor softmax(int axis) { return new Softmax(axis, false).apply(this); }
    public Tensor logSoftmax(int axis) { return new Softmax(axis, true).apply(this); }

    // ------------------------------------------------------------------ linear algebra

    /** Matrix product with batch broadcasting (torch.matmul for rank ≥ 2 operands). */
    public Tensor matmul(Tensor o) { return new MatMul().apply(this, o); }

    // ------------------------------------------------------------------ shapes

    /** Same elements, new shape; a view when the strides allow, else a copy. One axis may be −1. */
    public Tensor reshape(int... shape) { return new Reshape(Reshape.infer(shape(), shape)).apply(this); }
    /** Like {@link #reshape} but fails instead of copying. */
    public Tensor view(int... shape) {
        Shape target = Reshape.infer(shape(), shape);
        if (layout.view(target) == null) throw new ShapeException("view" + target + " of a non-contiguous tensor with layout " + layout + ": use reshape()");
        return new Reshape(target).apply(this);
    }
    public Tensor flatten(int startAxis) {
        int s = shape().normalizeAxis(startAxis);
        int[] d = new int[s + 1];
        for (int i = 0; i < s; i++) d[i] = dim(i);
        d[s] = -1;
        return reshape(d);
    }
    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + rank() + 1 : axis;
        if (a < 0 || a > rank()) throw new ShapeException("unsqueeze(" + axis + ") out of range for shape " + shape());
        int[] d = new int[rank() + 1];
        for (int i = 0, j = 0; i < d.length; i++) d[i] = i == a ? 1 : dim(j++);
        return reshape(d);
    }
    public Tensor squeeze(int axis) {
        int a = shape().normalizeAxis(axis);
        if (dim(a) != 1) throw new ShapeException("squeeze(" + axis + ") on axis of size " + dim(a) + " in shape " + shape());
        int[] d = new int[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) if (i != a) d[j++] = dim(i);
        return reshape(d);
    }
    public Tensor permute(int... order) { return new Permute(order).apply(this); }
    public Tensor transpose(int a, int b) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int x = shape().normalizeAxis(a), y = shape().normalizeAxis(b);
        order[x] = y; order[y] = x;
        return permute(order);
    }
    public Tensor narrow(int axis, int start, int length) { return new Narrow(axis, start, length).apply(this); }
    public Tensor expand(int... shape) { return new Expand(Shape.of(shape)).apply(this); }
    /** A row-major copy, or this tensor when already contiguous. */
    public Tensor contiguous() { return isContiguous() ? this : new Contiguous().apply(this); }
    /**
     * A contiguous tensor whose storage holds exactly its elements from index 0 (this one, or a copy): what kernels
     * that take raw buffers need.
     */
    public Tensor contiguousFromZero() {
        if (isContiguous() && layout.offset() == 0 && storage.length() == numel()) return this;
        return dev.saccade.tensor.ops.Contiguous.copy(this);
    }

    /** Zero (or {@code value}) padding: {@code pads[2i], pads[2i+1]} before/after axis i. */
    public Tensor pad(int[] pads, double value) { return new Pad(pads, value).apply(this); }
    public Tensor indexSelect(int axis, Tensor indices) { return new IndexSelect(axis).apply(this, indices); }
    public Tensor gather(int axis, Tensor indices) { return new Gather(axis).apply(this, indices); }

    /** Concatenation along {@code axis} (torch.cat). */
    public static Tensor cat(List<Tensor> tensors, int axis) { return new Concat(axis).apply(tensors.toArray(Tensor[]::new)); }
    /** Stacking along a new {@code axis} (torch.stack). */
    public static Tensor stack(List<Tensor> tensors, int axis) {
        return cat(tensors.stream().map(t -> t.unsqueeze(axis)).toList(), axis);
    }

    // ------------------------------------------------------------------ misc

    /** True when recording is on and this tensor takes part in a graph. */
    public boolean isRecording() { return requiresGrad && GradMode.isEnabled(); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shape()).append(' ').append(dtype()).append(' ').append(device());
        if (requiresGrad) sb.append(gradFn == null ? " requiresGrad" : " grad_fn=" + gradFn.name());
        if (numel() <= 16) {
            HostStorage h = toHost();
            sb.append(" [");
            for (int i = 0; i < numel(); i++) { if (i > 0) sb.append(", "); sb.append((float) h.getDouble(i)); }
            sb.append(']');
        }
        return sb.toString();
    }
}
