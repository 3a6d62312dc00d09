// Elementwise binary ops with broadcasting (the arithmetic entries of dev.saccade.tensor.ops.BinaryOp).
//
//   <op>_<dt>(BroadcastLayout l, const T* a, const T* b, T* out, long long n):
//       out[i] = op(a[offA(i)], b[offB(i)])   out contiguous over l.shape, n = numel(out); a and b strided,
//       stride 0 on broadcast dimensions.
// Their gradients are composed from these and the reductions by ElementwiseBinary.backward (tensor module), as on
// the CPU, so there are no backward kernels.
//
// References (PyTorch docs): torch.add, torch.sub, torch.mul, torch.div, torch.maximum, torch.minimum (NaN wins).
#include "common.cuh"

template <typename T> struct Add { __device__ static T f(T a, T b) { return a + b; } };
template <typename T> struct Sub { __device__ static T f(T a, T b) { return a - b; } };
template <typename T> struct Mul { __device__ static T f(T a, T b) { return a * b; } };
template <typename T> struct Div { __device__ static T f(T a, T b) { return a / b; } };
template <typename T> struct Maximum { __device__ static T f(T a, T b) { return a != a ? a : (a > b ? a : b); } };
template <typename T> struct Minimum { __device__ static T f(T a, T b) { return a != a ? a : (a < b ? a : b); } };

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

#define BINARY_KERNELS(name, Op, T, suffix)                                                                 \
    extern "C" __global__ void name##_##suffix(BroadcastLayout l, const T* a, const T* b, T* out,          \
                                               long long n) {                                               \
        binary_forward<Op<T>, T>(l, a, b, out, n);                                                          \
    }

#define BINARY_BOTH(name, Op) BINARY_KERNELS(name, Op, float, f32) BINARY_KERNELS(name, Op, double, f64)

BINARY_BOTH(add, Add)
BINARY_BOTH(sub, Sub)
BINARY_BOTH(mul, Mul)
BINARY_BOTH(div, Div)
BINARY_BOTH(maximum, Maximum)
BINARY_BOTH(minimum, Minimum)
