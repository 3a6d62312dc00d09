// Elementwise binary ops with broadcasting, forward and backward.
//
// Forward:  out[i] = op(a[offA(i)], b[offB(i)])   out contiguous over BroadcastLayout.shape, n = numel(out);
//           a and b strided, stride 0 on broadcast dimensions.
// Backward: ga[i] = gy[i] · ∂op/∂a,  gb[i] = gy[i] · ∂op/∂b, both contiguous in the OUTPUT shape; the caller
//           sums them over the broadcast dimensions (sum over last axis after a permutation). ga or gb may
//           be 0 (null) when that gradient is not needed.
//
// References (PyTorch docs): torch.add, torch.sub, torch.mul, torch.div, torch.maximum, torch.minimum.
// maximum/minimum backward follow PyTorch's derivatives.yaml: on ties the gradient is split in halves.
#include "common.cuh"

template <typename T> struct Add { __device__ static T f(T a, T b) { return a + b; }
    __device__ static void df(T a, T b, T g, T& ga, T& gb) { ga = g; gb = g; } };
template <typename T> struct Sub { __device__ static T f(T a, T b) { return a - b; }
    __device__ static void df(T a, T b, T g, T& ga, T& gb) { ga = g; gb = -g; } };
template <typename T> struct Mul { __device__ static T f(T a, T b) { return a * b; }
    __device__ static void df(T a, T b, T g, T& ga, T& gb) { ga = g * b; gb = g * a; } };
template <typename T> struct Div { __device__ static T f(T a, T b) { return a / b; }
    __device__ static void df(T a, T b, T g, T& ga, T& gb) { ga = g / b; gb = -g * a / (b * b); } };
template <typename T> struct Maximum { __device__ static T f(T a, T b) { return a != a ? a : (a > b ? a : b); }
    __device__ static void df(T a, T b, T g, T& ga, T& gb) {
        if (a > b) { ga = g; gb = T(0); } else if (a < b) { ga = T(0); gb = g; } else { ga = g * T(0.5); gb = ga; } } };
template <typename T> struct Minimum { __device__ static T f(T a, T b) { return a != a ? a : (a < b ? a : b); }
    __device__ static void df(T a, T b, T g, T& ga, T& gb) {
        if (a < b) { ga = g; gb = T(0); } else if (a > b) { ga = T(0); gb = g; } else { ga = g * T(0.5); gb = ga; } } };

template <typename Op, typename T>
__device__ void binary_forward(const BroadcastLayout& l, const T* __restrict__ a, const T* __restrict__ b,
                               T* __restrict__ out, long long n) {
    if (l.ndim == 1 && l.strideA[0] == 1 && l.strideB[0] == 1) {
        GRID_STRIDE_LOOP(i, n) out[i] = Op::f(a[i], b[i]);
    } else {
        GRID_STRIDE_LOOP(i, n) {
            long long oa, ob;
            broadcast_offsets(l, i, oa, ob);
            out[i] = Op::f(a[oa], b[ob]);
        }
    }
}

template <typename Op, typename T>
__device__ void binary_backward(const BroadcastLayout& l, const T* __restrict__ a, const T* __restrict__ b,
                                const T* __restrict__ gy, T* __restrict__ ga, T* __restrict__ gb, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        long long oa, ob;
        broadcast_offsets(l, i, oa, ob);
        T da, db;
        Op::df(a[oa], b[ob], gy[i], da, db);
        if (ga) ga[i] = da;
        if (gb) gb[i] = db;
    }
}

#define BINARY_KERNELS(name, Op, T, suffix)                                                                 \
    extern "C" __global__ void name##_##suffix(BroadcastLayout l, const T* a, const T* b, T* out,          \
                                               long long n) {                                               \
        binary_forward<Op<T>, T>(l, a, b, out, n);                                                          \
    }                                                                                                       \
    extern "C" __global__ void name##_backward_##suffix(BroadcastLayout l, const T* a, const T* b,         \
                                                        const T* gy, T* ga, T* gb, long long n) {           \
        binary_backward<Op<T>, T>(l, a, b, gy, ga, gb, n);                                                  \
    }

#define BINARY_BOTH(name, Op) BINARY_KERNELS(name, Op, float, f32) BINARY_KERNELS(name, Op, double, f64)

BINARY_BOTH(add, Add)
BINARY_BOTH(sub, Sub)
BINARY_BOTH(mul, Mul)
BINARY_BOTH(div, Div)
BINARY_BOTH(maximum, Maximum)
BINARY_BOTH(minimum, Minimum)
