// index_select and gather along one axis, and their backward (index_add and scatter_add). The input is viewed as
// (outer, dim, inner) around the selected axis; indices are int64 (torch.long).
//
//   index_select_<dt>(x, idx, y, outer, dim, inner, k, err):
//       y[o, j, i] = x[o, idx[j], i]            x (outer, dim, inner), idx (k), y (outer, k, inner)
//   index_add_<dt>(src, order, offsets, out, outer, dim, inner, k):
//       out[o, s, i] = Σ_{t = offsets[s]}^{offsets[s+1]−1} src[o, order[t], i]
//       src (outer, k, inner); order (k) lists j by increasing idx[j] (ties by increasing j) and offsets (dim + 1)
//       delimits each s: the caller's counting sort of the indices. One thread per output element, summing in a
//       fixed order: deterministic, no atomics, and out is overwritten (rows no index names get 0).
//   gather_<dt>(x, idx, y, outer, dim, inner, k, err):
//       y[o, j, i] = x[o, idx[o, j, i], i]       idx and y (outer, k, inner)
//   gather_backward_<dt>(gy, idx, gx, outer, dim, inner, k):
//       gx[o, s, i] = Σ_j [idx[o, j, i] = s] · gy[o, j, i]   one thread per gx element looping over j in order:
//       deterministic, O(k) per element; gx overwritten.
//
// An index outside [0, dim) yields 0 in the forward output, is skipped in backward, and sets *err = 1 when
// err is not null (the caller reads the flag back and raises an error naming the index tensor).
// Index arithmetic runs in 32 bits when every buffer has fewer than 2^31 elements (see fits_int32).
// References: torch.index_select, torch.gather, torch.Tensor.index_add_, torch.Tensor.scatter_add_.
#include "common.cuh"

template <typename T, bool PER_ELEMENT, typename I>
__device__ void select_forward(const T* __restrict__ x, const long long* __restrict__ idx, T* __restrict__ y,
                               I outer, I dim, I inner, I k, int* err) {
    GRID_STRIDE_LOOP(e64, (long long)outer * k * inner) {
        const I e = I(e64);
        const I i = e % inner;
        const I oj = e / inner;
        const I j = oj % k;
        const I o = oj / k;
        const long long s = PER_ELEMENT ? idx[e] : idx[j];
        if (s < 0 || s >= dim) {
            y[e] = T(0);
            if (err) *err = 1;
        } else {
            y[e] = x[(o * dim + I(s)) * inner + i];
        }
    }
}

template <typename T, typename I>
__device__ void index_add_gather(const T* __restrict__ src, const long long* __restrict__ order,
                                 const long long* __restrict__ offsets, T* __restrict__ out, I outer, I dim, I inner,
                                 I k) {
    GRID_STRIDE_LOOP(e64, (long long)outer * dim * inner) {
        const I e = I(e64);
        const I i = e % inner;
        const I os = e / inner;
        const I s = os % dim;
        const I o = os / dim;
        T sum = T(0);
        for (I t = I(offsets[s]); t < I(offsets[s + 1]); ++t) sum += src[(o * k + I(order[t])) * inner + i];
        out[e] = sum;
    }
}

template <typename T, typename I>
__device__ void scatter_add_gather(const T* __restrict__ gy, const long long* __restrict__ idx, T* __restrict__ gx,
                                   I outer, I dim, I inner, I k) {
    GRID_STRIDE_LOOP(e64, (long long)outer * dim * inner) {
        const I e = I(e64);
        const I i = e % inner;
        const I os = e / inner;
        const I s = os % dim;
        const I o = os / dim;
        T sum = T(0);
        for (I j = 0; j < k; ++j) {
            const I f = (o * k + j) * inner + i;
            if (idx[f] == (long long) s) sum += gy[f];
        }
        gx[e] = sum;
    }
}

// The larger of the two views' element counts decides the index width.
__device__ __forceinline__ bool gather_fits_int32(long long outer, long long dim, long long inner, long long k) {
    return fits_int32(outer * (dim > k ? dim : k) * inner);
}

#define GATHER_DISPATCH(body, pre, ...)                                                                          \
    if (gather_fits_int32(outer, dim, inner, k))                                                                \
        body<pre, int>(__VA_ARGS__, (int) outer, (int) dim, (int) inner, (int) k);                              \
    else                                                                                                         \
        body<pre, long long>(__VA_ARGS__, outer, dim, inner, k)

#define GATHER_KERNELS(T, suffix)                                                                              \
    extern "C" __global__ void index_select_##suffix(const T* x, const long long* idx, T* y, long long outer,  \
                                                     long long dim, long long inner, long long k, int* err) {  \
        if (gather_fits_int32(outer, dim, inner, k))                                                           \
            select_forward<T, false, int>(x, idx, y, (int) outer, (int) dim, (int) inner, (int) k, err);       \
        else                                                                                                   \
            select_forward<T, false, long long>(x, idx, y, outer, dim, inner, k, err);                         \
    }                                                                                                          \
    extern "C" __global__ void index_add_##suffix(const T* src, const long long* order,                        \
                                                  const long long* offsets, T* out, long long outer,           \
                                                  long long dim, long long inner, long long k) {               \
        GATHER_DISPATCH(index_add_gather, T, src, order, offsets, out);                                        \
    }                                                                                                          \
    extern "C" __global__ void gather_##suffix(const T* x, const long long* idx, T* y, long long outer,        \
                                               long long dim, long long inner, long long k, int* err) {        \
        if (gather_fits_int32(outer, dim, inner, k))                                                           \
            select_forward<T, true, int>(x, idx, y, (int) outer, (int) dim, (int) inner, (int) k, err);        \
        else                                                                                                   \
            select_forward<T, true, long long>(x, idx, y, outer, dim, inner, k, err);                          \
    }                                                                                                          \
    extern "C" __global__ void gather_backward_##suffix(const T* gy, const long long* idx, T* gx,              \
                                                        long long outer, long long dim, long long inner,       \
                                                        long long k) {                                         \
        GATHER_DISPATCH(scatter_add_gather, T, gy, idx, gx);                                                   \
    }

GATHER_KERNELS(float, f32)
GATHER_KERNELS(double, f64)
