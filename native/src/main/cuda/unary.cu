// Elementwise unary ops, forward and backward.
//
// Forward:  y[i] = f(x[view(i)])   x strided (StridedLayout, broadcast allowed), y contiguous, n = numel(y).
// Backward: gx[i] = gy[i] · f'(x[i], y[i])   x, y, gy, gx contiguous with n elements (x or y may be
//           unused by an op; pass any valid pointer, e.g. the other one).
// Every unary kernel (here and in unary_scalar.cu) has the same parameters, ending in `double alpha` (unused by
// the ops here), so the launcher needs nothing but dev.saccade.tensor.ops.UnaryOp#kernelName():
//   <op>_<dt>(StridedLayout lx, const T* x, T* y, long long n, double alpha)
//   <op>_backward_<dt>(const T* x, const T* y, const T* gy, T* gx, long long n, double alpha)
//
// References (PyTorch docs): torch.nn.functional.relu, relu6 (= hardtanh(0, 6)), torch.sigmoid, torch.tanh,
// torch.exp, torch.log, torch.sqrt, torch.rsqrt, torch.neg, torch.abs. Derivatives as in PyTorch's
// tools/autograd/derivatives.yaml (relu6: gradient 0 at both clip points, as hardtanh_backward).
#include "common.cuh"

template <typename T> struct Relu    { __device__ static T f(T x) { return x > T(0) ? x : T(0); }
                                       __device__ static T df(T x, T)   { return x > T(0) ? T(1) : T(0); } };
template <typename T> struct Relu6   { __device__ static T f(T x) { return x > T(0) ? (x < T(6) ? x : T(6)) : T(0); }
                                       __device__ static T df(T x, T)   { return (x > T(0) && x < T(6)) ? T(1) : T(0); } };
template <typename T> struct Sigmoid { __device__ static T f(T x) { return T(1) / (T(1) + sc_exp(-x)); }
                                       __device__ static T df(T, T y)   { return y * (T(1) - y); } };
template <typename T> struct Tanh    { __device__ static T f(T x) { return sc_tanh(x); }
                                       __device__ static T df(T, T y)   { return T(1) - y * y; } };
template <typename T> struct Exp     { __device__ static T f(T x) { return sc_exp(x); }
                                       __device__ static T df(T, T y)   { return y; } };
template <typename T> struct Log     { __device__ static T f(T x) { return sc_log(x); }
                                       __device__ static T df(T x, T)   { return T(1) / x; } };
template <typename T> struct Sqrt    { __device__ static T f(T x) { return sc_sqrt(x); }
                                       __device__ static T df(T, T y)   { return T(0.5) / y; } };
template <typename T> struct Rsqrt   { __device__ static T f(T x) { return sc_rsqrt(x); }
                                       __device__ static T df(T, T y)   { return T(-0.5) * y * y * y; } };
template <typename T> struct Neg     { __device__ static T f(T x) { return -x; }
                                       __device__ static T df(T, T)     { return T(-1); } };
template <typename T> struct Abs     { __device__ static T f(T x) { return sc_abs(x); }
                                       __device__ static T df(T x, T)   { return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0)); } };

template <typename Op, typename T>
__device__ void unary_forward(StridedLayout lx, const T* __restrict__ x, T* __restrict__ y, long long n) {
    if (lx.ndim == 1 && lx.stride[0] == 1) {
        GRID_STRIDE_LOOP(i, n) y[i] = Op::f(x[i]);
    } else {
        GRID_STRIDE_LOOP(i, n) y[i] = Op::f(x[strided_offset(lx, i)]);
    }
}

template <typename Op, typename T>
__device__ void unary_backward(const T* __restrict__ x, const T* __restrict__ y, const T* __restrict__ gy,
                               T* __restrict__ gx, long long n) {
    GRID_STRIDE_LOOP(i, n) gx[i] = gy[i] * Op::df(x[i], y[i]);
}

#define UNARY_KERNELS(name, Op, T, suffix)                                                                  \
    extern "C" __global__ void name##_##suffix(StridedLayout lx, const T* x, T* y, long long n, double) {    \
        unary_forward<Op<T>, T>(lx, x, y, n);                                                               \
    }                                                                                                       \
    extern "C" __global__ void name##_backward_##suffix(const T* x, const T* y, const T* gy, T* gx,         \
                                                        long long n, double) {                              \
        unary_backward<Op<T>, T>(x, y, gy, gx, n);                                                          \
    }

#define UNARY_BOTH(name, Op) UNARY_KERNELS(name, Op, float, f32) UNARY_KERNELS(name, Op, double, f64)

UNARY_BOTH(relu, Relu)
UNARY_BOTH(relu6, Relu6)
UNARY_BOTH(sigmoid, Sigmoid)
UNARY_BOTH(tanh, Tanh)
UNARY_BOTH(exp, Exp)
UNARY_BOTH(log, Log)
UNARY_BOTH(sqrt, Sqrt)
UNARY_BOTH(rsqrt, Rsqrt)
UNARY_BOTH(neg, Neg)
UNARY_BOTH(abs, Abs)
