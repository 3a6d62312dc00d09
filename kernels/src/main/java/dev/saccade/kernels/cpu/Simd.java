package dev.saccade.kernels.cpu;

import jdk.incubator.vector.FloatVector;
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
}
