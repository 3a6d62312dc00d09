// 16-byte vector helpers for the memory-bound temporal kernels: float4 (4 × f32) and double2 (2 × f64),
// with scalar float/double as the unaligned fallback. VecOf<T>::type is the 16-byte vector of T.
#pragma once

template <typename T> struct VecOf;
template <> struct VecOf<float>  { typedef float4  type; static const int width = 4; };
template <> struct VecOf<double> { typedef double2 type; static const int width = 2; };

__device__ __forceinline__ float   vsub(float a, float b)     { return a - b; }
__device__ __forceinline__ double  vsub(double a, double b)   { return a - b; }
__device__ __forceinline__ float4  vsub(float4 a, float4 b)   { return make_float4(a.x - b.x, a.y - b.y, a.z - b.z, a.w - b.w); }
__device__ __forceinline__ double2 vsub(double2 a, double2 b) { return make_double2(a.x - b.x, a.y - b.y); }

__device__ __forceinline__ float   vneg(float a)   { return -a; }
__device__ __forceinline__ double  vneg(double a)  { return -a; }
__device__ __forceinline__ float4  vneg(float4 a)  { return make_float4(-a.x, -a.y, -a.z, -a.w); }
__device__ __forceinline__ double2 vneg(double2 a) { return make_double2(-a.x, -a.y); }

template <typename V> __device__ __forceinline__ V vzero() { return V{}; }
