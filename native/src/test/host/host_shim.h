// Host stand-ins for the CUDA built-ins used by the grid-stride kernels (see emulate.cpp).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>
using std::max; using std::min;
#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__
#define __shared__ static
#define __launch_bounds__(n)
struct dim3 { unsigned x = 0, y = 0, z = 0; };
static dim3 blockIdx, threadIdx, blockDim, gridDim;
struct float4 { float x, y, z, w; };
struct double2 { double x, y; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
inline double2 make_double2(double a, double b) { return {a, b}; }
inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
inline double __longlong_as_double(long long i) { double f; memcpy(&f, &i, 8); return f; }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
template <typename T> T __shfl_xor_sync(unsigned, T v, int) { return v; }
inline void __syncthreads() {}
template <typename T> T atomicAdd(T* p, T v) { T o = *p; *p += v; return o; }
#define LAUNCH(grid, block, call) do { gridDim.x = grid; blockDim.x = block; \
    for (unsigned _b = 0; _b < grid; _b++) for (unsigned _t = 0; _t < block; _t++) { blockIdx.x = _b; threadIdx.x = _t; call; } } while (0)
