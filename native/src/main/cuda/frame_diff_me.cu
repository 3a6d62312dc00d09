// Frame difference of ACTION-Net's motion excitation (Wang, She, Smolic 2021, "ACTION-Net: Multipath
// Excitation for Action Recognition", Sec. 3.3, ME: F(t) = K ∗ x(t+1) − x(t), zero for the last frame),
// over a (the convolved features) and b, both viewed as (N, T, F):
//   forward:  y[t] = a[t+1] − b[t]   for t < T−1,    y[T−1] = 0
//   backward: ga[t] = gy[t−1] (ga[0] = 0),   gb[t] = −gy[t] (gb[T−1] = 0)
// Every output element is written once, every input element read at most once (a[0], b[T−1] and gy[T−1]
// do not contribute). 16-byte vectors when F allows and the pointers are aligned.
//
//   frame_diff_me_<dt>(a, b, y, N, T, F)                a, b, y (N, T, F)
//   frame_diff_me_backward_<dt>(gy, ga, gb, N, T, F)    gy, ga, gb (N, T, F)
#include "common.cuh"
#include "vec.cuh"

// Index arithmetic in I: int when the tensors have fewer than 2^31 vectors (see fits_int32).
template <typename V, typename I>
__device__ void me_forward_as(const V* __restrict__ a, const V* __restrict__ b, V* __restrict__ y, I N, I T, I Fv) {
    GRID_STRIDE_LOOP(e64, (long long) N * T * Fv) {
        const I e = I(e64);
        const I t = (e / Fv) % T;
        y[e] = t < T - 1 ? vsub(a[e + Fv], b[e]) : vzero<V>();
    }
}

template <typename V, typename I>
__device__ void me_backward_as(const V* __restrict__ gy, V* __restrict__ ga, V* __restrict__ gb, I N, I T, I Fv) {
    GRID_STRIDE_LOOP(e64, (long long) N * T * Fv) {
        const I e = I(e64);
        const I t = (e / Fv) % T;
        ga[e] = t > 0 ? gy[e - Fv] : vzero<V>();
        gb[e] = t < T - 1 ? vneg(gy[e]) : vzero<V>();
    }
}

template <typename V>
__device__ void me_forward(const V* a, const V* b, V* y, long long N, long long T, long long Fv) {
    if (fits_int32(N * T * Fv)) me_forward_as<V, int>(a, b, y, (int) N, (int) T, (int) Fv);
    else me_forward_as<V, long long>(a, b, y, N, T, Fv);
}

template <typename V>
__device__ void me_backward(const V* gy, V* ga, V* gb, long long N, long long T, long long Fv) {
    if (fits_int32(N * T * Fv)) me_backward_as<V, int>(gy, ga, gb, (int) N, (int) T, (int) Fv);
    else me_backward_as<V, long long>(gy, ga, gb, N, T, Fv);
}

#define ME_KERNELS(T, suffix)                                                                                  \
    extern "C" __global__ void frame_diff_me_##suffix(const T* a, const T* b, T* y, long long N, long long Tn, \
                                                      long long F) {                                           \
        typedef VecOf<T>::type V;                                                                              \
        const int w = VecOf<T>::width;                                                                         \
        if (F % w == 0 && aligned16(a) && aligned16(b) && aligned16(y))                                        \
            me_forward<V>((const V*)a, (const V*)b, (V*)y, N, Tn, F / w);                                      \
        else                                                                                                   \
            me_forward<T>(a, b, y, N, Tn, F);                                                                  \
    }                                                                                                          \
    extern "C" __global__ void frame_diff_me_backward_##suffix(const T* gy, T* ga, T* gb, long long N,         \
                                                               long long Tn, long long F) {                    \
        typedef VecOf<T>::type V;                                                                              \
        const int w = VecOf<T>::width;                                                                         \
        if (F % w == 0 && aligned16(gy) && aligned16(ga) && aligned16(gb))                                     \
            me_backward<V>((const V*)gy, (V*)ga, (V*)gb, N, Tn, F / w);                                        \
        else                                                                                                   \
            me_backward<T>(gy, ga, gb, N, Tn, F);                                                              \
    }

ME_KERNELS(float, f32)
ME_KERNELS(double, f64)
