package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The {@code BroadcastLayout} kernel argument (common.cuh) of the binary ops: the output shape and the element
 * strides of both inputs over it (0 on broadcast dimensions). Bytes: {@code int ndim, int index32, long shape[6],
 * long strideA[6], long strideB[6]} = 152 bytes. Broadcasting follows NumPy / PyTorch rules: shapes aligned on the
 * right, size-1 (or missing) dimensions stretched.
 *
 * <pre>{@code
 * // a (8, 64, 14, 14) contiguous + b (64, 1, 1) contiguous
 * BroadcastLayout l = BroadcastLayout.of(new long[] {8, 64, 14, 14}, new long[] {12544, 196, 14, 1},
 *                                        new long[] {64, 1, 1}, new long[] {1, 1, 1});
 * l.shape();   // [8, 64, 14, 14]; l.stridesB() = [0, 1, 0, 0]
 * }</pre>
 */
public record BroadcastLayout(long[] shape, long[] stridesA, long[] stridesB) implements KernelStruct {
    /** Size of the C struct. */
    public static final long BYTES = 8 + 3L * StridedLayout.MAX_DIMS * 8;

    public BroadcastLayout {
        if (shape.length > StridedLayout.MAX_DIMS)
            throw new IllegalArgumentException("broadcast shape " + Arrays.toString(shape) + " has more than "
                    + StridedLayout.MAX_DIMS + " dimensions");
        if (stridesA.length != shape.length || stridesB.length != shape.length)
            throw new IllegalArgumentException("broadcast shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(stridesA) + ", " + Arrays.toString(stridesB) + " differ in rank");
        shape = shape.clone();
        stridesA = stridesA.clone();
        stridesB = stridesB.clone();
    }

    /**
     * The broadcast of a (shapeA, stridesA) with b (shapeB, stridesB).
     *
     * @throws IllegalArgumentException naming both shapes when they do not broadcast
     */
    public static BroadcastLayout of(long[] shapeA, long[] stridesA, long[] shapeB, long[] stridesB) {
        int rank = Math.max(shapeA.length, shapeB.length);
        long[] shape = new long[rank], sa = new long[rank], sb = new long[rank];
        for (int d = 0; d < rank; d++) {
            int da = d - (rank - shapeA.length), db = d - (rank - shapeB.length);
            long na = da >= 0 ? shapeA[da] : 1, nb = db >= 0 ? shapeB[db] : 1;
            if (na != nb && na != 1 && nb != 1)
                throw new IllegalArgumentException("shapes " + Arrays.toString(shapeA) + " and "
                        + Arrays.toString(shapeB) + " do not broadcast (dimension " + d + ": " + na + " vs " + nb + ")");
            shape[d] = Math.max(na, nb);
            sa[d] = na == 1 || da < 0 ? 0 : stridesA[da];
            sb[d] = nb == 1 || db < 0 ? 0 : stridesB[db];
        }
        return new BroadcastLayout(shape, sa, sb);
    }

    /** Number of output elements. */
    public long numel() {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    /**
     * The same broadcast with size-1 dimensions dropped and neighbours merged where both inputs are contiguous
     * across them; same-shape contiguous inputs become 1-d with unit strides (the kernels' fast path).
     */
    public BroadcastLayout collapsed() {
        java.util.List<long[]> dims = new java.util.ArrayList<>();  // {size, strideA, strideB}, outermost first
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (!dims.isEmpty()) {
                long[] last = dims.getLast();
                if (last[1] == stridesA[d] * shape[d] && last[2] == stridesB[d] * shape[d]) {
                    last[0] *= shape[d]; last[1] = stridesA[d]; last[2] = stridesB[d];
                    continue;
                }
            }
            dims.add(new long[] {shape[d], stridesA[d], stridesB[d]});
        }
        if (dims.isEmpty()) dims.add(new long[] {1, 0, 0});
        long[] sh = new long[dims.size()], a = new long[sh.length], b = new long[sh.length];
        for (int i = 0; i < sh.length; i++) { sh[i] = dims.get(i)[0]; a[i] = dims.get(i)[1]; b[i] = dims.get(i)[2]; }
        return new BroadcastLayout(sh, a, b);
    }

    /** Element offsets {a, b} of the output's row-major linear index {@code i} (test oracle). */
    public long[] offsetsOf(long i) {
        long oa = 0, ob = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            long r = i % shape[d];
            oa += r * stridesA[d];
            ob += r * stridesB[d];
            i /= shape[d];
        }
        return new long[] {oa, ob};
    }

    /** Whether the output count and every offset into a and b are below 2^31 (the kernels then index in 32 bits). */
    public boolean fitsInt32() {
        long ma = 0, mb = 0, n = 1;
        for (int d = 0; d < shape.length; d++) {
            n = Math.multiplyExact(n, shape[d]);
            if (shape[d] == 0) return true;
            ma = Math.addExact(ma, Math.multiplyExact(shape[d] - 1, stridesA[d]));
            mb = Math.addExact(mb, Math.multiplyExact(shape[d] - 1, stridesB[d]));
        }
        return StridedLayout.fitsInt32(n, ma, mb);
    }

    @Override public long byteSize() { return BYTES; }

    @Override
    public void writeTo(MemorySegment target) {
        int max = StridedLayout.MAX_DIMS;
        target.asSlice(0, BYTES).fill((byte) 0);
        target.set(JAVA_INT, 4, fitsInt32() ? 1 : 0);
        if (shape.length == 0) {  // a scalar: one element at offset 0 of each input
            target.set(JAVA_INT, 0, 1);
            target.set(JAVA_LONG, 8, 1);
            return;
        }
        target.set(JAVA_INT, 0, shape.length);
        for (int d = 0; d < shape.length; d++) {
            target.set(JAVA_LONG, 8 + 8L * d, shape[d]);
            target.set(JAVA_LONG, 8 + 8L * (max + d), stridesA[d]);
            target.set(JAVA_LONG, 8 + 8L * (2 * max + d), stridesB[d]);
        }
    }

    @Override public boolean equals(Object o) {
        return o instanceof BroadcastLayout l && Arrays.equals(shape, l.shape) && Arrays.equals(stridesA, l.stridesA)
                && Arrays.equals(stridesB, l.stridesB);
    }
    @Override public int hashCode() { return Arrays.hashCode(shape) * 961 + Arrays.hashCode(stridesA) * 31 + Arrays.hashCode(stridesB); }
    @Override public String toString() {
        return "BroadcastLayout" + Arrays.toString(shape) + Arrays.toString(stridesA) + Arrays.toString(stridesB);
    }
}
