// Max, average and adaptive average pooling over (N, C, D, H, W) planes (1-d and 2-d pooling use D = 1 and H = 1
// in front, kernel 1, stride 1, padding 0 on those axes). Every kernel is deterministic: the backward passes gather
// per input element in a fixed order (no atomics), so two runs give the same bits.
//
// max_pool_<dt>(PoolWindow g, const T* x, T* y, int* argmax, long long planes):
//     y[p, o] = max over the window of output cell o (padding never wins), argmax[p, o] the flat index
//     (id·H + ih)·W + iw of that element inside its input plane p = n·C + c; a NaN wins (as PyTorch).
//     One thread per output element; x, y, argmax contiguous.
// max_pool_backward_<dt>(PoolWindow g, const T* gy, const int* argmax, T* gx, long long planes):
//     gx[p, e] = Σ gy[p, o] over the output cells o whose window contains e and whose argmax is e. One thread per
//     input element; gx is overwritten.
// avg_pool_<dt>(PoolWindow g, const T* x, T* y, long long planes):
//     y[p, o] = Σ x over the window clipped to the input / |window clipped to [−pad, in + pad)| (PyTorch's
//     count_include_pad = True, floor mode); 0 for a window entirely in the padding.
// avg_pool_backward_<dt>(PoolWindow g, const T* gy, T* gx, long long planes):
//     gx[p, e] = Σ gy[p, o] / |window o| over the output cells o whose window contains e (gather, overwritten).
// adaptive_avg_pool_<dt>(PoolWindow g, const T* x, T* y, long long planes):
//     output cell i of an axis averages input [floor(i·in/out), ceil((i+1)·in/out)); g.kernel/stride/pad unused.
// adaptive_avg_pool_backward_<dt>(PoolWindow g, const T* gy, T* gx, long long planes):
//     one thread per input element sums gy/|bin| over the output cells whose bins contain it (no atomics).
//
// Index arithmetic runs in 32 bits when the launch's element count is below 2^31 (64-bit division is emulated on
// the GPU), in 64 bits otherwise; the choice is made once per launch, uniformly for every thread.
//
// References: torch.nn.functional.max_pool3d(return_indices=True) (ATen DilatedMaxPool3d.cu, dilation 1),
// torch.nn.functional.avg_pool3d (ATen AveragePool3d.cu: divide_factor with count_include_pad),
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

template <typename I>
__device__ __forceinline__ I bin_start(I i, I in, I out) { return (i * in) / out; }
template <typename I>
__device__ __forceinline__ I bin_end(I i, I in, I out) { return ((i + 1) * in + out - 1) / out; }

// The output cells [lo, hi] of one axis whose windows contain input index i (empty when lo > hi).
template <typename I>
__device__ __forceinline__ void covering(I i, I k, I s, I p, I out, I& lo, I& hi) {
    const I a = i + p - k;
    lo = a < 0 ? I(0) : a / s + 1;
    hi = (i + p) / s;
    if (hi > out - 1) hi = out - 1;
}

// Divisor of average-pooling output cell (od, oh, ow): the window clipped to [−pad, in + pad), or 0 when the window
// clipped to the input is empty.
template <typename I>
__device__ __forceinline__ I avg_divisor(const PoolWindow& g, I od, I oh, I ow) {
    I n = 1;
    const I o[3] = {od, oh, ow};
#pragma unroll
    for (int a = 0; a < 3; ++a) {
        const I start = o[a] * I(g.stride[a]) - I(g.pad[a]);
        I end = start + I(g.kernel[a]);
        if (end > I(g.in[a]) + I(g.pad[a])) end = I(g.in[a]) + I(g.pad[a]);
        const I lo = start < 0 ? I(0) : start, hi = end < I(g.in[a]) ? end : I(g.in[a]);
        if (lo >= hi) return 0;
        n *= end - start;
    }
    return n;
}

template <typename T, typename I>
__device__ void max_pool_forward(const PoolWindow& g, const T* __restrict__ x, T* __restrict__ y,
                                 int* __restrict__ argmax, I planes) {
    const I oD = I(g.out[0]), oH = I(g.out[1]), oW = I(g.out[2]), iD = I(g.in[0]), iH = I(g.in[1]), iW = I(g.in[2]);
    const I outPlane = oD * oH * oW, inPlane = iD * iH * iW;
    GRID_STRIDE_LOOP(e, (long long)planes * outPlane) {
        const I i = I(e);
        const I p = i / outPlane, o = i - p * outPlane;
        const I ow = o % oW, oh = (o / oW) % oH, od = o / (oW * oH);
        const T* xp = x + p * inPlane;
        T best = T(0);
        I at = -1;
        for (I kd = 0; kd < I(g.kernel[0]); ++kd) {
            const I id = od * I(g.stride[0]) - I(g.pad[0]) + kd;
            if (id < 0 || id >= iD) continue;
            for (I kh = 0; kh < I(g.kernel[1]); ++kh) {
                const I ih = oh * I(g.stride[1]) - I(g.pad[1]) + kh;
                if (ih < 0 || ih >= iH) continue;
                for (I kw = 0; kw < I(g.kernel[2]); ++kw) {
                    const I iw = ow * I(g.stride[2]) - I(g.pad[2]) + kw;
                    if (iw < 0 || iw >= iW) continue;
                    const I idx = (id * iH + ih) * iW + iw;
                    const T v = xp[idx];
                    if (at < 0 || v > best || v != v) { best = v; at = idx; }
                }
            }
        }
        y[i] = best;
        argmax[i] = (int) at;
    }
}

template <typename T, typename I>
__device__ void max_pool_backward(const PoolWindow& g, const T* __restrict__ gy, const int* __restrict__ argmax,
                                  T* __restrict__ gx, I planes) {
    const I oD = I(g.out[0]), oH = I(g.out[1]), oW = I(g.out[2]), iD = I(g.in[0]), iH = I(g.in[1]), iW = I(g.in[2]);
    const I outPlane = oD * oH * oW, inPlane = iD * iH * iW;
    GRID_STRIDE_LOOP(e, (long long)planes * inPlane) {
        const I i = I(e);
        const I p = i / inPlane, el = i - p * inPlane;
        const I iw = el % iW, ih = (el / iW) % iH, id = el / (iW * iH);
        I d0, d1, h0, h1, w0, w1;
        covering<I>(id, I(g.kernel[0]), I(g.stride[0]), I(g.pad[0]), oD, d0, d1);
        covering<I>(ih, I(g.kernel[1]), I(g.stride[1]), I(g.pad[1]), oH, h0, h1);
        covering<I>(iw, I(g.kernel[2]), I(g.stride[2]), I(g.pad[2]), oW, w0, w1);
        const T* gp = gy + p * outPlane;
        const int* ap = argmax + p * outPlane;
        T sum = T(0);
        for (I od = d0; od <= d1; ++od)
            for (I oh = h0; oh <= h1; ++oh)
                for (I ow = w0; ow <= w1; ++ow) {
                    const I o = (od * oH + oh) * oW + ow;
                    if (I(ap[o]) == el) sum += gp[o];
                }
        gx[i] = sum;
    }
}

template <typename T, typename I>
__device__ void avg_pool_forward(const PoolWindow& g, const T* __restrict__ x, T* __restrict__ y, I planes) {
    const I oD = I(g.out[0]), oH = I(g.out[1]), oW = I(g.out[2]), iD = I(g.in[0]), iH = I(g.in[1]), iW = I(g.in[2]);
    const I outPlane = oD * oH * oW, inPlane = iD * iH * iW;
    GRID_STRIDE_LOOP(e, (long long)planes * outPlane) {
        const I i = I(e);
        const I p = i / outPlane, o = i - p * outPlane;
        const I ow = o % oW, oh = (o / oW) % oH, od = o / (oW * oH);
        const I div = avg_divisor<I>(g, od, oh, ow);
        if (div == 0) { y[i] = T(0); continue; }
        const I d0 = od * I(g.stride[0]) - I(g.pad[0]), h0 = oh * I(g.stride[1]) - I(g.pad[1]),
                w0 = ow * I(g.stride[2]) - I(g.pad[2]);
        const I d1 = min(d0 + I(g.kernel[0]), iD), h1 = min(h0 + I(g.kernel[1]), iH), w1 = min(w0 + I(g.kernel[2]), iW);
        const T* xp = x + p * inPlane;
        T sum = T(0);
        for (I d = max(d0, I(0)); d < d1; ++d)
            for (I h = max(h0, I(0)); h < h1; ++h)
                for (I w = max(w0, I(0)); w < w1; ++w) sum += xp[(d * iH + h) * iW + w];
        y[i] = sum / T(div);
    }
}

template <typename T, typename I>
__device__ void avg_pool_backward(const PoolWindow& g, const T* __restrict__ gy, T* __restrict__ gx, I planes) {
    const I oD = I(g.out[0]), oH = I(g.out[1]), oW = I(g.out[2]), iD = I(g.in[0]), iH = I(g.in[1]), iW = I(g.in[2]);
    const I outPlane = oD * oH * oW, inPlane = iD * iH * iW;
    GRID_STRIDE_LOOP(e, (long long)planes * inPlane) {
        const I i = I(e);
        const I p = i / inPlane, el = i - p * inPlane;
        const I iw = el % iW, ih = (el / iW) % iH, id = el / (iW * iH);
        I d0, d1, h0, h1, w0, w1;
        covering<I>(id, I(g.kernel[0]), I(g.stride[0]), I(g.pad[0]), oD, d0, d1);
        covering<I>(ih, I(g.kernel[1]), I(g.stride[1]), I(g.pad[1]), oH, h0, h1);
        covering<I>(iw, I(g.kernel[2]), I(g.stride[2]), I(g.pad[2]), oW, w0, w1);
        const T* gp = gy + p * outPlane;
        T sum = T(0);
        for (I od = d0; od <= d1; ++od)
            for (I oh = h0; oh <= h1; ++oh)
                for (I ow = w0; ow <= w1; ++ow) {
                    const I div = avg_divisor<I>(g, od, oh, ow);   // > 0: the window contains this element
                    sum += gp[(od * oH + oh) * oW + ow] / T(div);
                }
        gx[i] = sum;
    }
}

template <typename T, typename I>
__device__ void adaptive_forward(const PoolWindow& g, const T* __restrict__ x, T* __restrict__ y, I planes) {
    const I oD = I(g.out[0]), oH = I(g.out[1]), oW = I(g.out[2]), iD = I(g.in[0]), iH = I(g.in[1]), iW = I(g.in[2]);
    const I outPlane = oD * oH * oW, inPlane = iD * iH * iW;
    GRID_STRIDE_LOOP(e, (long long)planes * outPlane) {
        const I i = I(e);
        const I p = i / outPlane, o = i - p * outPlane;
        const I ow = o % oW, oh = (o / oW) % oH, od = o / (oW * oH);
        const I d0 = bin_start(od, iD, oD), d1 = bin_end(od, iD, oD);
        const I h0 = bin_start(oh, iH, oH), h1 = bin_end(oh, iH, oH);
        const I w0 = bin_start(ow, iW, oW), w1 = bin_end(ow, iW, oW);
        const T* xp = x + p * inPlane;
        T sum = T(0);
        for (I d = d0; d < d1; ++d)
            for (I h = h0; h < h1; ++h)
                for (I w = w0; w < w1; ++w) sum += xp[(d * iH + h) * iW + w];
        y[i] = sum / T((d1 - d0) * (h1 - h0) * (w1 - w0));
    }
}

template <typename T, typename I>
__device__ void adaptive_backward(const PoolWindow& g, const T* __restrict__ gy, T* __restrict__ gx, I planes) {
    const I oD = I(g.out[0]), oH = I(g.out[1]), oW = I(g.out[2]), iD = I(g.in[0]), iH = I(g.in[1]), iW = I(g.in[2]);
    const I outPlane = oD * oH * oW, inPlane = iD * iH * iW;
    GRID_STRIDE_LOOP(e, (long long)planes * inPlane) {
        const I i = I(e);
        const I p = i / inPlane, el = i - p * inPlane;
        const I iw = el % iW, ih = (el / iW) % iH, id = el / (iW * iH);
        const T* gp = gy + p * outPlane;
        T sum = T(0);
        for (I od = 0; od < oD; ++od) {
            const I d0 = bin_start(od, iD, oD), d1 = bin_end(od, iD, oD);
            if (id < d0 || id >= d1) continue;
            for (I oh = 0; oh < oH; ++oh) {
                const I h0 = bin_start(oh, iH, oH), h1 = bin_end(oh, iH, oH);
                if (ih < h0 || ih >= h1) continue;
                for (I ow = 0; ow < oW; ++ow) {
                    const I w0 = bin_start(ow, iW, oW), w1 = bin_end(ow, iW, oW);
                    if (iw < w0 || iw >= w1) continue;
                    sum += gp[(od * oH + oh) * oW + ow] / T((d1 - d0) * (h1 - h0) * (w1 - w0));
                }
            }
        }
        gx[i] = sum;
    }
}

// Elements a launch touches: planes × the larger of the input and output planes.
__device__ __forceinline__ bool pool_fits_int32(const PoolWindow& g, long long planes) {
    const long long inPlane = g.in[0] * g.in[1] * g.in[2], outPlane = g.out[0] * g.out[1] * g.out[2];
    return fits_int32(planes * (inPlane > outPlane ? inPlane : outPlane));
}

#define POOL_DISPATCH(body, ...)                                                                   \
    if (pool_fits_int32(g, planes)) body<T_, int>(g, __VA_ARGS__, (int) planes);                    \
    else body<T_, long long>(g, __VA_ARGS__, planes)

#define POOL_KERNELS(T, suffix)                                                                             \
    extern "C" __global__ void max_pool_##suffix(PoolWindow g, const T* x, T* y, int* argmax,              \
                                                 long long planes) {                                        \
        typedef T T_;                                                                                       \
        POOL_DISPATCH(max_pool_forward, x, y, argmax);                                                      \
    }                                                                                                       \
    extern "C" __global__ void max_pool_backward_##suffix(PoolWindow g, const T* gy, const int* argmax,     \
                                                          T* gx, long long planes) {                        \
        typedef T T_;                                                                                       \
        POOL_DISPATCH(max_pool_backward, gy, argmax, gx);                                                   \
    }                                                                                                       \
    extern "C" __global__ void avg_pool_##suffix(PoolWindow g, const T* x, T* y, long long planes) {        \
        typedef T T_;                                                                                       \
        POOL_DISPATCH(avg_pool_forward, x, y);                                                              \
    }                                                                                                       \
    extern "C" __global__ void avg_pool_backward_##suffix(PoolWindow g, const T* gy, T* gx,                 \
                                                          long long planes) {                               \
        typedef T T_;                                                                                       \
        POOL_DISPATCH(avg_pool_backward, gy, gx);                                                           \
    }                                                                                                       \
    extern "C" __global__ void adaptive_avg_pool_##suffix(PoolWindow g, const T* x, T* y, long long planes) { \
        typedef T T_;                                                                                       \
        POOL_DISPATCH(adaptive_forward, x, y);                                                              \
    }                                                                                                       \
    extern "C" __global__ void adaptive_avg_pool_backward_##suffix(PoolWindow g, const T* gy, T* gx,        \
                                                                   long long planes) {                      \
        typedef T T_;                                                                                       \
        POOL_DISPATCH(adaptive_backward, gy, gx);                                                           \
    }

POOL_KERNELS(float, f32)
POOL_KERNELS(double, f64)
