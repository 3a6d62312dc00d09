// index_select and gather along one axis, and their scatter-add backward. The input is viewed as
// (outer, dim, inner) around the selected axis; indices are int64 (torch.long).
//
//   index_select_<dt>(x, idx, y, outer, dim, inner, k, err):
//       y[o, j, i] = x[o, idx[j], i]            x (outer, dim, inner), idx (k), y (outer, k, inner)
//   index_select_backward_<dt>(gy, idx, gx, outer, dim, inner, k):
//       gx[o, idx[j], i] += gy[o, j, i]          gx (outer, dim, inner) MUST be zeroed by the caller
//   gather_<dt>(x, idx, y, outer, dim, inner, k, err):
//       y[o, j, i] = x[o, idx[o, j, i], i]       idx and y (outer, k, inner)
//   gather_backward_<dt>(gy, idx, gx, outer, dim, inner, k):
//       gx[o, idx[o, j, i], i] += gy[o, j, i]    gx zeroed by the caller
//
// An index outside [0, dim) yields 0 in the forward output, is skipped in backward, and sets *err = 1 when
// err is not null (the caller reads the flag back and raises an error naming the index tensor).
// References: torch.index_select, torch.gather, torch.Tensor.index_add_, torch.Tensor.scatter_add_.
#include "common.cuh"

template <typename T, bool PER_ELEMENT>
__device__ void select_forward(const T* __restrict__ x, const long long* __restrict__ idx, T* __restrict__ y,
                               long long outer, long long dim, long long inner, long long k, int* err) {
    const long long n = outer * k * inner;
    GRID_STRIDE_LOOP(e, n) {
        const long long i = e % inner;
        const long long oj = e / inner;
        const long long j = oj % k;
        const long long o = oj / k;
        const long long s = PER_ELEMENT ? idx[e] : idx[j];
        if (s < 0 || s >= dim) {
            y[e] = T(0);
            if (err) *err = 1;
        } else {
            y[e] = x[(o * dim + s) * inner + i];
        }
    }
}

template <typename T, bool PER_ELEMENT>
__device__ void select_backward(const T* __restrict__ gy, const long long* __restrict__ idx, T* __restrict__ gx,
                                long long outer, long long dim, long long inner, long long k) {
    const long long n = outer * k * inner;
    GRID_STRIDE_LOOP(e, n) {
        const long long i = e % inner;
        const long long oj = e / inner;
        const long long j = oj % k;
        const long long o = oj / k;
        const long long s = PER_ELEMENT ? idx[e] : idx[j];
        if (s >= 0 && s < dim) atomicAdd(gx + (o * dim + s) * inner + i, gy[e]);
    }
}

#define GATHER_KERNELS(T, suffix)                                                                              \
    extern "C" __global__ void index_select_##suffix(const T* x, const long long* idx, T* y, long long outer,  \
                                                     long long dim, long long inner, long long k, int* err) {  \
        select_forward<T, false>(x, idx, y, outer, dim, inner, k, err);                                        \
    }                                                                                                          \
    extern "C" __global__ void index_select_backward_##suffix(const T* gy, const long long* idx, T* gx,        \
                                                              long long outer, long long dim, long long inner, \
                                                              long long k) {                                   \
        select_backward<T, false>(gy, idx, gx, outer, dim, inner, k);                                          \
    }                                                                                                          \
    extern "C" __global__ void gather_##suffix(const T* x, const long long* idx, T* y, long long outer,        \
                                               long long dim, long long inner, long long k, int* err) {        \
        select_forward<T, true>(x, idx, y, outer, dim, inner, k, err);                                         \
    }                                                                                                          \
    extern "C" __global__ void gather_backward_##suffix(const T* gy, const long long* idx, T* gx,              \
                                                        long long outer, long long dim, long long inner,       \
                                                        long long k) {                                         \
        select_backward<T, true>(gy, idx, gx, outer, dim, inner, k);                                           \
    }

GATHER_KERNELS(float, f32)
GATHER_KERNELS(double, f64)
