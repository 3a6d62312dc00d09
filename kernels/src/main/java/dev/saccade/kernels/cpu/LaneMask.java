package dev.saccade.kernels.cpu;

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

    private static int[] laneBits() {
        int[] b = new int[I.length()];
        for (int l = 0; l < b.length; l++) b[l] = 1 << l;
        return b;
    }
}
