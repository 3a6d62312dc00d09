// ACTION-Net's learnable shift with the two means its excitation paths take of the result, for inference (Wang,
// She, Smolic 2021, "ACTION-Net: Multipath Excitation for Action Recognition", Sec. 3; official code
// V-Sense/ACTION-Net models/action.py: the shift Conv1d(C, C, 3, padding=1, groups=C) over T, then CE's
// avg_pool2d and STE's x.mean(1, keepdim=True), both of the shifted xs). With w (C, 1, 3) and x, xs viewed as
// (N, T, C, S), S = H·W, R = N·T frames:
//   xs[n,t,c,s]   = w[c,0]·x[t−1] + w[c,1]·x[t] + w[c,2]·x[t+1]      (x = 0 outside [0, T); temporal_conv.cu's
//                                                                    arithmetic: x·w1, then fma t−1, then fma t+1)
//   spatial[r, c] = mean over s of xs[r, c, :]                      (N·T, C, 1, 1)
//   channel[r, s] = mean over c of xs[r, :, s]                      (N·T, 1, H, W)
//
//   pooled_temporal_conv_<dt>(x, w, xs, channel, part, N, T, C, S)   part (R, ⌈S/32⌉, C): row sums per 32-wide tile
//   pooled_temporal_conv_spatial_<dt>(part, spatial, R, C, S)        spatial (R, C) = Σ_tiles part / S
// x is read once (its frames t±1 from L2, as in temporal_conv.cu) and xs written once. The first kernel runs blocks
// of exactly 256 threads (8 warps) on a grid (tile slices, frames): a block takes one frame r and 32-wide tiles of s
// (tile = blockIdx.x, += gridDim.x); lane ↔ s within the tile, warp w ↔ channels c ≡ w (mod 8), so each warp load is
// 32 consecutive values of one row.
//
// Reduction order (deterministic, no atomics, in dt: float for f32, as the CPU kernel):
//   channel: each lane sums xs over its warp's channels in ascending c, then the 8 warps are added in warp order in
//            shared memory, times 1/C.
//   spatial: per (tile, channel) a warp tree (warp_sum) over the 32 lanes into part; then the tiles in tile order,
//            times 1/S.
#include "common.cuh"

__device__ __forceinline__ float  ptc_fma(float a, float w, float acc)    { return fmaf(a, w, acc); }
__device__ __forceinline__ double ptc_fma(double a, double w, double acc) { return fma(a, w, acc); }

template <typename T>
__device__ void ptc_forward(const T* __restrict__ x, const T* __restrict__ w, T* __restrict__ xs, T* __restrict__ channel,
                            T* __restrict__ part, long long N, long long Tn, long long C, long long S) {
    __shared__ T cols[8][32];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const long long R = N * Tn, P = C * S, tiles = (S + 31) / 32;
    const T invC = T(1) / T(C);
    for (long long r = blockIdx.y; r < R; r += gridDim.y) {
        const long long t = r % Tn;
        const bool prev = t > 0, next = t < Tn - 1;
        const T* xr = x + r * P;
        T* yr = xs + r * P;
        for (long long tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
            const long long s = tile * 32 + lane;
            const bool in = s < S;
            T col = 0;
            for (long long c = warp; c < C; c += 8) {
                T acc = 0;
                if (in) {
                    const long long i = c * S + s;
                    acc = ptc_fma(xr[i], w[3 * c + 1], T(0));
                    if (prev) acc = ptc_fma(xr[i - P], w[3 * c], acc);
                    if (next) acc = ptc_fma(xr[i + P], w[3 * c + 2], acc);
                    yr[i] = acc;
                }
                col += acc;
                const T row = warp_sum(acc);                     // lanes past S add zeros
                if (lane == 0) part[(r * tiles + tile) * C + c] = row;
            }
            cols[warp][lane] = col;
            __syncthreads();
            if (warp == 0 && in) {
                T sum = 0;
                for (int k = 0; k < 8; k++) sum += cols[k][lane];
                channel[r * S + s] = sum * invC;
            }
            __syncthreads();                                     // cols is read before the next tile writes it
        }
    }
}

// spatial[r, c] = Σ_tile part[r, tile, c] / S, tiles in order; one thread per (r, c).
template <typename T>
__device__ void ptc_spatial(const T* __restrict__ part, T* __restrict__ spatial, long long R, long long C, long long S) {
    const long long tiles = (S + 31) / 32;
    const T invS = T(1) / T(S);
    GRID_STRIDE_LOOP(i, R * C) {
        const long long r = i / C, c = i - r * C;
        T sum = 0;
        for (long long k = 0; k < tiles; k++) sum += part[(r * tiles + k) * C + c];
        spatial[i] = sum * invS;
    }
}

#define POOLED_TEMPORAL_CONV_KERNELS(T, suffix)                                                                  \
    extern "C" __global__ void __launch_bounds__(256) pooled_temporal_conv_##suffix(                            \
            const T* x, const T* w, T* xs, T* channel, T* part, long long N, long long Tn, long long C,        \
            long long S) {                                                                                     \
        ptc_forward<T>(x, w, xs, channel, part, N, Tn, C, S);                                                  \
    }                                                                                                          \
    extern "C" __global__ void pooled_temporal_conv_spatial_##suffix(const T* part, T* spatial, long long R,    \
                                                                     long long C, long long S) {               \
        ptc_spatial<T>(part, spatial, R, C, S);                                                                \
    }

POOLED_TEMPORAL_CONV_KERNELS(float, f32)
POOLED_TEMPORAL_CONV_KERNELS(double, f64)
