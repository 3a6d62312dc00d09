// Max pooling with argmax, and adaptive average pooling, over (N, C, D, H, W) planes (1-d and 2-d pooling use
// D = 1 and H = 1 in front, kernel 1, stride 1, padding 0 on those axes).
//
// max_pool_<dt>(PoolWindow g, const T* x, T* y, int* argmax, long long planes):
//     y[p, o] = max over the window of output cell o (padding never wins), argmax[p, o] the flat index
//     (id·H + ih)·W + iw of that element inside its input plane p = n·C + c; a NaN wins (as PyTorch).
//     One thread per output element; x, y, argmax contiguous.
// max_pool_backward_<dt>(PoolWindow g, const T* gy, const int* argmax, T* gx, long long planes):
//     gx[p, argmax[p, o]] += gy[p, o] (atomicAdd: windows may overlap); gx must be zeroed by the caller.
// adaptive_avg_pool_<dt>(PoolWindow g, const T* x, T* y, long long planes):
//     output cell i of an axis averages input [floor(i·in/out), ceil((i+1)·in/out)); g.kernel/stride/pad unused.
// adaptive_avg_pool_backward_<dt>(PoolWindow g, const T* gy, T* gx, long long planes):
//     one thread per input element sums gy/|bin| over the output cells whose bins contain it (no atomics).
//
// References: torch.nn.functional.max_pool3d(return_indices=True) (ATen DilatedMaxPool3d.cu, dilation 1),
// torch.nn.AdaptiveAvgPool3d (ATen AdaptiveAveragePooling3d.cu: start_index / end_index).
#include "common.cuh"

// Pool geometry passed by value. Byte layout (120 bytes): long long in[3], out[3], kernel[3], stride[3], pad[3],
// each (D, H, W). Java side: dev.saccade.kernels.cuda.PoolWindow.
struct PoolWindow {
    long long in[3];
    long long out[3];
    long long kernel[3];
    long long stride[3];
    long long pad[3];
};

__device__ __forceinline__ long long bin_start(long long i, long long in, long long out) { return (i * in) / out; }
__device__ __forceinline__ long long bin_end(long long i, long long in, long long out) {
    return ((i + 1) * in + out - 1) / out;
}

template <typename T>
__device__ void max_pool_forward(const PoolWindow& g, const T* __restrict__ x, T* __restrict__ y,
                                 int* __restrict__ argmax, long long planes) {
    const long long outPlane = g.out[0] * g.out[1] * g.out[2], inPlane = g.in[0] * g.in[1] * g.in[2];
    GRID_STRIDE_LOOP(i, planes * outPlane) {
        const long long p = i / outPlane, o = i - p * outPlane;
        const long long ow = o % g.out[2], oh = (o / g.out[2]) % g.out[1], od = o / (g.out[2] * g.out[1]);
        const T* xp = x + p * inPlane;
        T best = T(0);
        long long at = -1;
        for (long long kd = 0; kd < g.kernel[0]; ++kd) {
            const long long id = od * g.stride[0] - g.pad[0] + kd;
            if (id < 0 || id >= g.in[0]) continue;
            for (long long kh = 0; kh < g.kernel[1]; ++kh) {
                const long long ih = oh * g.stride[1] - g.pad[1] + kh;
                if (ih < 0 || ih >= g.in[1]) continue;
                for (long long kw = 0; kw < g.kernel[2]; ++kw) {
                    const long long iw = ow * g.stride[2] - g.pad[2] + kw;
                    if (iw < 0 || iw >= g.in[2]) continue;
                    const long long idx = (id * g.in[1] + ih) * g.in[2] + iw;
                    const T v = xp[idx];
                    if (at < 0 || v > best || v != v) { best = v; at = idx; }
                }
            }
        }
        y[i] = best;
        argmax[i] = (int) at;
    }
}

template <typename T>
__device__ void max_pool_backward(const PoolWindow& g, const T* __restrict__ gy, const int* __restrict__ argmax,
                                  T* __restrict__ gx, long long planes) {
    const long long outPlane = g.out[0] * g.out[1] * g.out[2], inPlane = g.in[0] * g.in[1] * g.in[2];
    GRID_STRIDE_LOOP(i, planes * outPlane) {
        const long long p = i / outPlane;
        const int at = argmax[i];
        if (at >= 0) atomicAdd(gx + p * inPlane + at, gy[i]);
    }
}

template <typename T>
__device__ void adaptive_forward(const PoolWindow& g, const T* __restrict__ x, T* __restrict__ y, long long planes) {
    const long long outPlane = g.out[0] * g.out[1] * g.out[2], inPlane = g.in[0] * g.in[1] * g.in[2];
    GRID_STRIDE_LOOP(i, planes * outPlane) {
        const long long p = i / outPlane, o = i - p * outPlane;
        const long long ow = o % g.out[2], oh = (o / g.out[2]) % g.out[1], od = o / (g.out[2] * g.out[1]);
        const long long d0 = bin_start(od, g.in[0], g.out[0]), d1 = bin_end(od, g.in[0], g.out[0]);
        const long long h0 = bin_start(oh, g.in[1], g.out[1]), h1 = bin_end(oh, g.in[1], g.out[1]);
        const long long w0 = bin_start(ow, g.in[2], g.out[2]), w1 = bin_end(ow, g.in[2], g.out[2]);
        const T* xp = x + p * inPlane;
        T sum = T(0);
        for (long long d = d0; d < d1; ++d)
            for (long long h = h0; h < h1; ++h)
                for (long long w = w0; w < w1; ++w) sum += xp[(d * g.in[1] + h) * g.in[2] + w];
        y[i] = sum / T((d1 - d0) * (h1 - h0) * (w1 - w0));
    }
}

template <typename T>
__device__ void adaptive_backward(const PoolWindow& g, const T* __restrict__ gy, T* __restrict__ gx, long long planes) {
    const long long outPlane = g.out[0] * g.out[1] * g.out[2], inPlane = g.in[0] * g.in[1] * g.in[2];
    GRID_STRIDE_LOOP(i, planes * inPlane) {
        const long long p = i / inPlane, e = i - p * inPlane;
        const long long iw = e % g.in[2], ih = (e / g.in[2]) % g.in[1], id = e / (g.in[2] * g.in[1]);
        const T* gp = gy + p * outPlane;
        T sum = T(0);
        for (long long od = 0; od < g.out[0]; ++od) {
            const long long d0 = bin_start(od, g.in[0], g.out[0]), d1 = bin_end(od, g.in[0], g.out[0]);
            if (id < d0 || id >= d1) continue;
            for (long long oh = 0; oh < g.out[1]; ++oh) {
                const long long h0 = bin_start(oh, g.in[1], g.out[1]), h1 = bin_end(oh, g.in[1], g.out[1]);
                if (ih < h0 || ih >= h1) continue;
                for (long long ow = 0; ow < g.out[2]; ++ow) {
                    const long long w0 = bin_start(ow, g.in[2], g.out[2]), w1 = bin_end(ow, g.in[2], g.out[2]);
                    if (iw < w0 || iw >= w1) continue;
                    sum += gp[(od * g.out[1] + oh) * g.out[2] + ow] / T((d1 - d0) * (h1 - h0) * (w1 - w0));
                }
            }
        }
        gx[i] = sum;
    }
}

#define POOL_KERNELS(T, suffix)                                                                             \
    extern "C" __global__ void max_pool_##suffix(PoolWindow g, const T* x, T* y, int* argmax,              \
                                                 long long planes) {                                        \
        max_pool_forward<T>(g, x, y, argmax, planes);                                                       \
    }                                                                                                       \
    extern "C" __global__ void max_pool_backward_##suffix(PoolWindow g, const T* gy, const int* argmax,     \
                                                          T* gx, long long planes) {                        \
        max_pool_backward<T>(g, gy, argmax, gx, planes);                                                    \
    }                                                                                                       \
    extern "C" __global__ void adaptive_avg_pool_##suffix(PoolWindow g, const T* x, T* y, long long planes) { \
        adaptive_forward<T>(g, x, y, planes);                                                               \
    }                                                                                                       \
    extern "C" __global__ void adaptive_avg_pool_backward_##suffix(PoolWindow g, const T* gy, T* gx,        \
                                                                   long long planes) {                      \
        adaptive_backward<T>(g, gy, gx, planes);                                                            \
    }

POOL_KERNELS(float, f32)
POOL_KERNELS(double, f64)
