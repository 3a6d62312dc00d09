// Shared helpers for saccade's CUDA kernels.
//
// Conventions (mirrored by the Java launchers in dev.saccade.kernels.cuda):
//   - every kernel is extern "C", named <op>_<dtype> / <op>_backward_<dtype>, dtype f32 or f64;
//   - sizes and counts are `long long` (Java long), scalar parameters (eps, scale) are `double`;
//   - device pointers arrive already offset to the first element of the view;
//   - strided inputs are described by a StridedLayout passed by value (shape and strides in elements).
#pragma once

#include <stdint.h>

#define SACCADE_MAX_DIMS 6

// A view of up to 6 dimensions: element (i0..i5) lives at sum(ik * stride[k]).
// Broadcast dimensions have stride 0. Byte layout (104 bytes): int ndim, int index32, long long shape[6],
// long long stride[6]. index32 = 1 when the element count and every offset of the view are below 2^31: index
// decomposition then runs in 32-bit arithmetic (64-bit division is emulated on the GPU). Java side:
// dev.saccade.kernels.cuda.StridedLayout, which sets the flag.
struct StridedLayout {
    int ndim;
    int index32;
    long long shape[SACCADE_MAX_DIMS];
    long long stride[SACCADE_MAX_DIMS];
};

// Two inputs over one output shape (for binary ops): shape of the output, strides of a and b
// (0 on broadcast dimensions). Byte layout (152 bytes): int ndim, int index32, long long shape[6],
// long long strideA[6], long long strideB[6]; index32 as in StridedLayout, for the output and both inputs.
// Java side: dev.saccade.kernels.cuda.BroadcastLayout.
struct BroadcastLayout {
    int ndim;
    int index32;
    long long shape[SACCADE_MAX_DIMS];
    long long strideA[SACCADE_MAX_DIMS];
    long long strideB[SACCADE_MAX_DIMS];
};

// Offset (in elements) of the linear (row-major) index `i` of a view, in index type I.
template <typename I>
__device__ __forceinline__ long long strided_offset_as(const StridedLayout& l, long long i64) {
    I i = I(i64), off = 0;
#pragma unroll
    for (int d = SACCADE_MAX_DIMS - 1; d >= 0; --d) {
        if (d < l.ndim) {
            const I s = I(l.shape[d]);
            const I q = i / s;
            off += (i - q * s) * I(l.stride[d]);
            i = q;
        }
    }
    return off;
}

// Offset (in elements) of the linear (row-major) index `i` of a view; 32-bit arithmetic when the view allows it.
__device__ __forceinline__ long long strided_offset(const StridedLayout& l, long long i) {
    return l.index32 ? strided_offset_as<int>(l, i) : strided_offset_as<long long>(l, i);
}

// Offsets of a and b for the linear output index `i`, in index type I.
template <typename I>
__device__ __forceinline__ void broadcast_offsets_as(const BroadcastLayout& l, long long i64, long long& oa64,
                                                     long long& ob64) {
    I i = I(i64), oa = 0, ob = 0;
#pragma unroll
    for (int d = SACCADE_MAX_DIMS - 1; d >= 0; --d) {
        if (d < l.ndim) {
            const I s = I(l.shape[d]);
            const I q = i / s;
            const I r = i - q * s;
            oa += r * I(l.strideA[d]);
            ob += r * I(l.strideB[d]);
            i = q;
        }
    }
    oa64 = oa;
    ob64 = ob;
}

// Offsets of a and b for the linear output index `i`; 32-bit arithmetic when the layout allows it.
__device__ __forceinline__ void broadcast_offsets(const BroadcastLayout& l, long long i, long long& oa, long long& ob) {
    if (l.index32) broadcast_offsets_as<int>(l, i, oa, ob);
    else broadcast_offsets_as<long long>(l, i, oa, ob);
}

// Whether a launch's element count (and so every element index and offset inside its contiguous buffers) fits a
// 32-bit int: kernels then decompose indices with 32-bit division, which the GPU does in a few instructions (64-bit
// division is emulated in software). saccade's storages hold fewer than 2^31 elements, so this is the usual path.
__device__ __forceinline__ bool fits_int32(long long n) { return n <= 2147483647LL; }

// Grid-stride loop over [0, n).
#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long)blockDim.x * gridDim.x)

// Block-wide sum of one value per thread; blockDim.x a multiple of 32, at most 1024.
// `scratch` holds 32 values of T. Every thread gets the result.
template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

template <typename T>
__device__ __forceinline__ T warp_max(T v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = max(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

template <typename T>
__device__ T block_sum(T v, T* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : T(0);
    return warp_sum(v);
}

template <typename T>
__device__ T block_max(T v, T* scratch, T lowest) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : lowest;
    return warp_max(v);
}

// Type-generic math (float and double overloads resolve to the fast single/double routines).
__device__ __forceinline__ float  sc_exp(float x)   { return expf(x); }
__device__ __forceinline__ double sc_exp(double x)  { return exp(x); }
__device__ __forceinline__ float  sc_log(float x)   { return logf(x); }
__device__ __forceinline__ double sc_log(double x)  { return log(x); }
__device__ __forceinline__ float  sc_sqrt(float x)  { return sqrtf(x); }
__device__ __forceinline__ double sc_sqrt(double x) { return sqrt(x); }
__device__ __forceinline__ float  sc_rsqrt(float x) { return rsqrtf(x); }
__device__ __forceinline__ double sc_rsqrt(double x){ return rsqrt(x); }
__device__ __forceinline__ float  sc_tanh(float x)  { return tanhf(x); }
__device__ __forceinline__ double sc_tanh(double x) { return tanh(x); }
__device__ __forceinline__ float  sc_abs(float x)   { return fabsf(x); }
__device__ __forceinline__ double sc_abs(double x)  { return fabs(x); }

template <typename T> __device__ __forceinline__ T lowest_value();
template <> __device__ __forceinline__ float  lowest_value<float>()  { return -__int_as_float(0x7f800000); }
template <> __device__ __forceinline__ double lowest_value<double>() { return -__longlong_as_double(0x7ff0000000000000LL); }

// 16-byte alignment test for the float4 paths.
__device__ __forceinline__ bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15) == 0; }
