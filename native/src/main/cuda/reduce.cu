// Reductions over the last axis of a contiguous (rows, cols) matrix. Reducing other axes: permute them to
// the end and make the view contiguous (convert_*) first, then call these with rows = product of kept dims.
//
// Launch: one block per row (grid-stride over rows), blockDim.x a multiple of 32 up to 1024
// (32 for short rows, 256 for long ones).
//
//   sum_<dt>(x, y, rows, cols, scale):         y[r] = scale · Σ_c x[r, c]         (scale = 1/cols gives the mean)
//   max_<dt>(x, y, argmax, rows, cols):        y[r] = max_c x[r, c], argmax[r] = first c attaining it (int64);
//                                              NaN wins (propagates), as torch.max.
// Their gradients are composed from the elementwise ops (tensor module, as on the CPU): no backward kernels.
//
// References: torch.sum, torch.mean, torch.max(dim) (PyTorch docs).
#include "common.cuh"

template <typename T>
__device__ void sum_rows(const T* __restrict__ x, T* __restrict__ y, long long rows, long long cols, double scale) {
    __shared__ T scratch[32];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* row = x + r * cols;  // (cols)
        T acc = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) acc += row[c];
        acc = block_sum(acc, scratch);
        if (threadIdx.x == 0) y[r] = acc * T(scale);
    }
}

// (v1, i1) beats (v2, i2): NaN first, then larger value, then smaller index.
template <typename T>
__device__ __forceinline__ bool beats(T v1, long long i1, T v2, long long i2) {
    const bool n1 = v1 != v1, n2 = v2 != v2;
    if (n1 != n2) return n1;
    if (!n1 && v1 != v2) return v1 > v2;
    return i1 < i2;
}

template <typename T>
__device__ void max_rows(const T* __restrict__ x, T* __restrict__ y, long long* __restrict__ argmax, long long rows,
                         long long cols) {
    __shared__ T sv[32];
    __shared__ long long si[32];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* row = x + r * cols;  // (cols)
        T best = lowest_value<T>();
        long long bi = cols;  // sentinel: loses every comparison against a real element
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            const T v = row[c];
            if (bi == cols || beats(v, c, best, bi)) { best = v; bi = c; }
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) {
            const T ov = __shfl_xor_sync(0xffffffffu, best, o);
            const long long oi = __shfl_xor_sync(0xffffffffu, bi, o);
            if (oi != cols && (bi == cols || beats(ov, oi, best, bi))) { best = ov; bi = oi; }
        }
        __syncthreads();
        if (lane == 0) { sv[warp] = best; si[warp] = bi; }
        __syncthreads();
        if (warp == 0) {
            best = lane < warps ? sv[lane] : lowest_value<T>();
            bi = lane < warps ? si[lane] : cols;
#pragma unroll
            for (int o = 16; o > 0; o >>= 1) {
                const T ov = __shfl_xor_sync(0xffffffffu, best, o);
                const long long oi = __shfl_xor_sync(0xffffffffu, bi, o);
                if (oi != cols && (bi == cols || beats(ov, oi, best, bi))) { best = ov; bi = oi; }
            }
            if (lane == 0) { y[r] = best; argmax[r] = bi; }
        }
    }
}

#define REDUCE_KERNELS(T, suffix)                                                                               \
    extern "C" __global__ void sum_##suffix(const T* x, T* y, long long rows, long long cols, double scale) {   \
        sum_rows(x, y, rows, cols, scale);                                                                      \
    }                                                                                                           \
    extern "C" __global__ void max_##suffix(const T* x, T* y, long long* argmax, long long rows, long long cols) { \
        max_rows(x, y, argmax, rows, cols);                                                                     \
    }

REDUCE_KERNELS(float, f32)
REDUCE_KERNELS(double, f64)
