// x·(α + σ(z)) in one pass (saccade's SigmoidGate: M2A's residual gate x·σ(conv_up(y')) + x with α = 1, Gebotys et
// al. 2021, Sec. 3), x, z, y of n elements; backward with σ recomputed from z:
//   gx = g·(α + σ(z)),   gz = g·x·σ(z)·(1 − σ(z))
//
//   sigmoid_gate_<dt>(x, z, y, n, alpha)
//   sigmoid_gate_backward_<dt>(g, x, z, gx, gz, n, alpha)      gx or gz may be null
#include "common.cuh"

__device__ __forceinline__ float  sg_sigmoid(float z)  { return 1.0f / (1.0f + expf(-z)); }
__device__ __forceinline__ double sg_sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

#define SIGMOID_GATE_KERNELS(T, suffix)                                                                          \
    extern "C" __global__ void sigmoid_gate_##suffix(const T* __restrict__ x, const T* __restrict__ z,           \
                                                     T* __restrict__ y, long long n, double alpha) {             \
        GRID_STRIDE_LOOP(i, n) y[i] = x[i] * ((T)alpha + sg_sigmoid(z[i]));                                      \
    }                                                                                                            \
    extern "C" __global__ void sigmoid_gate_backward_##suffix(const T* __restrict__ g, const T* __restrict__ x,  \
                                                              const T* __restrict__ z, T* __restrict__ gx,       \
                                                              T* __restrict__ gz, long long n, double alpha) {   \
        GRID_STRIDE_LOOP(i, n) {                                                                                 \
            const T s = sg_sigmoid(z[i]);                                                                        \
            if (gx) gx[i] = g[i] * ((T)alpha + s);                                                               \
            if (gz) gz[i] = g[i] * x[i] * s * ((T)1 - s);                                                        \
        }                                                                                                        \
    }

SIGMOID_GATE_KERNELS(float, f32)
SIGMOID_GATE_KERNELS(double, f64)
