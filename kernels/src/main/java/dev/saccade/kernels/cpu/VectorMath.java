package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API building blocks over contiguous float runs (BLAS level-1 style: {@code sasum}-like sum, {@code saxpy},
 * {@code sdot}), each with its scalar twin. Used by the direct convolution and pooling kernels.
 *
 * <pre>{@code
 * VectorMath.axpy(2f, x, 0, y, 0, n);   // y[0..n) += 2·x[0..n)
 * }</pre>
 */
final class VectorMath {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorMath() {}

    /** {@code Σ a[off .. off+len)}. */
    static float sum(float[] a, int off, int len) {
        int i = 0, bound = F.loopBound(len);
        FloatVector acc = FloatVector.zero(F);
        for (; i < bound; i += F.length()) acc = acc.add(FloatVector.fromArray(F, a, off + i));
        float s = Simd.sumLanes(acc);
        for (; i < len; i++) s += a[off + i];
        return s;
    }

    /** Scalar twin of {@link #sum}. */
    static float sumScalar(float[] a, int off, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) s += a[off + i];
        return (float) s;
    }

    /** {@code y[yOff + i] += alpha · x[xOff + i]} for {@code i < len}. */
    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        int i = 0, bound = F.loopBound(len);
        FloatVector va = FloatVector.broadcast(F, alpha);
        for (; i < bound; i += F.length()) {
            FloatVector vy = FloatVector.fromArray(F, y, yOff + i);
            FloatVector.fromArray(F, x, xOff + i).fma(va, vy).intoArray(y, yOff + i);
        }
        if (i < len) {                                           // the tail as one masked vector: rows of T or W are short
            VectorMask<Float> m = F.indexInRange(i, len);
            FloatVector vy = FloatVector.fromArray(F, y, yOff + i, m);
            FloatVector.fromArray(F, x, xOff + i, m).fma(va, vy).intoArray(y, yOff + i, m);
        }
    }

    /** Scalar twin of {@link #axpy}. */
    static void axpyScalar(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    /** Accumulates {@code a[aOff + i] · b[bOff + i]} for {@code i < len} into {@code acc}, lane-wise. */
    static FloatVector dotInto(FloatVector acc, float[] a, int aOff, float[] b, int bOff, int len) {
        int i = 0, bound = F.loopBound(len);
        for (; i < bound; i += F.length())
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        return acc;
    }

    /** The scalar tail of {@link #dotInto}: the elements past {@code F.loopBound(len)}. */
    static float dotTail(float[] a, int aOff, float[] b, int bOff, int len) {
        float s = 0f;
        for (int i = F.loopBound(len); i < len; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** Scalar twin of {@link #dotInto} + {@link #dotTail}. */
    static float dotScalar(float[] a, int aOff, float[] b, int bOff, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) s += (double) a[aOff + i] * b[bOff + i];
        return (float) s;
    }

    /** {@code y[off + i] = act(y[off + i] + residual[off + i])} for {@code i < len}; residual may be null. */
    static void epilogue(float[] y, float[] residual, int off, int len, ConvActivation act) {
        int i = 0, bound = F.loopBound(len);
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, y, off + i);
            if (residual != null) v = v.add(FloatVector.fromArray(F, residual, off + i));
            v = VectorActivation.apply(v, act);
            v.intoArray(y, off + i);
        }
        for (; i < len; i++) y[off + i] = act.apply(residual == null ? y[off + i] : y[off + i] + residual[off + i]);
    }
}
