package dev.saccade.tensor;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes, e.g. {@code (N·T, C, H, W)}.
 *
 * <pre>{@code Shape s = Shape.of(8, 64, 56, 56); s.numel(); // 1605632 }</pre>
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) throw new ShapeException("negative dimension " + dims[i] + " at axis " + i + " in " + Arrays.toString(dims));
        }
        this.dims = dims;
    }

    /** A shape with the given sizes. */
    public static Shape of(int... dims) { return new Shape(dims.clone()); }

    /** The empty shape of a scalar. */
    public static Shape scalar() { return new Shape(new int[0]); }

    /** Number of dimensions. */
    public int rank() { return dims.length; }

    /** Size of {@code axis}; negative axes count from the end. */
    public int dim(int axis) { return dims[normalizeAxis(axis)]; }

    /** A copy of the sizes. */
    public int[] toArray() { return dims.clone(); }

    /** Product of the sizes (1 for a scalar). */
    public int numel() {
        long n = 1;
        for (int d : dims) n *= d;
        if (n > Integer.MAX_VALUE) throw new ShapeException("shape " + this + " has more than 2^31-1 elements");
        return (int) n;
    }

    /** Maps a possibly negative axis into {@code [0, rank)}. */
    public int normalizeAxis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) throw new ShapeException("axis " + axis + " out of range for shape " + this);
        return a;
    }

    /** Row-major (C-order) strides in elements. */
    public int[] contiguousStrides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.max(dims[i], 1); }
        return s;
    }

    /** The NumPy broadcast of two shapes; throws naming both shapes when they are incompatible. */
    public static Shape broadcast(Shape a, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException("shapes " + a + " and " + b + " cannot be broadcast together (axis " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }
    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) { if (i > 0) sb.append(", "); sb.append(dims[i]); }
        if (dims.length == 1) sb.append(',');
        return sb.append(')').toString();
    }
}
