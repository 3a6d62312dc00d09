// Elementwise unary ops with a scalar parameter α, forward and backward.
//
// Forward:  y[i] = f(x[view(i)]; α)   x strided (StridedLayout, broadcast allowed), y contiguous, n = numel(y).
// Backward: gx[i] = gy[i] · f'(x[i], y[i]; α)   x, y, gy, gx contiguous with n elements.
//
// Arguments: forward (StridedLayout lx, const T* x, T* y, long long n, double alpha),
//            backward (const T* x, const T* y, const T* gy, T* gx, long long n, double alpha).
// References (PyTorch docs): torch.square, torch.reciprocal, torch.add / torch.mul / torch.rsub with a scalar,
// torch.pow(x, exponent). Derivatives as in PyTorch's tools/autograd/derivatives.yaml
// (pow: α·x^(α−1); square: 2x; reciprocal: −y²). Ops without α ignore it.
#include "common.cuh"

__device__ __forceinline__ float  sc_pow(float x, float a)   { return powf(x, a); }
__device__ __forceinline__ double sc_pow(double x, double a) { return pow(x, a); }

template <typename T> struct Square     { __device__ static T f(T x, T)   { return x * x; }
                                          __device__ static T df(T x, T, T) { return T(2) * x; } };
template <typename T> struct Reciprocal { __device__ static T f(T x, T)   { return T(1) / x; }
                                          __device__ static T df(T, T y, T) { return -y * y; } };
template <typename T> struct AddScalar  { __device__ static T f(T x, T a) { return x + a; }
                                          __device__ static T df(T, T, T)   { return T(1); } };
template <typename T> struct MulScalar  { __device__ static T f(T x, T a) { return x * a; }
                                          __device__ static T df(T, T, T a) { return a; } };
template <typename T> struct RsubScalar { __device__ static T f(T x, T a) { return a - x; }
                                          __device__ static T df(T, T, T)   { return T(-1); } };
template <typename T> struct PowScalar  { __device__ static T f(T x, T a) { return sc_pow(x, a); }
                                          __device__ static T df(T x, T, T a) { return a * sc_pow(x, a - T(1)); } };

template <typename Op, typename T>
__device__ void scalar_forward(const StridedLayout& lx, const T* __restrict__ x, T* __restrict__ y, long long n,
                               T a) {
    if (lx.ndim == 1 && lx.stride[0] == 1) {
        GRID_STRIDE_LOOP(i, n) y[i] = Op::f(x[i], a);
    } else {
        GRID_STRIDE_LOOP(i, n) y[i] = Op::f(x[strided_offset(lx, i)], a);
    }
}

template <typename Op, typename T>
__device__ void scalar_backward(const T* __restrict__ x, const T* __restrict__ y, const T* __restrict__ gy,
                                T* __restrict__ gx, long long n, T a) {
    GRID_STRIDE_LOOP(i, n) gx[i] = gy[i] * Op::df(x[i], y[i], a);
}

#define SCALAR_KERNELS(name, Op, T, suffix)                                                                 \
    extern "C" __global__ void name##_##suffix(StridedLayout lx, const T* x, T* y, long long n,              \
                                               double alpha) {                                              \
        scalar_forward<Op<T>, T>(lx, x, y, n, T(alpha));                                                    \
    }                                                                                                       \
    extern "C" __global__ void name##_backward_##suffix(const T* x, const T* y, const T* gy, T* gx,         \
                                                        long long n, double alpha) {                        \
        scalar_backward<Op<T>, T>(x, y, gy, gx, n, T(alpha));                                               \
    }

#define SCALAR_BOTH(name, Op) SCALAR_KERNELS(name, Op, float, f32) SCALAR_KERNELS(name, Op, double, f64)

SCALAR_BOTH(square, Square)
SCALAR_BOTH(reciprocal, Reciprocal)
SCALAR_BOTH(add_scalar, AddScalar)
SCALAR_BOTH(mul_scalar, MulScalar)
SCALAR_BOTH(rsub_scalar, RsubScalar)
SCALAR_BOTH(pow_scalar, PowScalar)
