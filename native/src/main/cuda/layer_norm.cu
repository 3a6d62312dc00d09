// Layer normalisation over the last axis of a contiguous (rows, cols) matrix, without affine parameters
// (the affine part is a broadcast mul/add). Rows may be long (up to ~100k elements, e.g. C·H·W):
// one block per row, two passes over x for a stable variance.
//
//   forward:  μ = mean_c x,  σ² = mean_c (x − μ)²,  rstd = 1/√(σ² + eps),  y = (x − μ)·rstd;  saves μ, rstd (rows)
//   backward: x̂ = (x − μ)·rstd,  gx = rstd · (gy − mean_c gy − x̂ · mean_c (gy·x̂))
//
// References: torch.nn.functional.layer_norm (PyTorch docs); Ba, Kiros, Hinton 2016, eq. 4; the saved
// mean / rstd follow llm.c's layernorm_forward.
// Launch: one block per row (grid-stride over rows), blockDim.x a multiple of 32 up to 1024 (256 suggested).
#include "common.cuh"

template <typename T>
__device__ void layer_norm_rows(const T* __restrict__ x, T* __restrict__ y, T* __restrict__ mean,
                                T* __restrict__ rstd, long long rows, long long cols, double eps) {
    __shared__ T scratch[32];
    const T inv_n = T(1) / T(cols);
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * cols;  // (cols)
        T* yr = y + r * cols;        // (cols)
        T s = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) s += xr[c];
        const T mu = block_sum(s, scratch) * inv_n;
        T v = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) { const T d = xr[c] - mu; v += d * d; }
        const T var = block_sum(v, scratch) * inv_n;
        const T rs = T(1) / sc_sqrt(var + T(eps));
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = (xr[c] - mu) * rs;
        if (threadIdx.x == 0) { mean[r] = mu; rstd[r] = rs; }
    }
}

template <typename T>
__device__ void layer_norm_rows_backward(const T* __restrict__ x, const T* __restrict__ gy,
                                         const T* __restrict__ mean, const T* __restrict__ rstd,
                                         T* __restrict__ gx, long long rows, long long cols) {
    __shared__ T scratch[32];
    const T inv_n = T(1) / T(cols);
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * cols;   // (cols)
        const T* gr = gy + r * cols;  // (cols)
        T* gxr = gx + r * cols;       // (cols)
        const T mu = mean[r], rs = rstd[r];
        T sg = T(0), sgx = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            const T g = gr[c];
            sg += g;
            sgx += g * (xr[c] - mu) * rs;
        }
        const T mean_g = block_sum(sg, scratch) * inv_n;     // mean_c gy
        const T mean_gx = block_sum(sgx, scratch) * inv_n;   // mean_c gy·x̂
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            const T xhat = (xr[c] - mu) * rs;
            gxr[c] = rs * (gr[c] - mean_g - xhat * mean_gx);
        }
    }
}

#define LAYER_NORM_KERNELS(T, suffix)                                                                          \
    extern "C" __global__ void layer_norm_##suffix(const T* x, T* y, T* mean, T* rstd, long long rows,         \
                                                   long long cols, double eps) {                              \
        layer_norm_rows(x, y, mean, rstd, rows, cols, eps);                                                    \
    }                                                                                                          \
    extern "C" __global__ void layer_norm_backward_##suffix(const T* x, const T* gy, const T* mean,            \
                                                            const T* rstd, T* gx, long long rows,             \
                                                            long long cols) {                                  \
        layer_norm_rows_backward(x, gy, mean, rstd, gx, rows, cols);                                           \
    }

LAYER_NORM_KERNELS(float, f32)
LAYER_NORM_KERNELS(double, f64)
