package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ReLU and ReLU6 on vectors — {@code max(x, 0)} and {@code min(max(x, 0), 6)}, PyTorch's {@code torch.nn.ReLU} and
 * {@code torch.nn.ReLU6} — giving exactly what {@code FloatVector.max} and {@code min} give (NaN stays NaN, −0 becomes
 * +0, ±∞ clamp), made of compares and blends.
 *
 * <p>Without AVX-512, C2 compiles each {@code FloatVector.max} or {@code min} to a blend, a max, an unordered compare
 * and a second blend, for Java's NaN and signed-zero rules, and the two of ReLU6 form a long dependency chain at the
 * end of every epilogue. Here the three compares are independent and two blends select: an ad-hoc loop over 4096
 * floats on a Zen 1 core (AVX2), ns a vector: ReLU6 4.0 → 2.3, ReLU 2.0 → 1.45 (a plain copy 0.9). TSM-MobileNetV2,
 * whose expansions and depthwise layers all end in ReLU6, 2 threads, the two in alternated JVMs: 122–123 → 116–120 ms
 * (docs/PERF.md).
 *
 * <pre>{@code
 * FloatVector y = VectorActivation.apply(FloatVector.fromArray(Simd.F, x, i), ConvActivation.RELU6);
 * }</pre>
 */
final class VectorActivation {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final FloatVector ZERO = FloatVector.zero(F), SIX = FloatVector.broadcast(F, 6f);

    private VectorActivation() {}

    /** {@code v.max(0)}: v where v > 0 or v is NaN, else +0. */
    static FloatVector relu(FloatVector v) {
        return ZERO.blend(v, v.compare(VectorOperators.GT, ZERO).or(v.compare(VectorOperators.NE, v)));
    }

    /** {@code v.max(0).min(6)}. */
    static FloatVector relu6(FloatVector v) {
        return clamp(v, ZERO, SIX);
    }

    /**
     * {@code v.max(lo).min(hi)} for {@code lo < hi} lane by lane (0 and 6, or ±∞ for no bound): v where it lies above
     * lo and below hi or is NaN, else the bound it crossed.
     */
    static FloatVector clamp(FloatVector v, FloatVector lo, FloatVector hi) {
        VectorMask<Float> nan = v.compare(VectorOperators.NE, v);
        FloatVector r = lo.blend(v, v.compare(VectorOperators.GT, lo).or(nan));
        return hi.blend(r, v.compare(VectorOperators.LT, hi).or(nan));
    }

    /**
     * act applied to v: identity, {@link #relu} or {@link #relu6}, the same compares and blends written out here
     * rather than called. Every kernel's epilogue calls this, so C2 judges a call inside it by how often the whole
     * JVM's calls take that branch: with {@code relu6(v)} called from here, a JVM that ran the same depthwise planes
     * with ReLU6 and with no activation compiled it out of line into the stride-1 loop (PrintInlining: "already
     * compiled into a medium method"), each vector boxed through the call — 56² planes at 5.6–5.7 µs instead of
     * 1.7–1.8 ({@code ActivationMixTiming}). The kernels' own call sites are in their loops, hot.
     */
    static FloatVector apply(FloatVector v, ConvActivation act) {
        if (act == ConvActivation.NONE) return v;
        VectorMask<Float> nan = v.compare(VectorOperators.NE, v);
        FloatVector r = ZERO.blend(v, v.compare(VectorOperators.GT, ZERO).or(nan));    // relu(v)
        if (act == ConvActivation.RELU) return r;
        return SIX.blend(r, v.compare(VectorOperators.LT, SIX).or(nan));               // then min(·, 6)
    }
}
