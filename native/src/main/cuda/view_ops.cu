// Writes into strided views: dtype-converting copy, fill and axpy (torch.Tensor.copy_, fill_, add_(src, alpha)).
//
//   convert_<from>_<to>(StridedLayout ls, const From* x, StridedLayout ld, To* y, long long n):
//       y[viewD(i)] = (To) x[viewS(i)]        both views of the same shape (n elements); float → int truncates
//                                               toward zero, as a C cast (and Java's (int) / (long)).
//   fill_<dt>(StridedLayout ld, T* y, long long n, double value):        y[viewD(i)] = (T) value
//   axpy_<dt>(StridedLayout ls, const T* x, StridedLayout ld, T* y, long long n, double alpha):
//       y[viewD(i)] += alpha · x[viewS(i)]      (dt f32 or f64; the destination must not overlap itself)
//
// dtypes: f32, f64, i32 (int), i64 (long long). Pointers point at each view's first element.
#include "common.cuh"

template <typename From, typename To>
__device__ void convert_view(const StridedLayout& ls, const From* __restrict__ x, const StridedLayout& ld,
                             To* __restrict__ y, long long n) {
    if (ls.ndim == 1 && ls.stride[0] == 1 && ld.ndim == 1 && ld.stride[0] == 1) {
        GRID_STRIDE_LOOP(i, n) y[i] = static_cast<To>(x[i]);
    } else {
        GRID_STRIDE_LOOP(i, n) y[strided_offset(ld, i)] = static_cast<To>(x[strided_offset(ls, i)]);
    }
}

#define CONVERT(fs, From, ts, To)                                                                           \
    extern "C" __global__ void convert_##fs##_##ts(StridedLayout ls, const From* x, StridedLayout ld, To* y, \
                                                    long long n) {                                          \
        convert_view<From, To>(ls, x, ld, y, n);                                                            \
    }
#define CONVERT_FROM(fs, From) CONVERT(fs, From, f32, float) CONVERT(fs, From, f64, double)                 \
    CONVERT(fs, From, i32, int) CONVERT(fs, From, i64, long long)

CONVERT_FROM(f32, float)
CONVERT_FROM(f64, double)
CONVERT_FROM(i32, int)
CONVERT_FROM(i64, long long)

#define FILL(suffix, T)                                                                                     \
    extern "C" __global__ void fill_##suffix(StridedLayout ld, T* y, long long n, double value) {          \
        const T v = static_cast<T>(value);                                                                  \
        if (ld.ndim == 1 && ld.stride[0] == 1) { GRID_STRIDE_LOOP(i, n) y[i] = v; }                         \
        else { GRID_STRIDE_LOOP(i, n) y[strided_offset(ld, i)] = v; }                                       \
    }
FILL(f32, float)
FILL(f64, double)
FILL(i32, int)
FILL(i64, long long)

#define AXPY(suffix, T)                                                                                     \
    extern "C" __global__ void axpy_##suffix(StridedLayout ls, const T* x, StridedLayout ld, T* y,         \
                                             long long n, double alpha) {                                   \
        const T a = static_cast<T>(alpha);                                                                  \
        if (ls.ndim == 1 && ls.stride[0] == 1 && ld.ndim == 1 && ld.stride[0] == 1) {                       \
            GRID_STRIDE_LOOP(i, n) y[i] += a * x[i];                                                        \
        } else {                                                                                            \
            GRID_STRIDE_LOOP(i, n) y[strided_offset(ld, i)] += a * x[strided_offset(ls, i)];                \
        }                                                                                                   \
    }
AXPY(f32, float)
AXPY(f64, double)
