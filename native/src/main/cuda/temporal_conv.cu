// Depthwise temporal convolution, kernel 3, zero padding 1, on the backbone's (N·T, C, H, W) layout: ACTION-Net's
// learnable shift (Wang, She, Smolic 2021, Sec. 3.1; the official Conv1d(C, C, 3, padding=1, groups=C) on the
// (N·H·W, C, T) permuted copy) and W3's channel-temporal convolutions, without the permute copies. With w (C, 1, 3)
// and x, y viewed as (N, T, C, S), S = H·W, P = C·S the distance between frames:
//   forward:   y[n,t,c,s] = w[c,0]·x[t−1] + w[c,1]·x[t] + w[c,2]·x[t+1]      (x = 0 outside [0, T))
//   data grad: gx = the forward of gy with the flipped kernel (flip = 1): w[c,2]·gy[t−1] + w[c,1]·gy[t] + w[c,0]·gy[t+1]
//   weight grad, per frame row: part[n,t,c,k] = Σ_s gy[n,t,c,s]·x[n,t+k−1,c,s]; the caller sums part over (n, t).
//
//   temporal_conv_<dt>(x, w, y, N, T, C, S, flip)                            x, y (N, T, C, S), w (C, 3)
//   temporal_conv_backward_weight_<dt>(gy, x, part, N, T, C, S)               part (N·T, C, 3)
// Forward: one thread per output element, 16-byte vectors when S allows and the pointers are aligned. Weight
// gradient: one thread per (n, t, c) row accumulating in double (no shared memory, no atomics: deterministic).
#include "common.cuh"
#include "vec.cuh"

__device__ __forceinline__ float  tc_fma(float a, float w, float acc)    { return fmaf(a, w, acc); }
__device__ __forceinline__ double tc_fma(double a, double w, double acc) { return fma(a, w, acc); }
__device__ __forceinline__ float4 tc_fma(float4 a, float w, float4 acc) {
    return make_float4(fmaf(a.x, w, acc.x), fmaf(a.y, w, acc.y), fmaf(a.z, w, acc.z), fmaf(a.w, w, acc.w));
}
__device__ __forceinline__ double2 tc_fma(double2 a, double w, double2 acc) {
    return make_double2(fma(a.x, w, acc.x), fma(a.y, w, acc.y));
}

// V: element or 16-byte vector of T; Sv = S in units of V.
template <typename T, typename V>
__device__ void tc_forward(const V* __restrict__ x, const T* __restrict__ w, V* __restrict__ y, long long N,
                           long long Tn, long long C, long long Sv, int flip) {
    const long long P = C * Sv;
    GRID_STRIDE_LOOP(e, N * Tn * P) {
        const long long c = (e / Sv) % C, t = (e / P) % Tn;
        const T w0 = w[3 * c + (flip ? 2 : 0)], w1 = w[3 * c + 1], w2 = w[3 * c + (flip ? 0 : 2)];
        V acc = tc_fma(x[e], w1, vzero<V>());
        if (t > 0) acc = tc_fma(x[e - P], w0, acc);
        if (t < Tn - 1) acc = tc_fma(x[e + P], w2, acc);
        y[e] = acc;
    }
}

template <typename T>
__device__ void tc_backward_weight(const T* __restrict__ gy, const T* __restrict__ x, T* __restrict__ part,
                                   long long N, long long Tn, long long C, long long S) {
    const long long P = C * S;
    GRID_STRIDE_LOOP(r, N * Tn * C) {
        const long long t = (r / C) % Tn, base = r * S;
        double k0 = 0, k1 = 0, k2 = 0;
        for (long long s = 0; s < S; s++) {
            const double g = gy[base + s];
            k1 += g * x[base + s];
            if (t > 0) k0 += g * x[base + s - P];
            if (t < Tn - 1) k2 += g * x[base + s + P];
        }
        part[3 * r] = (T)k0;
        part[3 * r + 1] = (T)k1;
        part[3 * r + 2] = (T)k2;
    }
}

#define TEMPORAL_CONV_KERNELS(T, suffix)                                                                        \
    extern "C" __global__ void temporal_conv_##suffix(const T* x, const T* w, T* y, long long N, long long Tn,  \
                                                      long long C, long long S, int flip) {                     \
        typedef VecOf<T>::type V;                                                                               \
        const int vw = VecOf<T>::width;                                                                         \
        if (S % vw == 0 && aligned16(x) && aligned16(y))                                                        \
            tc_forward<T, V>((const V*)x, w, (V*)y, N, Tn, C, S / vw, flip);                                    \
        else                                                                                                    \
            tc_forward<T, T>(x, w, y, N, Tn, C, S, flip);                                                       \
    }                                                                                                           \
    extern "C" __global__ void temporal_conv_backward_weight_##suffix(const T* gy, const T* x, T* part,         \
                                                                      long long N, long long Tn, long long C,   \
                                                                      long long S) {                            \
        tc_backward_weight<T>(gy, x, part, N, Tn, C, S);                                                        \
    }

TEMPORAL_CONV_KERNELS(float, f32)
TEMPORAL_CONV_KERNELS(double, f64)
