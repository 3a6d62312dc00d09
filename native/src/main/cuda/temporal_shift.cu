// Temporal shift (TSM, Lin, Gan, Han 2019, "TSM: Temporal Shift Module for Efficient Video Understanding",
// Fig. 1b / Sec. 3.1, bi-directional "shift" with zero padding).
//
// x is viewed as (N, T, C, HW) (the backbone layout (N·T, C, H, W), frame index fastest inside a sample),
// fold = C / fold_div (computed by the caller, 0 ≤ 2·fold ≤ C):
//   forward:  y[n, t, c] = x[n, t+1, c]  for c in [0, fold)         (0 when t = T−1)
//             y[n, t, c] = x[n, t−1, c]  for c in [fold, 2·fold)    (0 when t = 0)
//             y[n, t, c] = x[n, t, c]    otherwise
//   backward: the inverse shift: gx[n, t, c] = gy[n, t−1, c] for c < fold (0 at t = 0),
//             gy[n, t+1, c] for fold ≤ c < 2·fold (0 at t = T−1), gy[n, t, c] otherwise.
// Each output element is written once and each input element read at most once. 16-byte vectors
// (float4 / double2) when HW is a multiple of the vector width and both pointers are 16-byte aligned.
//
//   temporal_shift_<dt>(x, y, N, T, C, HW, fold)             x, y (N, T, C, HW), no aliasing
//   temporal_shift_backward_<dt>(gy, gx, N, T, C, HW, fold)  gy, gx (N, T, C, HW)
#include "common.cuh"
#include "vec.cuh"

// dir = +1: forward (first fold reads t+1); dir = −1: backward (first fold reads t−1). Index arithmetic in I
// (int when the tensor has fewer than 2^31 vectors, see fits_int32).
template <typename V, typename I>
__device__ void shift_frames(const V* __restrict__ x, V* __restrict__ y, I N, I T, I C, I HWv, I fold, int dir) {
    const long long n_total = (long long) N * T * C * HWv;
    GRID_STRIDE_LOOP(e64, n_total) {
        const I e = I(e64);
        const I c = (e / HWv) % C;
        const I t = (e / (HWv * C)) % T;
        I src_t = t;
        if (c < fold) src_t = t + dir;
        else if (c < 2 * fold) src_t = t - dir;
        if (src_t < 0 || src_t >= T) {
            y[e] = vzero<V>();
        } else {
            y[e] = x[e + (src_t - t) * C * HWv];
        }
    }
}

template <typename V>
__device__ void shift_frames_any(const V* x, V* y, long long N, long long T, long long C, long long HWv, long long fold,
                                 int dir) {
    if (fits_int32(N * T * C * HWv)) shift_frames<V, int>(x, y, (int) N, (int) T, (int) C, (int) HWv, (int) fold, dir);
    else shift_frames<V, long long>(x, y, N, T, C, HWv, fold, dir);
}

template <typename T>
__device__ void shift_dispatch(const T* x, T* y, long long N, long long Tn, long long C, long long HW, long long fold,
                               int dir) {
    typedef typename VecOf<T>::type V;
    const int w = VecOf<T>::width;
    if (HW % w == 0 && aligned16(x) && aligned16(y)) {
        shift_frames_any<V>(reinterpret_cast<const V*>(x), reinterpret_cast<V*>(y), N, Tn, C, HW / w, fold, dir);
    } else {
        shift_frames_any<T>(x, y, N, Tn, C, HW, fold, dir);
    }
}

#define SHIFT_KERNELS(T, suffix)                                                                               \
    extern "C" __global__ void temporal_shift_##suffix(const T* x, T* y, long long N, long long Tn, long long C, \
                                                       long long HW, long long fold) {                         \
        shift_dispatch(x, y, N, Tn, C, HW, fold, +1);                                                          \
    }                                                                                                          \
    extern "C" __global__ void temporal_shift_backward_##suffix(const T* gy, T* gx, long long N, long long Tn,  \
                                                                long long C, long long HW, long long fold) {   \
        shift_dispatch(gy, gx, N, Tn, C, HW, fold, -1);                                                        \
    }

SHIFT_KERNELS(float, f32)
SHIFT_KERNELS(double, f64)
