// Softmax and log-softmax over the last axis of a contiguous (rows, cols) matrix, forward and backward.
//
//   softmax:      y[r, c] = exp(x[r, c] − m) / Σ_k exp(x[r, k] − m),  m = max_k x[r, k]
//   backward:     gx = y ⊙ (gy − Σ_c gy·y)
//   log_softmax:  y[r, c] = x[r, c] − m − log Σ_k exp(x[r, k] − m)
//   backward:     gx = gy − exp(y) · Σ_c gy
//
// References: torch.nn.functional.softmax / log_softmax (PyTorch docs); backward as _softmax_backward_data.
// Launch: one block per row (grid-stride over rows), blockDim.x a multiple of 32 up to 1024.
#include "common.cuh"

template <typename T, bool LOG>
__device__ void softmax_rows(const T* __restrict__ x, T* __restrict__ y, long long rows, long long cols) {
    __shared__ T scratch[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * cols;  // (cols)
        T* yr = y + r * cols;        // (cols)
        T m = lowest_value<T>();
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) m = max(m, xr[c]);
        m = block_max(m, scratch, lowest_value<T>());
        T s = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) s += sc_exp(xr[c] - m);
        s = block_sum(s, scratch);
        if (LOG) {
            const T lse = m + sc_log(s);
            for (long long c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = xr[c] - lse;
        } else {
            const T inv = T(1) / s;
            for (long long c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = sc_exp(xr[c] - m) * inv;
        }
    }
}

template <typename T, bool LOG>
__device__ void softmax_rows_backward(const T* __restrict__ y, const T* __restrict__ gy, T* __restrict__ gx,
                                      long long rows, long long cols) {
    __shared__ T scratch[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* yr = y + r * cols;    // (cols)
        const T* gr = gy + r * cols;   // (cols)
        T* gxr = gx + r * cols;        // (cols)
        T dot = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) dot += LOG ? gr[c] : gr[c] * yr[c];
        dot = block_sum(dot, scratch);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x)
            gxr[c] = LOG ? gr[c] - sc_exp(yr[c]) * dot : yr[c] * (gr[c] - dot);
    }
}

#define SOFTMAX_KERNELS(T, suffix)                                                                            \
    extern "C" __global__ void softmax_##suffix(const T* x, T* y, long long rows, long long cols) {           \
        softmax_rows<T, false>(x, y, rows, cols);                                                             \
    }                                                                                                         \
    extern "C" __global__ void softmax_backward_##suffix(const T* y, const T* gy, T* gx, long long rows,      \
                                                         long long cols) {                                    \
        softmax_rows_backward<T, false>(y, gy, gx, rows, cols);                                               \
    }                                                                                                         \
    extern "C" __global__ void log_softmax_##suffix(const T* x, T* y, long long rows, long long cols) {       \
        softmax_rows<T, true>(x, y, rows, cols);                                                              \
    }                                                                                                         \
    extern "C" __global__ void log_softmax_backward_##suffix(const T* y, const T* gy, T* gx, long long rows,  \
                                                             long long cols) {                                \
        softmax_rows_backward<T, true>(y, gy, gx, rows, cols);                                                \
    }

SOFTMAX_KERNELS(float, f32)
SOFTMAX_KERNELS(double, f64)
