package dev.saccade.tensor;

import java.util.Arrays;

/**
 * Where a tensor's elements sit in its storage: shape, strides (in elements) and offset.
 * View operations produce new layouts over the same storage and never copy.
 * A stride of 0 repeats an element (broadcast by {@link #expand}).
 */
public final class Layout {
    private final Shape shape;
    private final int[] strides;
    private final int offset;

    public Layout(Shape shape, int[] strides, int offset) {
        if (strides.length != shape.rank()) throw new ShapeException("strides " + Arrays.toString(strides) + " do not match shape " + shape);
        this.shape = shape;
        this.strides = strides.clone();
        this.offset = offset;
    }

    /** The row-major layout of {@code shape} at offset 0. */
    public static Layout contiguous(Shape shape) { return new Layout(shape, shape.contiguousStrides(), 0); }

    public Shape shape() { return shape; }
    public int[] strides() { return strides.clone(); }
    public int stride(int axis) { return strides[shape.normalizeAxis(axis)]; }
    public int offset() { return offset; }
    public int rank() { return shape.rank(); }

    /** True when elements are dense and in row-major order (size-1 axes may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            int d = shape.dim(i);
            if (d == 1) continue;
            if (strides[i] != expected) return false;
            expected *= d;
        }
        return true;
    }

    /** Storage index of the element at {@code index}. */
    public int indexOf(int... index) {
        int p = offset;
        for (int i = 0; i < index.length; i++) p += index[i] * strides[i];
        return p;
    }

    /** Reorders the axes: output axis i is input axis {@code order[i]}. */
    public Layout permute(int... order) {
        if (order.length != rank()) throw new ShapeException("permute " + Arrays.toString(order) + " does not match rank of shape " + shape);
        int[] dims = new int[rank()], st = new int[rank()];
        boolean[] seen = new boolean[rank()];
        for (int i = 0; i < order.length; i++) {
            int a = shape.normalizeAxis(order[i]);
            if (seen[a]) throw new ShapeException("permute " + Arrays.toString(order) + " repeats axis " + a);
            seen[a] = true;
            dims[i] = shape.dim(a);
            st[i] = strides[a];
        }
        return new Layout(Shape.of(dims), st, offset);
    }

    /** Restricts {@code axis} to {@code [start, start + length)}. */
    public Layout narrow(int axis, int start, int length) {
        int a = shape.normalizeAxis(axis);
        if (start < 0 || length < 0 || start + length > shape.dim(a)) {
            throw new ShapeException("narrow(axis " + axis + ", start " + start + ", length " + length + ") out of range for shape " + shape);
        }
        int[] dims = shape.toArray();
        dims[a] = length;
        return new Layout(Shape.of(dims), strides, offset + start * strides[a]);
    }

    /** Broadcasts size-1 axes (and new leading axes) to {@code target} with stride 0. */
    public Layout expand(Shape target) {
        int r = target.rank();
        if (r < rank()) throw new ShapeException("cannot expand shape " + shape + " to fewer dimensions " + target);
        int[] st = new int[r];
        for (int i = 0; i < r; i++) {
            int src = i - (r - rank());
            if (src < 0) { st[i] = 0; continue; }
            int d = shape.dim(src);
            if (d == target.dim(i)) st[i] = strides[src];
            else if (d == 1) st[i] = 0;
            else throw new ShapeException("cannot expand shape " + shape + " to " + target + " (axis " + i + ": " + d + " vs " + target.dim(i) + ")");
        }
        return new Layout(target, st, offset);
    }

    /**
     * Reinterprets the elements as {@code target} without copying, or returns null when the strides do not allow it
     * (then the caller copies first, as {@code torch.reshape} does).
     */
    public Layout view(Shape target) {
        if (target.numel() != shape.numel()) {
            throw new ShapeException("cannot view shape " + shape + " (" + shape.numel() + " elements) as " + target + " (" + target.numel() + " elements)");
        }
        if (isContiguous()) return new Layout(target, target.contiguousStrides(), offset);
        // General case (torch's computeStride): match groups of old dims that are contiguous among themselves.
        int[] oldDims = shape.toArray(), newDims = target.toArray();
        int[] newStrides = new int[newDims.length];
        int viewD = newDims.length - 1;
        int chunkBase = strides.length == 0 ? 1 : strides[strides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = oldDims.length - 1; d >= 0; d--) {
            tensorNumel *= oldDims[d];
            if (d == 0 || (oldDims[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newDims[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newDims[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) { chunkBase = strides[d - 1]; tensorNumel = 1; viewNumel = 1; }
            }
        }
        if (viewD != -1) return null;
        return new Layout(target, newStrides, offset);
    }

    @Override public String toString() { return "Layout" + shape + " strides=" + Arrays.toString(strides) + " offset=" + offset; }
}
