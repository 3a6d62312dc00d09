package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float lane masks of {@link Simd#F} from bit sets (bit l set: lane l on), made in registers on every vector width.
 *
 * <p>{@code VectorMask.fromLong} compiles to one {@code kmov} where the CPU has mask registers (AVX-512), but JDK 25's
 * C2 has no intrinsic for it with AVX2's 8 lanes: there it runs the library's Java fallback, 18–22 ns a masked load
 * on a Zen 1 core against ~1.7 ns for a plain one (an ad-hoc loop, docs/PERF.md), and the packing and tile stores
 * that make one mask per row of a panel spent a third of the 7×7 stem's time in it. Below 16 lanes the mask is therefore computed:
 * the bits broadcast to every int lane, AND with lane l's own bit {@code 1 << l}, compare ≠ 0, and the int mask
 * reinterpreted as a float one ({@code vpand}, {@code vpcmpeqd}, no memory). Same lanes as {@code fromLong}; the
 * tests compare the two for every bit set of a vector.
 *
 * <pre>{@code
 * VectorMask<Float> m = LaneMask.of(0b0111);                     // lanes 0, 1, 2
 * FloatVector v = FloatVector.fromArray(Simd.F, x, offset, m);   // zero in the other lanes
 * }</pre>
 */
final class LaneMask {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Whether {@code fromLong} is a register move here: true with AVX-512's 16 float lanes. */
    static final boolean FROM_LONG = F.length() >= 16;
    /** Lane l holds {@code 1 << l}. */
    private static final IntVector LANE_BITS = IntVector.fromArray(I, laneBits(), 0);
    private static final FloatVector ZERO = FloatVector.zero(F);

    private LaneMask() {}

    /** The mask whose lane l is on when bit l of {@code bits} is set (bits at or above L are ignored). */
    static VectorMask<Float> of(long bits) {
        if (FROM_LONG) return VectorMask.fromLong(F, bits & ((1L << F.length()) - 1));
        return computed(bits);
    }

    /** {@link #of} without {@code fromLong}, on every width (what AVX2 runs; the tests run it everywhere). */
    static VectorMask<Float> computed(long bits) {
        return LANE_BITS.and((int) bits).compare(VectorOperators.NE, 0).cast(F);
    }

    /**
     * {@code a[offset, offset + L)} on the lanes set in {@code bits}, zero on the others; the whole vector must lie
     * inside a (an {@link IndexOutOfBoundsException} otherwise). With 16 lanes a masked load; below, a plain load
     * blended with zero ({@link #loadBlended}): {@code vmaskmovps} takes ~7.5 ns on a Zen 1 core against ~3.4 for
     * load and blend, the mask's making included (an ad-hoc loop, docs/PERF.md).
     *
     * <pre>{@code
     * FloatVector v = LaneMask.load(x, 8, 0b0011);   // x[8], x[9], then zeros; x[8 .. 8 + L) must exist
     * }</pre>
     */
    static FloatVector load(float[] a, int offset, long bits) {
        return FROM_LONG ? FloatVector.fromArray(F, a, offset, of(bits)) : loadBlended(a, offset, bits);
    }

    /** {@link #load} as a plain load blended with zero, on every width (what AVX2 runs; the tests run it everywhere). */
    static FloatVector loadBlended(float[] a, int offset, long bits) {
        return ZERO.blend(FloatVector.fromArray(F, a, offset), computed(bits));
    }

    /**
     * The lanes of v set in {@code bits} into {@code a[offset, offset + L)}, the others left as they are; the whole
     * vector must lie inside a. Below 16 lanes ({@link #blendIntoPlain}) it reads the vector, blends and writes it
     * back, since a masked store ({@code vmaskmovps}) takes ~7.7 ns on a Zen 1 core against ~3.5 (an ad-hoc loop,
     * docs/PERF.md): so no other thread may write that range meanwhile. For a thread's own buffers, not for shared
     * outputs.
     */
    static void blendInto(FloatVector v, float[] a, int offset, long bits) {
        if (FROM_LONG) v.intoArray(a, offset, of(bits));
        else blendIntoPlain(v, a, offset, bits);
    }

    /** {@link #blendInto} as a load, a blend and a plain store, on every width (the tests run it everywhere). */
    static void blendIntoPlain(FloatVector v, float[] a, int offset, long bits) {
        FloatVector.fromArray(F, a, offset).blend(v, computed(bits)).intoArray(a, offset);
    }

    private static int[] laneBits() {
        int[] b = new int[I.length()];
        for (int l = 0; l < b.length; l++) b[l] = 1 << l;
        return b;
    }
}
