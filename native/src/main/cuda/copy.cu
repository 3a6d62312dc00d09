// Strided copy: makes any view contiguous (torch.Tensor.contiguous).
//
//   y[i] = x[view(i)]   x described by a StridedLayout (any strides, 0 for expanded dims), y contiguous, n = numel.
//
// copy_f32 moves 4-byte elements bit for bit, so it also serves int32; copy_f64 serves int64.
// There is no backward kernel: the gradient of a copy is the identity (or a strided scatter done by the caller).
#include "common.cuh"

template <typename T>
__device__ void strided_copy(const StridedLayout& lx, const T* __restrict__ x, T* __restrict__ y, long long n) {
    if (lx.ndim == 1 && lx.stride[0] == 1) {
        GRID_STRIDE_LOOP(i, n) y[i] = x[i];
    } else {
        GRID_STRIDE_LOOP(i, n) y[i] = x[strided_offset(lx, i)];
    }
}

extern "C" __global__ void copy_f32(StridedLayout lx, const float* x, float* y, long long n) { strided_copy(lx, x, y, n); }
extern "C" __global__ void copy_f64(StridedLayout lx, const double* x, double* y, long long n) { strided_copy(lx, x, y, n); }
