// Average and maximum over one axis group in one read (saccade's AvgMaxPool: the pooled descriptors of CBAM, Woo et
// al. 2018 Eq. 2–3, and W3, Pérez-Rúa et al. 2020 Eq. 3, 5), of v = x·c with x (M, C, S), S = H·W, and an optional
// channel scale c (M, C) (a null pointer: v = x):
//   spatial:  out (2, M, C):     out[0, m, c] = mean_s v,   out[1, m, c] = max_s v
//   channel:  out (M, 2, S):     out[m, 0, s] = mean_c v,   out[m, 1, s] = max_c v
// Backward with g shaped as out, K the reduced count, ties the number of elements equal to the max:
//   gv = g_avg / K + g_max · [v = max] / ties,    gx = gv·c,    gc[m, c] = Σ_s gv·x
//
//   avg_max_pool_spatial_<dt>(x, c, out, M, C, S)                       one thread per (m, c) row
//   avg_max_pool_channel_<dt>(x, c, out, M, C, S)                       one thread per (m, s) column (coalesced)
//   avg_max_pool_spatial_backward_<dt>(g, x, c, out, gx, gc, M, C, S)   one thread per row; gx, gc may be null
//   avg_max_pool_channel_backward_<dt>(g, x, c, out, gx, ties, M, C, S) one thread per column; writes gx and ties (M, S)
//   avg_max_pool_channel_backward_scale_<dt>(g, x, c, out, ties, gc, M, C, S)   one thread per (m, c) row
// No shared memory and no atomics: every result is written by one thread, deterministically.
#include "common.cuh"

template <typename T>
__device__ __forceinline__ T amp_v(const T* x, const T* c, long long e, long long row) { return c ? x[e] * c[row] : x[e]; }

template <typename T>
__device__ void amp_spatial(const T* __restrict__ x, const T* __restrict__ c, T* __restrict__ out, long long M, long long C,
                            long long S) {
    GRID_STRIDE_LOOP(r, M * C) {
        double sum = 0;
        T mx = amp_v(x, c, r * S, r);
        for (long long p = 0; p < S; p++) {
            const T v = amp_v(x, c, r * S + p, r);
            sum += v;
            mx = v > mx ? v : mx;
        }
        out[r] = (T)(sum / S);
        out[M * C + r] = mx;
    }
}

template <typename T>
__device__ void amp_channel(const T* __restrict__ x, const T* __restrict__ c, T* __restrict__ out, long long M, long long C,
                            long long S) {
    GRID_STRIDE_LOOP(q, M * S) {
        const long long m = q / S, p = q % S;
        double sum = 0;
        T mx = amp_v(x, c, m * C * S + p, m * C);
        for (long long ch = 0; ch < C; ch++) {
            const T v = amp_v(x, c, (m * C + ch) * S + p, m * C + ch);
            sum += v;
            mx = v > mx ? v : mx;
        }
        out[(2 * m) * S + p] = (T)(sum / C);
        out[(2 * m + 1) * S + p] = mx;
    }
}

template <typename T>
__device__ void amp_spatial_backward(const T* __restrict__ g, const T* __restrict__ x, const T* __restrict__ c,
                                     const T* __restrict__ out, T* __restrict__ gx, T* __restrict__ gc, long long M,
                                     long long C, long long S) {
    GRID_STRIDE_LOOP(r, M * C) {
        const T mx = out[M * C + r];
        long long ties = 0;
        for (long long p = 0; p < S; p++) ties += amp_v(x, c, r * S + p, r) == mx;
        const double ga = (double)g[r] / S, share = (double)g[M * C + r] / ties, scale = c ? (double)c[r] : 1.0;
        double acc = 0;
        for (long long p = 0; p < S; p++) {
            const long long e = r * S + p;
            const double gv = ga + (amp_v(x, c, e, r) == mx ? share : 0.0);
            if (gx) gx[e] = (T)(gv * scale);
            acc += gv * x[e];
        }
        if (gc) gc[r] = (T)acc;
    }
}

template <typename T>
__device__ void amp_channel_backward(const T* __restrict__ g, const T* __restrict__ x, const T* __restrict__ c,
                                     const T* __restrict__ out, T* __restrict__ gx, T* __restrict__ tiesOut, long long M,
                                     long long C, long long S) {
    GRID_STRIDE_LOOP(q, M * S) {
        const long long m = q / S, p = q % S;
        const T mx = out[(2 * m + 1) * S + p];
        long long ties = 0;
        for (long long ch = 0; ch < C; ch++) ties += amp_v(x, c, (m * C + ch) * S + p, m * C + ch) == mx;
        const double ga = (double)g[(2 * m) * S + p] / C, share = (double)g[(2 * m + 1) * S + p] / ties;
        for (long long ch = 0; ch < C; ch++) {
            const long long e = (m * C + ch) * S + p, row = m * C + ch;
            const double gv = ga + (amp_v(x, c, e, row) == mx ? share : 0.0);
            if (gx) gx[e] = (T)(gv * (c ? (double)c[row] : 1.0));
        }
        tiesOut[q] = (T)ties;
    }
}

template <typename T>
__device__ void amp_channel_backward_scale(const T* __restrict__ g, const T* __restrict__ x, const T* __restrict__ c,
                                           const T* __restrict__ out, const T* __restrict__ ties, T* __restrict__ gc,
                                           long long M, long long C, long long S) {
    GRID_STRIDE_LOOP(r, M * C) {
        const long long m = r / C;
        double acc = 0;
        for (long long p = 0; p < S; p++) {
            const long long e = r * S + p;
            const double gv = (double)g[(2 * m) * S + p] / C
                              + (amp_v(x, c, e, r) == out[(2 * m + 1) * S + p] ? (double)g[(2 * m + 1) * S + p] / ties[m * S + p] : 0.0);
            acc += gv * x[e];
        }
        gc[r] = (T)acc;
    }
}

#define AVG_MAX_POOL_KERNELS(T, suffix)                                                                              \
    extern "C" __global__ void avg_max_pool_spatial_##suffix(const T* x, const T* c, T* out, long long M, long long C, \
                                                             long long S) {                                          \
        amp_spatial<T>(x, c, out, M, C, S);                                                                          \
    }                                                                                                                \
    extern "C" __global__ void avg_max_pool_channel_##suffix(const T* x, const T* c, T* out, long long M, long long C, \
                                                             long long S) {                                          \
        amp_channel<T>(x, c, out, M, C, S);                                                                          \
    }                                                                                                                \
    extern "C" __global__ void avg_max_pool_spatial_backward_##suffix(const T* g, const T* x, const T* c,             \
                                                                      const T* out, T* gx, T* gc, long long M,         \
                                                                      long long C, long long S) {                      \
        amp_spatial_backward<T>(g, x, c, out, gx, gc, M, C, S);                                                      \
    }                                                                                                                \
    extern "C" __global__ void avg_max_pool_channel_backward_##suffix(const T* g, const T* x, const T* c,             \
                                                                      const T* out, T* gx, T* ties, long long M,       \
                                                                      long long C, long long S) {                      \
        amp_channel_backward<T>(g, x, c, out, gx, ties, M, C, S);                                                    \
    }                                                                                                                \
    extern "C" __global__ void avg_max_pool_channel_backward_scale_##suffix(const T* g, const T* x, const T* c,       \
                                                                            const T* out, const T* ties, T* gc,        \
                                                                            long long M, long long C, long long S) {   \
        amp_channel_backward_scale<T>(g, x, c, out, ties, gc, M, C, S);                                              \
    }

AVG_MAX_POOL_KERNELS(float, f32)
AVG_MAX_POOL_KERNELS(double, f64)
