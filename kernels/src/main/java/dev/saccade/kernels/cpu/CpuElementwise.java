package dev.saccade.kernels.cpu;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.HostStorage;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise kernels over strided views: unary functions and their derivatives, broadcast binary functions,
 * copy/fill and axpy. F32 runs whose strides are 0 or 1 use the Vector API; everything else (F64, integers,
 * general strides, or SIMD switched off) runs the scalar twin, which computes in double.
 */
final class CpuElementwise {
    private static final VectorSpecies<Float> S = Simd.F;

    private CpuElementwise() {}

    static HostStorage host(Tensor t) { return (HostStorage) t.storage(); }

    static int[] strides(Tensor t) { return t.layout().strides(); }

    // ------------------------------------------------------------------ unary

    static void unary(UnaryOp op, Tensor x, Tensor y, double alpha) {
        HostStorage xs = host(x), ys = host(y);
        StridedLoop loop = StridedLoop.of(x.shape().toArray(), new int[][] {strides(x), strides(y)},
                new int[] {x.layout().offset(), y.layout().offset()});
        boolean simd = Simd.enabled() && x.dtype() == DType.F32 && y.dtype() == DType.F32;
        loop.forEach((o, st, n) -> {
            if (simd && st[0] == 1 && st[1] == 1) unaryF32(op, (float) alpha, xs.floats(), o[0], ys.floats(), o[1], n);
            else for (int i = 0; i < n; i++) ys.setDouble(o[1] + i * st[1], op.apply(xs.getDouble(o[0] + i * st[0]), alpha));
        });
    }

    /**
     * Transcendental functions run lane by lane through {@code java.lang.Math}: the Vector API's EXP/LOG/TANH/POW
     * give different bits before and after the JIT compiles them (an intrinsic vs a Java fallback), which would make
     * training results depend on JIT timing. The sigmoid, which every attention gate applies, is the exception: it
     * runs {@link VectorExp#sigmoid}, adds and fused multiply-adds only (the same bits in every tier, within 4 ulp of
     * {@code Math.exp}'s), as the fused gates already do. Everything else is exact in both forms and stays vectorised.
     */
    private static boolean transcendental(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, TANH, POW_SCALAR -> true;
            default -> false;
        };
    }

    /** The Vector API kernel for one contiguous run; scalar tail uses the reference function (the sigmoid's, its float twin). */
    static void unaryF32(UnaryOp op, float a, float[] x, int xo, float[] y, int yo, int n) {
        if (transcendental(op)) {
            for (int i = 0; i < n; i++) y[yo + i] = (float) op.apply(x[xo + i], a);
            return;
        }
        if (op == UnaryOp.SIGMOID) {
            int i = 0;
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                VectorExp.sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
            }
            for (; i < n; i++) y[yo + i] = VectorExp.sigmoid(x[xo + i]);
            return;
        }
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector r = switch (op) {
                case NEG -> v.neg();
                case EXP, LOG, SIGMOID, TANH, POW_SCALAR -> throw new IllegalStateException(op + " has its own loop");
                case SQRT -> v.sqrt();
                case RSQRT -> v.broadcast(1f).div(v.sqrt());
                case ABS -> v.abs();
                case RELU -> VectorActivation.relu(v);
                case RELU6 -> VectorActivation.relu6(v);
                case SQUARE -> v.mul(v);
                case RECIPROCAL -> v.broadcast(1f).div(v);
                case ADD_SCALAR -> v.add(a);
                case MUL_SCALAR -> v.mul(a);
                case RSUB_SCALAR -> v.broadcast(a).sub(v);
            };
            r.intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = (float) op.apply(x[xo + i], a);
    }

    static void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, double alpha) {
        HostStorage xs = host(x), ys = host(y), gys = host(gy), gxs = host(gx);
        StridedLoop loop = StridedLoop.of(x.shape().toArray(), new int[][] {strides(x), strides(y), strides(gy), strides(gx)},
                new int[] {x.layout().offset(), y.layout().offset(), gy.layout().offset(), gx.layout().offset()});
        boolean simd = Simd.enabled() && x.dtype() == DType.F32 && gy.dtype() == DType.F32 && derivativeSimd(op);
        loop.forEach((o, st, n) -> {
            if (simd && st[0] == 1 && st[1] == 1 && st[2] == 1 && st[3] == 1) {
                derivativeF32(op, (float) alpha, xs.floats(), o[0], ys.floats(), o[1], gys.floats(), o[2], gxs.floats(), o[3], n);
            } else {
                for (int i = 0; i < n; i++) {
                    double xv = xs.getDouble(o[0] + i * st[0]), yv = ys.getDouble(o[1] + i * st[1]);
                    gxs.setDouble(o[3] + i * st[3], op.derivative(xv, yv, alpha) * gys.getDouble(o[2] + i * st[2]));
                }
            }
        });
    }

    private static boolean derivativeSimd(UnaryOp op) {
        return switch (op) {
            case RELU, RELU6, SIGMOID, TANH, EXP, MUL_SCALAR, ADD_SCALAR, NEG, RSUB_SCALAR, SQUARE -> true;
            default -> false;
        };
    }

    private static void derivativeF32(UnaryOp op, float a, float[] x, int xo, float[] y, int yo, float[] g, int go, float[] gx, int gxo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            FloatVector r = switch (op) {
                case RELU -> {
                    FloatVector xv = FloatVector.fromArray(S, x, xo + i);
                    yield gv.blend(0f, xv.compare(VectorOperators.LE, 0f));
                }
                case RELU6 -> {
                    FloatVector xv = FloatVector.fromArray(S, x, xo + i);
                    yield gv.blend(0f, xv.compare(VectorOperators.LE, 0f).or(xv.compare(VectorOperators.GE, 6f)));
                }
                case SIGMOID -> {
                    FloatVector yv = FloatVector.fromArray(S, y, yo + i);
                    yield gv.mul(yv).mul(yv.neg().add(1f));
                }
                case TANH -> {
                    FloatVector yv = FloatVector.fromArray(S, y, yo + i);
                    yield gv.mul(yv.mul(yv).neg().add(1f));
                }
                case EXP -> gv.mul(FloatVector.fromArray(S, y, yo + i));
                case MUL_SCALAR -> gv.mul(a);
                case ADD_SCALAR -> gv;
                case NEG, RSUB_SCALAR -> gv.neg();
                case SQUARE -> gv.mul(FloatVector.fromArray(S, x, xo + i)).mul(2f);
                default -> throw new IllegalStateException(op.name());
            };
            r.intoArray(gx, gxo + i);
        }
        for (; i < n; i++) gx[gxo + i] = (float) (op.derivative(x[xo + i], y[yo + i], a) * g[go + i]);
    }

    // ------------------------------------------------------------------ binary

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        HostStorage as = host(a), bs = host(b), os = host(out);
        StridedLoop loop = StridedLoop.of(out.shape().toArray(), new int[][] {strides(a), strides(b), strides(out)},
                new int[] {a.layout().offset(), b.layout().offset(), out.layout().offset()});
        boolean simd = Simd.enabled() && a.dtype() == DType.F32 && b.dtype() == DType.F32 && out.dtype() == DType.F32;
        loop.forEach((o, st, n) -> {
            if (simd && st[0] <= 1 && st[1] <= 1 && st[2] == 1 && st[0] >= 0 && st[1] >= 0) {
                binaryF32(op, as.floats(), o[0], st[0], bs.floats(), o[1], st[1], os.floats(), o[2], n);
            } else {
                for (int i = 0; i < n; i++) {
                    os.setDouble(o[2] + i * st[2], op.apply(as.getDouble(o[0] + i * st[0]), bs.getDouble(o[1] + i * st[1])));
                }
            }
        });
    }

    /** One run where each input is either contiguous (stride 1) or a repeated scalar (stride 0). */
    static void binaryF32(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector av0 = as == 0 ? FloatVector.broadcast(S, a[ao]) : null;
        FloatVector bv0 = bs == 0 ? FloatVector.broadcast(S, b[bo]) : null;
        for (; i < bound; i += S.length()) {
            FloatVector av = av0 != null ? av0 : FloatVector.fromArray(S, a, ao + i);
            FloatVector bv = bv0 != null ? bv0 : FloatVector.fromArray(S, b, bo + i);
            FloatVector r = switch (op) {
                case ADD -> av.add(bv);
                case SUB -> av.sub(bv);
                case MUL -> av.mul(bv);
                case DIV -> av.div(bv);
                case MAXIMUM -> av.max(bv);
                case MINIMUM -> av.min(bv);
                case GT -> av.broadcast(0f).blend(1f, av.compare(VectorOperators.GT, bv));
                case LT -> av.broadcast(0f).blend(1f, av.compare(VectorOperators.LT, bv));
                case EQ -> av.broadcast(0f).blend(1f, av.compare(VectorOperators.EQ, bv));
            };
            r.intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = (float) op.apply(a[ao + i * as], b[bo + i * bs]);
    }

    // ------------------------------------------------------------------ copy, fill, axpy

    static void copy(Tensor src, Tensor dst) {
        HostStorage ss = host(src), ds = host(dst);
        StridedLoop loop = StridedLoop.of(dst.shape().toArray(), new int[][] {strides(src), strides(dst)},
                new int[] {src.layout().offset(), dst.layout().offset()});
        boolean sameType = src.dtype() == dst.dtype();
        loop.forEach((o, st, n) -> {
            if (sameType && st[0] == 1 && st[1] == 1) {
                System.arraycopy(arrayOf(ss), o[0], arrayOf(ds), o[1], n);
            } else if (sameType && src.dtype() == DType.F32) {
                float[] s = ss.floats(), d = ds.floats();
                for (int i = 0; i < n; i++) d[o[1] + i * st[1]] = s[o[0] + i * st[0]];
            } else if (!src.dtype().isFloating() && !dst.dtype().isFloating()) {
                for (int i = 0; i < n; i++) ds.setDouble(o[1] + i * st[1], ss.getLong(o[0] + i * st[0]));
            } else {
                for (int i = 0; i < n; i++) ds.setDouble(o[1] + i * st[1], ss.getDouble(o[0] + i * st[0]));
            }
        });
    }

    private static Object arrayOf(HostStorage s) {
        return switch (s.dtype()) {
            case F32 -> s.floats();
            case F64 -> s.doubles();
            case I32 -> s.ints();
            case I64 -> s.longs();
        };
    }

    static void fill(Tensor dst, double value) {
        HostStorage ds = host(dst);
        StridedLoop loop = StridedLoop.of(dst.shape().toArray(), new int[][] {strides(dst)}, new int[] {dst.layout().offset()});
        loop.forEach((o, st, n) -> {
            if (st[0] == 1 && dst.dtype() == DType.F32) java.util.Arrays.fill(ds.floats(), o[0], o[0] + n, (float) value);
            else for (int i = 0; i < n; i++) ds.setDouble(o[0] + i * st[0], value);
        });
    }

    /** {@code dst += alpha · src}. */
    static void axpy(double alpha, Tensor src, Tensor dst) {
        HostStorage ss = host(src), ds = host(dst);
        StridedLoop loop = StridedLoop.of(dst.shape().toArray(), new int[][] {strides(src), strides(dst)},
                new int[] {src.layout().offset(), dst.layout().offset()});
        boolean simd = Simd.enabled() && src.dtype() == DType.F32 && dst.dtype() == DType.F32;
        loop.forEach((o, st, n) -> {
            if (simd && st[0] == 1 && st[1] == 1) {
                float[] s = ss.floats(), d = ds.floats();
                float a = (float) alpha;
                int i = 0, bound = S.loopBound(n);
                for (; i < bound; i += S.length()) {
                    FloatVector.fromArray(S, s, o[0] + i).fma(FloatVector.broadcast(S, a), FloatVector.fromArray(S, d, o[1] + i)).intoArray(d, o[1] + i);
                }
                for (; i < n; i++) d[o[1] + i] += a * s[o[0] + i];
            } else {
                for (int i = 0; i < n; i++) {
                    int di = o[1] + i * st[1];
                    ds.setDouble(di, ds.getDouble(di) + alpha * ss.getDouble(o[0] + i * st[0]));
                }
            }
        });
    }
}
