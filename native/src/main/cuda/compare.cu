// Elementwise comparisons with broadcasting: out[i] = op(a[offA(i)], b[offB(i)]) ? 1 : 0 in the input dtype
// (not differentiable, no backward).
//
// Arguments: (BroadcastLayout l, const T* a, const T* b, T* out, long long n), out contiguous, n = numel(out).
// References (PyTorch docs): torch.gt, torch.lt, torch.eq (saccade returns the input dtype, not bool).
#include "common.cuh"

template <typename T> struct Gt { __device__ static bool f(T a, T b) { return a > b; } };
template <typename T> struct Lt { __device__ static bool f(T a, T b) { return a < b; } };
template <typename T> struct Eq { __device__ static bool f(T a, T b) { return a == b; } };

template <typename Op, typename T>
__device__ void compare(const BroadcastLayout& l, const T* __restrict__ a, const T* __restrict__ b,
                        T* __restrict__ out, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        long long oa, ob;
        broadcast_offsets(l, i, oa, ob);
        out[i] = Op::f(a[oa], b[ob]) ? T(1) : T(0);
    }
}

#define COMPARE_KERNEL(name, Op, T, suffix)                                                                 \
    extern "C" __global__ void name##_##suffix(BroadcastLayout l, const T* a, const T* b, T* out,          \
                                               long long n) {                                               \
        compare<Op<T>, T>(l, a, b, out, n);                                                                 \
    }
#define COMPARE_BOTH(name, Op) COMPARE_KERNEL(name, Op, float, f32) COMPARE_KERNEL(name, Op, double, f64)

COMPARE_BOTH(gt, Gt)
COMPARE_BOTH(lt, Lt)
COMPARE_BOTH(eq, Eq)
