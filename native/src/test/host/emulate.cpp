// Runs the synchronisation-free kernels (grid-stride loops: temporal shift, frame differences, binary with
// broadcasting, strided copy, index_select, unary) on the host, one simulated thread after another, against
// plain loops. Catches indexing mistakes on machines without a GPU; the GPU tests in module kernels remain the
// real check. Build and run: native/host-test.sh
#include "host_shim.h"
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "temporal_shift.cu"
#include "frame_diff_m2a.cu"
#include "frame_diff_me.cu"
#include "binary.cu"
#include "copy.cu"
#include "gather.cu"
#include "unary.cu"
int fails = 0;
#define CHECK(c, ...) do { if (!(c)) { fails++; if (fails < 10) printf(__VA_ARGS__); } } while (0)
int main() {
    srand(1);
    // temporal shift, both HW paths
    for (long long HW : {16LL, 7LL}) {
        long long N = 2, T = 5, C = 8, fold = 2, n = N * T * C * HW;
        std::vector<float> x(n), y(n), g(n);
        for (auto& v : x) v = rand() % 1000;
        float* xa = (float*)aligned_alloc(16, n * 4); float* ya = (float*)aligned_alloc(16, n * 4);
        std::copy(x.begin(), x.end(), xa);
        LAUNCH(3, 32, temporal_shift_f32(xa, ya, N, T, C, HW, fold));
        for (long long s = 0; s < N; s++) for (long long t = 0; t < T; t++) for (long long c = 0; c < C; c++) for (long long p = 0; p < HW; p++) {
            long long src = c < fold ? t + 1 : c < 2 * fold ? t - 1 : t;
            float e = src < 0 || src >= T ? 0 : x[((s * T + src) * C + c) * HW + p];
            CHECK(ya[((s * T + t) * C + c) * HW + p] == e, "shift HW=%lld mismatch\n", HW);
        }
        // adjoint
        float* gx = (float*)aligned_alloc(16, n * 4);
        for (long long i = 0; i < n; i++) g[i] = rand() % 100;
        std::copy(g.begin(), g.end(), ya);
        LAUNCH(2, 64, temporal_shift_backward_f32(ya, gx, N, T, C, HW, fold));
        LAUNCH(3, 32, temporal_shift_f32(xa, ya, N, T, C, HW, fold));
        double l = 0, r = 0; for (long long i = 0; i < n; i++) { l += (double)ya[i] * g[i]; r += (double)x[i] * gx[i]; }
        CHECK(l == r, "shift adjoint HW=%lld %f %f\n", HW, l, r);
    }
    // m2a / me with F = 8 (vector) and 5 (scalar)
    for (long long F : {8LL, 5LL}) {
        long long N = 2, T = 4, n = N * T * F;
        double* x = (double*)aligned_alloc(16, n * 8); double* b = (double*)aligned_alloc(16, n * 8);
        double* y = (double*)aligned_alloc(16, n * 8); double* g2 = (double*)aligned_alloc(16, n * 8);
        for (long long i = 0; i < n; i++) { x[i] = rand() % 100; b[i] = rand() % 100; }
        LAUNCH(2, 8, frame_diff_m2a_f64(x, y, N, T, F));
        for (long long s = 0; s < N; s++) for (long long t = 0; t < T; t++) for (long long f = 0; f < F; f++) {
            long long i = (s * T + t) * F + f;
            CHECK(y[i] == (t + 1 < T ? x[i + F] : 0) - x[i], "m2a F=%lld\n", F);
        }
        LAUNCH(2, 8, frame_diff_m2a_backward_f64(x, g2, N, T, F));
        for (long long s = 0; s < N; s++) for (long long t = 0; t < T; t++) for (long long f = 0; f < F; f++) {
            long long i = (s * T + t) * F + f;
            CHECK(g2[i] == (t > 0 ? x[i - F] : 0) - x[i], "m2a bwd F=%lld\n", F);
        }
        LAUNCH(1, 8, frame_diff_me_f64(x, b, y, N, T, F));
        for (long long s = 0; s < N; s++) for (long long t = 0; t < T; t++) for (long long f = 0; f < F; f++) {
            long long i = (s * T + t) * F + f;
            CHECK(y[i] == (t + 1 < T ? x[i + F] - b[i] : 0), "me F=%lld\n", F);
        }
        LAUNCH(1, 8, frame_diff_me_backward_f64(x, y, g2, N, T, F));
        for (long long s = 0; s < N; s++) for (long long t = 0; t < T; t++) for (long long f = 0; f < F; f++) {
            long long i = (s * T + t) * F + f;
            CHECK(y[i] == (t > 0 ? x[i - F] : 0) && g2[i] == (t < T - 1 ? -x[i] : 0), "me bwd F=%lld\n", F);
        }
    }
    // binary broadcast: a (2,3,4) contiguous, b (3,1) → strides b (0,1,0)
    {
        BroadcastLayout l{}; l.ndim = 3; long long sh[3] = {2, 3, 4}, sa[3] = {12, 4, 1}, sb[3] = {0, 1, 0};
        for (int d = 0; d < 3; d++) { l.shape[d] = sh[d]; l.strideA[d] = sa[d]; l.strideB[d] = sb[d]; }
        float a[24], b[3], o[24], gy[24], gA[24], gB[24];
        for (int i = 0; i < 24; i++) { a[i] = rand() % 10; gy[i] = 1; } for (int i = 0; i < 3; i++) b[i] = rand() % 10 + 1;
        LAUNCH(2, 5, sub_f32(l, a, b, o, 24));
        for (int i = 0; i < 24; i++) CHECK(o[i] == a[i] - b[(i / 4) % 3], "sub broadcast %d\n", i);
        LAUNCH(1, 7, maximum_backward_f32(l, a, b, gy, gA, (float*)nullptr, 24));
        for (int i = 0; i < 24; i++) { float x = a[i], y = b[(i / 4) % 3]; CHECK(gA[i] == (x > y ? 1 : x == y ? 0.5f : 0), "max bwd %d\n", i); }
    }
    // copy of a permuted view: x (2,3,4) → permute(2,0,1): shape (4,2,3), strides (1,12,4)
    {
        StridedLayout l{}; l.ndim = 3; long long sh[3] = {4, 2, 3}, st[3] = {1, 12, 4};
        for (int d = 0; d < 3; d++) { l.shape[d] = sh[d]; l.stride[d] = st[d]; }
        float x[24], y[24]; for (int i = 0; i < 24; i++) x[i] = i;
        LAUNCH(1, 5, copy_f32(l, x, y, 24));
        for (int i = 0; i < 4; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 3; k++)
            CHECK(y[(i * 2 + j) * 3 + k] == x[j * 12 + k * 4 + i], "copy %d %d %d\n", i, j, k);
    }
    // index_select + backward, err flag
    {
        float x[2 * 5 * 3], y[2 * 4 * 3], gx[2 * 5 * 3] = {0}; long long idx[4] = {4, 0, 4, 7}; int err = 0;
        for (int i = 0; i < 30; i++) x[i] = i;
        LAUNCH(2, 4, index_select_f32(x, idx, y, 2, 5, 3, 4, &err));
        CHECK(err == 1, "err flag\n");
        for (int o = 0; o < 2; o++) for (int j = 0; j < 4; j++) for (int i = 0; i < 3; i++)
            CHECK(y[(o * 4 + j) * 3 + i] == (idx[j] < 5 ? x[(o * 5 + idx[j]) * 3 + i] : 0), "index_select\n");
        float g[24]; for (int i = 0; i < 24; i++) g[i] = 1;
        LAUNCH(1, 8, index_select_backward_f32(g, idx, gx, 2, 5, 3, 4));
        CHECK(gx[4 * 3] == 2 && gx[0] == 1 && gx[3] == 0, "index_select bwd %f %f\n", gx[12], gx[0]);
    }
    // unary over a transposed view, and a backward
    {
        StridedLayout l{}; l.ndim = 2; l.shape[0] = 3; l.shape[1] = 2; l.stride[0] = 1; l.stride[1] = 3;  // x (2, 3)ᵀ
        float x[6] = {-1, 2, -3, 4, 5, -6}, y[6], gy[6] = {1, 1, 1, 1, 1, 1}, gx[6];
        LAUNCH(1, 4, relu_f32(l, x, y, 6));
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) CHECK(y[i * 2 + j] == std::max(0.f, x[j * 3 + i]), "relu view\n");
        LAUNCH(2, 2, abs_backward_f32(x, y, gy, gx, 6));
        for (int i = 0; i < 6; i++) CHECK(gx[i] == (x[i] > 0 ? 1 : -1), "abs backward %d\n", i);
    }
    printf(fails ? "FAILURES: %d\n" : "all host-emulated checks passed\n", fails);
    return fails != 0;
}
