package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Whether the CPU backend uses its Vector API kernels ({@code -Dsaccade.cpu.simd=false} selects the scalar twins,
 * the reference every SIMD kernel is tested against), and the vector shape they use.
 */
public final class Simd {
    /** The widest float vector this CPU supports well (16 lanes on AVX-512). */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private static volatile boolean enabled = !"false".equalsIgnoreCase(System.getProperty("saccade.cpu.simd", "true"));

    private Simd() {}

    public static boolean enabled() { return enabled; }

    /** Switches SIMD kernels on or off (tests use this to compare a kernel with its scalar twin). */
    public static void setEnabled(boolean on) { enabled = on; }

    /** Rotations by L/2, L/4, …, 1 lanes: lane j reads lane (j + h) mod L. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] HALVES = halves();

    private static VectorShuffle<Float>[] halves() {
        int rounds = Integer.numberOfTrailingZeros(F.length());
        VectorShuffle<Float>[] s = new VectorShuffle[rounds];
        for (int r = 0, h = F.length() / 2; r < rounds; r++, h /= 2) s[r] = VectorShuffle.iota(F, h, 1, true);
        return s;
    }

    /**
     * The sum of the lanes of {@code v} in a fixed pairwise order: {@code v[j] += v[j + h]} for h = L/2, L/4, …, 1,
     * then lane 0. Use this instead of {@code v.reduceLanes(VectorOperators.ADD)}, whose order of additions is
     * unspecified and "may even vary over time" ({@code FloatVector.reduceLanes} Javadoc; in practice the
     * interpreted code adds lanes sequentially and the C2-compiled code does not, so a result depended on when the
     * JIT compiled the caller). Every step here is a lane-wise add, exact per lane in both, so the result is a
     * fixed function of the lanes. Scalar twin: {@link #sumLanesScalar}.
     *
     * <pre>{@code
     * float s = Simd.sumLanes(acc);   // same bits on every call, interpreted or compiled
     * }</pre>
     */
    public static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> s : HALVES) v = v.add(v.rearrange(s));
        return v.lane(0);
    }

    /** Scalar twin of {@link #sumLanes}: the same pairwise order over {@code lanes} (length L, a power of two). */
    public static float sumLanesScalar(float[] lanes) {
        float[] x = lanes.clone();
        for (int h = x.length / 2; h >= 1; h /= 2) for (int j = 0; j < h; j++) x[j] = x[j] + x[j + h];
        return x[0];
    }
}
