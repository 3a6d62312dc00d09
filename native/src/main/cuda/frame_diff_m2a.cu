// Frame difference as used by M2A's motion branch (Gebotys, Wong, Clausi 2021, "M2A: Motion Aware
// Attention for Accurate Video Action Recognition"), over x viewed as (N, T, F), F = C·H·W:
//   forward:  y[t] = x[t+1] − x[t]   for t < T−1,    y[T−1] = −x[T−1]
//   backward: gx[t] = gy[t−1] − gy[t]                (gy[−1] = 0)
// One thread owns one (n, f) column (a 16-byte vector of f when F allows) and walks t, keeping the previous
// frame in registers: every input element is read once and every output element written once.
//
//   frame_diff_m2a_<dt>(x, y, N, T, F)               x, y (N, T, F)
//   frame_diff_m2a_backward_<dt>(gy, gx, N, T, F)    gy, gx (N, T, F)
#include "common.cuh"
#include "vec.cuh"

template <typename V>
__device__ void m2a_forward(const V* __restrict__ x, V* __restrict__ y, long long N, long long T, long long Fv) {
    GRID_STRIDE_LOOP(col, N * Fv) {
        const long long n = col / Fv, f = col - n * Fv;
        const long long base = n * T * Fv + f;
        V prev = x[base];  // x[n, 0, f]
        for (long long t = 1; t < T; ++t) {
            const V cur = x[base + t * Fv];
            y[base + (t - 1) * Fv] = vsub(cur, prev);
            prev = cur;
        }
        y[base + (T - 1) * Fv] = vneg(prev);
    }
}

template <typename V>
__device__ void m2a_backward(const V* __restrict__ gy, V* __restrict__ gx, long long N, long long T, long long Fv) {
    GRID_STRIDE_LOOP(col, N * Fv) {
        const long long n = col / Fv, f = col - n * Fv;
        const long long base = n * T * Fv + f;
        V prev = vzero<V>();  // gy[n, −1, f]
        for (long long t = 0; t < T; ++t) {
            const V cur = gy[base + t * Fv];
            gx[base + t * Fv] = vsub(prev, cur);
            prev = cur;
        }
    }
}

template <typename T, bool BACKWARD>
__device__ void m2a_dispatch(const T* in, T* out, long long N, long long Tn, long long F) {
    typedef typename VecOf<T>::type V;
    const int w = VecOf<T>::width;
    if (F % w == 0 && aligned16(in) && aligned16(out)) {
        if (BACKWARD) m2a_backward<V>(reinterpret_cast<const V*>(in), reinterpret_cast<V*>(out), N, Tn, F / w);
        else          m2a_forward<V>(reinterpret_cast<const V*>(in), reinterpret_cast<V*>(out), N, Tn, F / w);
    } else {
        if (BACKWARD) m2a_backward<T>(in, out, N, Tn, F);
        else          m2a_forward<T>(in, out, N, Tn, F);
    }
}

#define M2A_KERNELS(T, suffix)                                                                                 \
    extern "C" __global__ void frame_diff_m2a_##suffix(const T* x, T* y, long long N, long long Tn, long long F) { \
        m2a_dispatch<T, false>(x, y, N, Tn, F);                                                                \
    }                                                                                                          \
    extern "C" __global__ void frame_diff_m2a_backward_##suffix(const T* gy, T* gx, long long N, long long Tn, \
                                                                long long F) {                                 \
        m2a_dispatch<T, true>(gy, gx, N, Tn, F);                                                               \
    }

M2A_KERNELS(float, f32)
M2A_KERNELS(double, f64)
