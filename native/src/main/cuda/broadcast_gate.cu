// An activation gated by a per-channel and a per-position map in one pass (saccade's BroadcastGate; the last step of
// ACTION-Net's excitation, Wang et al. 2021, Sec. 3, and of CBAM / W3, Woo et al. 2018 Eq. 1): x (M, C, S), S = H·W,
// channel gate c (M, C) and spatial gate s (M, S), either absent (a null pointer):
//   sum = 1:  y = x·(α + c + s)      (an absent gate counts 0)
//   sum = 0:  y = x·c·s              (an absent gate counts 1)
// Backward with the upstream gradient g:
//   gx = g·gate,   gc[m,c] = Σ_s g·x·∂gate/∂c,   gs[m,s] = Σ_c g·x·∂gate/∂s
// where ∂gate/∂c = 1 (sum) or s, ∂gate/∂s = 1 (sum) or c.
//
//   broadcast_gate_<dt>(x, c, s, y, M, C, S, sum, alpha)                                   one thread per element
//   broadcast_gate_backward_<dt>(g, c, s, gx, M, C, S, sum, alpha)                          one thread per element
//   broadcast_gate_backward_channel_<dt>(g, x, s, gc, M, C, S, sum)    one thread per (m, c) row, double accumulator
//   broadcast_gate_backward_spatial_<dt>(g, x, c, gs, M, C, S, sum)    one thread per (m, s) column (coalesced in s)
// No shared memory and no atomics: every result is written by one thread, deterministically.
#include "common.cuh"

template <typename T>
__device__ __forceinline__ double bg_gate(const T* c, const T* s, long long m, long long ch, long long p, long long C,
                                          long long S, int sum, double alpha) {
    const double cv = c ? (double)c[m * C + ch] : (sum ? 0.0 : 1.0);
    const double sv = s ? (double)s[m * S + p] : (sum ? 0.0 : 1.0);
    return sum ? alpha + cv + sv : cv * sv;
}

template <typename T>
__device__ void bg_forward(const T* __restrict__ x, const T* __restrict__ c, const T* __restrict__ s, T* __restrict__ y,
                           long long M, long long C, long long S, int sum, double alpha) {
    GRID_STRIDE_LOOP(e, M * C * S) {
        const long long p = e % S, ch = (e / S) % C, m = e / (S * C);
        y[e] = (T)(x[e] * (T)bg_gate(c, s, m, ch, p, C, S, sum, alpha));
    }
}

template <typename T>
__device__ void bg_backward(const T* __restrict__ g, const T* __restrict__ c, const T* __restrict__ s, T* __restrict__ gx,
                            long long M, long long C, long long S, int sum, double alpha) {
    GRID_STRIDE_LOOP(e, M * C * S) {
        const long long p = e % S, ch = (e / S) % C, m = e / (S * C);
        gx[e] = (T)(g[e] * (T)bg_gate(c, s, m, ch, p, C, S, sum, alpha));
    }
}

template <typename T>
__device__ void bg_backward_channel(const T* __restrict__ g, const T* __restrict__ x, const T* __restrict__ s,
                                    T* __restrict__ gc, long long M, long long C, long long S, int sum) {
    GRID_STRIDE_LOOP(r, M * C) {
        const long long m = r / C, base = r * S;
        double acc = 0;
        for (long long p = 0; p < S; p++) {
            const double gxx = (double)g[base + p] * x[base + p];
            acc += sum || !s ? gxx : gxx * s[m * S + p];
        }
        gc[r] = (T)acc;
    }
}

template <typename T>
__device__ void bg_backward_spatial(const T* __restrict__ g, const T* __restrict__ x, const T* __restrict__ c,
                                    T* __restrict__ gs, long long M, long long C, long long S, int sum) {
    GRID_STRIDE_LOOP(q, M * S) {
        const long long m = q / S, p = q % S;
        double acc = 0;
        for (long long ch = 0; ch < C; ch++) {
            const long long e = (m * C + ch) * S + p;
            const double gxx = (double)g[e] * x[e];
            acc += sum || !c ? gxx : gxx * c[m * C + ch];
        }
        gs[q] = (T)acc;
    }
}

#define BROADCAST_GATE_KERNELS(T, suffix)                                                                          \
    extern "C" __global__ void broadcast_gate_##suffix(const T* x, const T* c, const T* s, T* y, long long M,     \
                                                       long long C, long long S, int sum, double alpha) {          \
        bg_forward<T>(x, c, s, y, M, C, S, sum, alpha);                                                            \
    }                                                                                                              \
    extern "C" __global__ void broadcast_gate_backward_##suffix(const T* g, const T* c, const T* s, T* gx,         \
                                                                long long M, long long C, long long S, int sum,    \
                                                                double alpha) {                                    \
        bg_backward<T>(g, c, s, gx, M, C, S, sum, alpha);                                                          \
    }                                                                                                              \
    extern "C" __global__ void broadcast_gate_backward_channel_##suffix(const T* g, const T* x, const T* s, T* gc, \
                                                                        long long M, long long C, long long S,     \
                                                                        int sum) {                                 \
        bg_backward_channel<T>(g, x, s, gc, M, C, S, sum);                                                         \
    }                                                                                                              \
    extern "C" __global__ void broadcast_gate_backward_spatial_##suffix(const T* g, const T* x, const T* c, T* gs, \
                                                                        long long M, long long C, long long S,     \
                                                                        int sum) {                                 \
        bg_backward_spatial<T>(g, x, c, gs, M, C, S, sum);                                                         \
    }

BROADCAST_GATE_KERNELS(float, f32)
BROADCAST_GATE_KERNELS(double, f64)
