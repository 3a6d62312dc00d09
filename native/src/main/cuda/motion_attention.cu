// M2A's motion attention with its residual, for inference (Gebotys, Wong, Clausi 2021, "M2A: Motion Aware Attention
// for Accurate Video Action Recognition", arXiv 2111.09976, Sec. 3; official code gebob19/M2A ops/temporal_shift.py,
// CustomMotionAttention + Motion; scaled dot-product attention: Vaswani et al. 2017, Eq. 1), on y (N·T, r, H, W)
// viewed as (N, T, E), E = r·H·W, one clip of T frames per n:
//   ŷ[t] = (y[t] − μ[t]) · rstd[t]       layer norm over the frame's E values, no affine: μ the mean,
//                                          rstd = 1/√(var + ε), var biased (as torch.layer_norm)
//   m[t] = ŷ[t+1] − ŷ[t],  m[T−1] = −ŷ[T−1]
//   A    = softmax(m mᵀ / √E) over the last axis     (N, T, T)
//   y'   = A m + y
// ŷ and m are never stored: four launches, three reads of y (the second read of the statistics pass comes from L2):
//   motion_attention_stats_<dt>(y, stats, R, E, eps)                  y (R = N·T, E); stats (R, 2) = {μ, rstd} as dt
//   motion_attention_scores_t<TM>_<dt>(y, stats, part, N, T, E, G)    part (N, G, P) double, P = T(T+1)/2
//   motion_attention_softmax_<dt>(part, a, N, T, E, G)                a (N, T, T) as dt
//   motion_attention_output_t<TM>_<dt>(y, stats, a, out, N, T, E)      out (N, T, E)
// TM ∈ {4, 8, 16} is the register tile of frames (T ≤ TM, frames past T are zeros); the host picks the smallest.
// The scores kernel keeps TM(TM+1)/2 accumulators per thread (f32 TM = 16: ~210 registers, one block per SM; f64
// TM = 16 spills some to local memory); longer clips (T > 16) are left to the composed form.
// Grids: stats one block per row (grid-stride over rows), any multiple-of-32 block; scores (G, clips) blocks of
// exactly 256 threads, blockIdx.x the E slice; output (any, clips) blocks of 256; softmax one thread per (n, t) row.
//
// Reduction order (deterministic, no atomics):
//   stats:  each thread sums its strided elements in dt (float for f32), then block_sum in double; the variance is
//           Σ (y − (dt) μ)², the same per-thread dt sums and double block sum, less E·(μ − (dt) μ)² (the shift).
//   scores: each thread sums m[p]·m[q] over its positions in dt (fma), then in double: a warp tree (warp_sum), the 8
//           warps in warp order, then (softmax kernel) the G slices in slice order. Pair (p, q ≤ p) is at
//           p(p+1)/2 + q, the same for every T.
//   softmax in double; the output is Σ_s fma(m[s], a[t,s], ·) in s order, plus y[t], in dt (as the CPU kernel).
#include "common.cuh"

__device__ __forceinline__ float  ma_fma(float a, float b, float c)    { return fmaf(a, b, c); }
__device__ __forceinline__ double ma_fma(double a, double b, double c) { return fma(a, b, c); }

// Frames' statistics: stats[2r] = (dt) μ, stats[2r+1] = rstd for each row r of y (R, E).
template <typename T>
__device__ void ma_stats(const T* __restrict__ y, T* __restrict__ stats, long long R, long long E, double eps) {
    __shared__ double scratch[32];
    for (long long r = blockIdx.x; r < R; r += gridDim.x) {
        const T* row = y + r * E;
        T s = 0;
        for (long long i = threadIdx.x; i < E; i += blockDim.x) s += row[i];
        const double mean = block_sum((double)s, scratch) / (double)E;
        const T mt = (T)mean;
        T q = 0;
        for (long long i = threadIdx.x; i < E; i += blockDim.x) {
            const T d = row[i] - mt;
            q = ma_fma(d, d, q);
        }
        const double shift = mean - (double)mt;
        const double m2 = block_sum((double)q, scratch) - (double)E * shift * shift;
        if (threadIdx.x == 0) {
            stats[2 * r] = mt;
            stats[2 * r + 1] = (T)(1.0 / sqrt(max(0.0, m2 / (double)E) + eps));
        }
    }
}

// The clip's μ and rstd (T ≤ TM) into shared memory, zeros past T; call between two __syncthreads.
template <typename T, int TM>
__device__ __forceinline__ void ma_load_stats(const T* stats, long long n, int Tn, T* mu, T* rs) {
    for (int t = threadIdx.x; t < TM; t += blockDim.x) {
        mu[t] = t < Tn ? stats[2 * (n * Tn + t)] : T(0);
        rs[t] = t < Tn ? stats[2 * (n * Tn + t) + 1] : T(0);
    }
}

// y[t] and m[t] at position e of clip yc (T, E); zeros for t ≥ T. Same dt arithmetic as the CPU kernel.
template <typename T, int TM>
__device__ __forceinline__ void ma_motion(const T* __restrict__ yc, long long e, long long E, int Tn, const T* mu,
                                          const T* rs, T (&yv)[TM], T (&m)[TM]) {
    T yh[TM];
#pragma unroll
    for (int t = 0; t < TM; t++) {
        yv[t] = t < Tn ? yc[t * E + e] : T(0);
        yh[t] = (yv[t] - mu[t]) * rs[t];                       // zero past T: mu = rs = 0 there
    }
#pragma unroll
    for (int t = 0; t < TM; t++) m[t] = (t + 1 < TM ? yh[t + 1] : T(0)) - yh[t];   // m[T−1] = 0 − ŷ[T−1]
}

// Partial scores of slice blockIdx.x: part[n, g, p(p+1)/2 + q] = Σ m[p]·m[q] over the slice's positions.
// blockDim.x must be 256 (8 warps); red holds 8 × TM(TM+1)/2 doubles.
template <typename T, int TM>
__device__ void ma_scores(const T* __restrict__ y, const T* __restrict__ stats, double* __restrict__ part, long long N,
                          int Tn, long long E, long long G, double* red) {
    constexpr int PM = TM * (TM + 1) / 2;
    __shared__ T mu[TM], rs[TM];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, P = Tn * (Tn + 1) / 2;
    for (long long n = blockIdx.y; n < N; n += gridDim.y) {
        __syncthreads();                                       // the previous clip's red and stats are read
        ma_load_stats<T, TM>(stats, n, Tn, mu, rs);
        __syncthreads();
        T acc[PM];
#pragma unroll
        for (int k = 0; k < PM; k++) acc[k] = T(0);
        const T* yc = y + n * Tn * E;
        for (long long e = blockIdx.x * (long long)blockDim.x + threadIdx.x; e < E; e += (long long)gridDim.x * blockDim.x) {
            T yv[TM], m[TM];
            ma_motion<T, TM>(yc, e, E, Tn, mu, rs, yv, m);
#pragma unroll
            for (int p = 0; p < TM; p++)
#pragma unroll
                for (int q = 0; q <= p; q++) acc[p * (p + 1) / 2 + q] = ma_fma(m[p], m[q], acc[p * (p + 1) / 2 + q]);
        }
#pragma unroll
        for (int k = 0; k < PM; k++) {
            if (k < P) {                                       // uniform over the block: P is
                const double v = warp_sum((double)acc[k]);
                if (lane == 0) red[warp * PM + k] = v;
            }
        }
        __syncthreads();
        for (int k = threadIdx.x; k < P; k += blockDim.x) {
            double s = 0;
            for (int w = 0; w < 8; w++) s += red[w * PM + k];
            part[(n * G + blockIdx.x) * P + k] = s;
        }
    }
}

// a[n, p, :] = softmax(scores[n, p, :] / √E), scores summed over the G slices in order; one thread per (n, p).
template <typename T>
__device__ void ma_softmax(const double* __restrict__ part, T* __restrict__ a, long long N, int Tn, long long E,
                           long long G) {
    const int P = Tn * (Tn + 1) / 2;
    const double scale = 1.0 / sqrt((double)E);
    GRID_STRIDE_LOOP(r, N * Tn) {
        const long long n = r / Tn;
        const int p = (int)(r - n * Tn);
        double row[16];                                        // T ≤ 16
        double mx = lowest_value<double>();
        for (int q = 0; q < Tn; q++) {
            const int k = p >= q ? p * (p + 1) / 2 + q : q * (q + 1) / 2 + p;
            double s = 0;
            for (long long g = 0; g < G; g++) s += part[(n * G + g) * P + k];
            row[q] = s * scale;
            mx = max(mx, row[q]);
        }
        double sum = 0;
        for (int q = 0; q < Tn; q++) sum += row[q] = exp(row[q] - mx);
        for (int q = 0; q < Tn; q++) a[r * Tn + q] = (T)(row[q] / sum);
    }
}

// out[n, t, e] = Σ_s a[n, t, s]·m[s] + y[n, t, e], positions e grid-strided over blockIdx.x, clips over blockIdx.y.
template <typename T, int TM>
__device__ void ma_output(const T* __restrict__ y, const T* __restrict__ stats, const T* __restrict__ a,
                          T* __restrict__ out, long long N, int Tn, long long E) {
    __shared__ T as[TM * TM], mu[TM], rs[TM];
    for (long long n = blockIdx.y; n < N; n += gridDim.y) {
        __syncthreads();
        for (int i = threadIdx.x; i < TM * TM; i += blockDim.x) {
            const int t = i / TM, s = i - t * TM;
            as[i] = t < Tn && s < Tn ? a[(n * Tn + t) * Tn + s] : T(0);
        }
        ma_load_stats<T, TM>(stats, n, Tn, mu, rs);
        __syncthreads();
        const T* yc = y + n * Tn * E;
        T* oc = out + n * Tn * E;
        const volatile T* av = as;                             // read per position: hoisting TM² weights spills
        for (long long e = blockIdx.x * (long long)blockDim.x + threadIdx.x; e < E; e += (long long)gridDim.x * blockDim.x) {
            T yv[TM], m[TM];
            ma_motion<T, TM>(yc, e, E, Tn, mu, rs, yv, m);
            T acc[TM];
#pragma unroll
            for (int t = 0; t < TM; t++) acc[t] = T(0);
#pragma unroll
            for (int s = 0; s < TM; s++)                       // each acc[t] still sums over s in ascending order
#pragma unroll
                for (int t = 0; t < TM; t++) acc[t] = ma_fma(m[s], av[t * TM + s], acc[t]);
#pragma unroll
            for (int t = 0; t < TM; t++)
                if (t < Tn) oc[t * E + e] = acc[t] + yv[t];
        }
    }
}

#define MA_TILED_KERNELS(T, suffix, TM)                                                                          \
    extern "C" __global__ void __launch_bounds__(256) motion_attention_scores_t##TM##_##suffix(                 \
            const T* y, const T* stats, double* part, long long N, int Tn, long long E, long long G) {         \
        __shared__ double red[8 * (TM * (TM + 1) / 2)];                                                        \
        ma_scores<T, TM>(y, stats, part, N, Tn, E, G, red);                                                    \
    }                                                                                                          \
    extern "C" __global__ void __launch_bounds__(256) motion_attention_output_t##TM##_##suffix(                 \
            const T* y, const T* stats, const T* a, T* out, long long N, int Tn, long long E) {                \
        ma_output<T, TM>(y, stats, a, out, N, Tn, E);                                                          \
    }

#define MA_KERNELS(T, suffix)                                                                                    \
    extern "C" __global__ void motion_attention_stats_##suffix(const T* y, T* stats, long long R, long long E,  \
                                                               double eps) {                                   \
        ma_stats<T>(y, stats, R, E, eps);                                                                      \
    }                                                                                                          \
    extern "C" __global__ void motion_attention_softmax_##suffix(const double* part, T* a, long long N, int Tn, \
                                                                 long long E, long long G) {                   \
        ma_softmax<T>(part, a, N, Tn, E, G);                                                                   \
    }                                                                                                          \
    MA_TILED_KERNELS(T, suffix, 4)                                                                             \
    MA_TILED_KERNELS(T, suffix, 8)                                                                             \
    MA_TILED_KERNELS(T, suffix, 16)

MA_KERNELS(float, f32)
MA_KERNELS(double, f64)
