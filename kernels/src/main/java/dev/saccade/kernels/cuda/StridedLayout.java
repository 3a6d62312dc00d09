package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code StridedLayout} kernel argument (common.cuh): a view of up to 6 dimensions, shape and strides in
 * elements, stride 0 on broadcast (expanded) dimensions. Bytes: {@code int ndim, int index32, long shape[6],
 * long stride[6]} = 104 bytes; {@code index32} is 1 when {@link #fitsInt32()}, and the kernels then decompose
 * indices in 32-bit arithmetic.
 *
 * <pre>{@code
 * // x: (N·T, C, H, W) viewed through permute(0, 2, 3, 1): shape (NT, H, W, C), strides (C·H·W, W, 1, H·W)
 * StridedLayout l = StridedLayout.of(new long[] {nt, h, w, c}, new long[] {c * h * w, w, 1, h * w}).collapsed();
 * }</pre>
 *
 * @param shape   sizes, at most 6, each ≥ 1 (an empty array is a scalar)
 * @param strides element strides, same length as shape, ≥ 0
 */
public record StridedLayout(long[] shape, long[] strides) implements KernelStruct {
    /** Most dimensions a kernel accepts. */
    public static final int MAX_DIMS = 6;
    /** Size of the C struct. */
    public static final long BYTES = 8 + 2L * MAX_DIMS * 8;

    public StridedLayout {
        if (shape.length != strides.length)
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(strides) + " differ in rank");
        if (shape.length > MAX_DIMS)
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than " + MAX_DIMS + " dimensions");
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 1) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + ": dimension " + d + " is < 1");
            if (strides[d] < 0) throw new IllegalArgumentException("strides " + Arrays.toString(strides) + ": dimension " + d + " is negative");
        }
        shape = shape.clone();
        strides = strides.clone();
    }

    /** A view with the given shape and strides. */
    public static StridedLayout of(long[] shape, long[] strides) { return new StridedLayout(shape, strides); }

    /** The row-major contiguous layout of {@code shape}. */
    public static StridedLayout contiguous(long... shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        return new StridedLayout(shape, strides);
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    /**
     * The same view with size-1 dimensions dropped and neighbours merged where {@code stride[d] = stride[d+1]·shape[d+1]};
     * a contiguous view becomes 1-d with stride 1, which the kernels take on a fast path.
     */
    public StridedLayout collapsed() {
        List<long[]> dims = new ArrayList<>();  // {size, stride}, outermost first
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (!dims.isEmpty()) {
                long[] last = dims.getLast();
                if (last[1] == strides[d] * shape[d]) { last[0] *= shape[d]; last[1] = strides[d]; continue; }
            }
            dims.add(new long[] {shape[d], strides[d]});
        }
        if (dims.isEmpty()) dims.add(new long[] {1, 1});
        long[] sh = new long[dims.size()], st = new long[dims.size()];
        for (int i = 0; i < sh.length; i++) { sh[i] = dims.get(i)[0]; st[i] = dims.get(i)[1]; }
        return new StridedLayout(sh, st);
    }

    /** The largest element offset of the view: Σ (shape[d] − 1)·stride[d] (0 for an empty view). */
    public long maxOffset() {
        long off = 0;
        for (int d = 0; d < shape.length; d++) off = Math.addExact(off, Math.multiplyExact(shape[d] - 1, strides[d]));
        return off;
    }

    /** Whether the element count and every offset are below 2^31, so that 32-bit index arithmetic is exact. */
    public boolean fitsInt32() { return fitsInt32(numel(), maxOffset()); }

    /** Whether a launch over {@code numel} elements reaching offsets up to {@code maxOffset} can index in 32 bits. */
    static boolean fitsInt32(long numel, long... maxOffsets) {
        if (numel > Integer.MAX_VALUE) return false;
        for (long m : maxOffsets) if (m > Integer.MAX_VALUE) return false;
        return true;
    }

    /** Element offset of the row-major linear index {@code i}, as the kernels compute it (test oracle). */
    public long offsetOf(long i) {
        long off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return off;
    }

    @Override public long byteSize() { return BYTES; }

    @Override
    public void writeTo(MemorySegment target) {
        target.asSlice(0, BYTES).fill((byte) 0);
        target.set(JAVA_INT, 0, shape.length == 0 ? 1 : shape.length);
        target.set(JAVA_INT, 4, fitsInt32() ? 1 : 0);
        if (shape.length == 0) { target.set(JAVA_LONG, 8, 1); target.set(JAVA_LONG, 8 + 8 * MAX_DIMS, 1); return; }
        for (int d = 0; d < shape.length; d++) {
            target.set(JAVA_LONG, 8 + 8L * d, shape[d]);
            target.set(JAVA_LONG, 8 + 8L * (MAX_DIMS + d), strides[d]);
        }
    }

    @Override public boolean equals(Object o) {
        return o instanceof StridedLayout l && Arrays.equals(shape, l.shape) && Arrays.equals(strides, l.strides);
    }
    @Override public int hashCode() { return 31 * Arrays.hashCode(shape) + Arrays.hashCode(strides); }
    @Override public String toString() { return "StridedLayout" + Arrays.toString(shape) + Arrays.toString(strides); }
}
