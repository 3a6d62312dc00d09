// Runs the synchronisation-free kernels (grid-stride loops: temporal shift, frame differences, binary with
// broadcasting, strided copy / convert, index_select / index_add / gather backward, unary, max / average / adaptive pooling
// and their gather backward passes) on the host, one simulated thread after another, against
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
#include "view_ops.cu"
#include "gather.cu"
#include "unary.cu"
#include "pool.cu"
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
        float a[24], b[3], o[24];
        for (int i = 0; i < 24; i++) a[i] = rand() % 10; for (int i = 0; i < 3; i++) b[i] = rand() % 10 + 1;
        for (int w = 0; w < 2; w++) {   // 64-bit, then 32-bit index arithmetic
            l.index32 = w;
            for (auto& v : o) v = -1;
            LAUNCH(2, 5, sub_f32(l, a, b, o, 24));
            for (int i = 0; i < 24; i++) CHECK(o[i] == a[i] - b[(i / 4) % 3], "sub broadcast index32=%d %d\n", w, i);
        }
    }
    // copy (convert to the same type) of a permuted view: x (2,3,4) → permute(2,0,1): shape (4,2,3), strides (1,12,4)
    {
        StridedLayout l{}; l.ndim = 3; long long sh[3] = {4, 2, 3}, st[3] = {1, 12, 4};
        for (int d = 0; d < 3; d++) { l.shape[d] = sh[d]; l.stride[d] = st[d]; }
        float x[24], y[24]; for (int i = 0; i < 24; i++) x[i] = i;
        for (int w = 0; w < 2; w++) {   // 64-bit, then 32-bit index arithmetic
            l.index32 = w;
            for (auto& v : y) v = -1;
            StridedLayout dense{}; dense.ndim = 1; dense.shape[0] = 24; dense.stride[0] = 1; dense.index32 = w;
            LAUNCH(1, 5, convert_f32_f32(l, x, dense, y, 24));
            for (int i = 0; i < 4; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 3; k++)
                CHECK(y[(i * 2 + j) * 3 + k] == x[j * 12 + k * 4 + i], "copy index32=%d %d %d %d\n", w, i, j, k);
        }
    }
    // index_select, err flag
    {
        float x[2 * 5 * 3], y[2 * 4 * 3]; long long idx[4] = {4, 0, 4, 7}; int err = 0;
        for (int i = 0; i < 30; i++) x[i] = i;
        LAUNCH(2, 4, index_select_f32(x, idx, y, 2, 5, 3, 4, &err));
        CHECK(err == 1, "err flag\n");
        for (int o = 0; o < 2; o++) for (int j = 0; j < 4; j++) for (int i = 0; i < 3; i++)
            CHECK(y[(o * 4 + j) * 3 + i] == (idx[j] < 5 ? x[(o * 5 + idx[j]) * 3 + i] : 0), "index_select\n");
    }
    // unary over a transposed view, and a backward
    {
        StridedLayout l{}; l.ndim = 2; l.shape[0] = 3; l.shape[1] = 2; l.stride[0] = 1; l.stride[1] = 3;  // x (2, 3)ᵀ
        float x[6] = {-1, 2, -3, 4, 5, -6}, y[6], gy[6] = {1, 1, 1, 1, 1, 1}, gx[6];
        LAUNCH(1, 4, relu_f32(l, x, y, 6, 0.0));
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) CHECK(y[i * 2 + j] == std::max(0.f, x[j * 3 + i]), "relu view\n");
        LAUNCH(2, 2, abs_backward_f32(x, y, gy, gx, 6, 0.0));
        for (int i = 0; i < 6; i++) CHECK(gx[i] == (x[i] > 0 ? 1 : -1), "abs backward %d\n", i);
    }
    // index_add (counting-sorted indices) and gather backward (scatter_add), against scatter loops
    {
        const long long outer = 2, dim = 5, inner = 3, k = 6;
        long long idx[k] = {4, 0, 4, 2, 0, 4}, order[k], offsets[dim + 1] = {0};
        for (long long j = 0; j < k; j++) offsets[idx[j] + 1]++;
        for (long long s = 0; s < dim; s++) offsets[s + 1] += offsets[s];
        { long long fill[dim]; for (long long s = 0; s < dim; s++) fill[s] = offsets[s];
          for (long long j = 0; j < k; j++) order[fill[idx[j]]++] = j; }
        double src[outer * k * inner], out[outer * dim * inner], ref[outer * dim * inner] = {0};
        for (auto& v : src) v = rand() % 100;
        for (auto& v : out) v = -1;   // overwritten, including rows no index names
        for (long long o = 0; o < outer; o++) for (long long j = 0; j < k; j++) for (long long i = 0; i < inner; i++)
            ref[(o * dim + idx[j]) * inner + i] += src[(o * k + j) * inner + i];
        LAUNCH(2, 4, index_add_f64(src, order, offsets, out, outer, dim, inner, k));
        for (int e = 0; e < outer * dim * inner; e++) CHECK(out[e] == ref[e], "index_add %d %f %f\n", e, out[e], ref[e]);

        long long pidx[outer * k * inner];
        for (auto& v : pidx) v = rand() % dim;
        double gx[outer * dim * inner], gref[outer * dim * inner] = {0};
        for (auto& v : gx) v = -1;
        for (long long o = 0; o < outer; o++) for (long long j = 0; j < k; j++) for (long long i = 0; i < inner; i++)
            gref[(o * dim + pidx[(o * k + j) * inner + i]) * inner + i] += src[(o * k + j) * inner + i];
        LAUNCH(3, 4, gather_backward_f64(src, pidx, gx, outer, dim, inner, k));
        for (int e = 0; e < outer * dim * inner; e++) CHECK(gx[e] == gref[e], "gather_backward %d\n", e);
    }
    // pooling: 2-d windows with overlap, stride and padding, and a 3-d case; backward against scatter loops
    for (int c3 = 0; c3 < 2; c3++) {
        PoolWindow g{};
        long long in[3] = {1, 7, 6}, kr[3] = {1, 3, 2}, st[3] = {1, 2, 1}, pd[3] = {0, 1, 1};
        if (c3) { in[0] = 4; kr[0] = 2; st[0] = 1; pd[0] = 1; }
        for (int a = 0; a < 3; a++) {
            g.in[a] = in[a]; g.kernel[a] = kr[a]; g.stride[a] = st[a]; g.pad[a] = pd[a];
            g.out[a] = (in[a] + 2 * pd[a] - kr[a]) / st[a] + 1;
        }
        const long long planes = 3, inPlane = g.in[0] * g.in[1] * g.in[2], outPlane = g.out[0] * g.out[1] * g.out[2];
        std::vector<double> x(planes * inPlane), y(planes * outPlane), gy(planes * outPlane), gx(planes * inPlane);
        std::vector<double> yref(planes * outPlane), gxref(planes * inPlane, 0.0);
        std::vector<int> arg(planes * outPlane), argref(planes * outPlane);
        for (auto& v : x) v = rand() % 7;   // ties: the first index in window order wins
        for (auto& v : gy) v = rand() % 10 + 1;
        for (long long p = 0; p < planes; p++)
            for (long long od = 0; od < g.out[0]; od++) for (long long oh = 0; oh < g.out[1]; oh++) for (long long ow = 0; ow < g.out[2]; ow++) {
                long long o = p * outPlane + (od * g.out[1] + oh) * g.out[2] + ow;
                long long s[3] = {od * st[0] - pd[0], oh * st[1] - pd[1], ow * st[2] - pd[2]}, e[3], cnt = 1;
                for (int a = 0; a < 3; a++) { e[a] = std::min(s[a] + kr[a], in[a] + pd[a]); cnt *= e[a] - s[a]; }
                double best = 0, sum = 0; int at = -1;
                for (long long d = std::max(s[0], 0LL); d < std::min(e[0], in[0]); d++)
                    for (long long h = std::max(s[1], 0LL); h < std::min(e[1], in[1]); h++)
                        for (long long w = std::max(s[2], 0LL); w < std::min(e[2], in[2]); w++) {
                            long long el = (d * in[1] + h) * in[2] + w;
                            double v = x[p * inPlane + el];
                            sum += v;
                            if (at < 0 || v > best) { best = v; at = (int) el; }
                        }
                yref[o] = sum / cnt;
                argref[o] = at;
                gxref[p * inPlane + at] += gy[o];
            }
        LAUNCH(2, 8, max_pool_f64(g, x.data(), y.data(), arg.data(), planes));
        for (long long o = 0; o < planes * outPlane; o++) CHECK(arg[o] == argref[o], "max_pool argmax %d %lld\n", c3, o);
        LAUNCH(3, 8, max_pool_backward_f64(g, gy.data(), arg.data(), gx.data(), planes));
        for (long long e = 0; e < planes * inPlane; e++) CHECK(gx[e] == gxref[e], "max_pool_backward %d %lld %f %f\n", c3, e, gx[e], gxref[e]);
        LAUNCH(2, 8, avg_pool_f64(g, x.data(), y.data(), planes));
        for (long long o = 0; o < planes * outPlane; o++) CHECK(std::fabs(y[o] - yref[o]) < 1e-12, "avg_pool %d %lld\n", c3, o);
        // backward against a scatter of gy / count
        std::fill(gxref.begin(), gxref.end(), 0.0);
        for (long long p = 0; p < planes; p++)
            for (long long od = 0; od < g.out[0]; od++) for (long long oh = 0; oh < g.out[1]; oh++) for (long long ow = 0; ow < g.out[2]; ow++) {
                long long o = p * outPlane + (od * g.out[1] + oh) * g.out[2] + ow;
                long long s[3] = {od * st[0] - pd[0], oh * st[1] - pd[1], ow * st[2] - pd[2]}, e[3], cnt = 1;
                for (int a = 0; a < 3; a++) { e[a] = std::min(s[a] + kr[a], in[a] + pd[a]); cnt *= e[a] - s[a]; }
                for (long long d = std::max(s[0], 0LL); d < std::min(e[0], in[0]); d++)
                    for (long long h = std::max(s[1], 0LL); h < std::min(e[1], in[1]); h++)
                        for (long long w = std::max(s[2], 0LL); w < std::min(e[2], in[2]); w++)
                            gxref[p * inPlane + (d * in[1] + h) * in[2] + w] += gy[o] / cnt;
            }
        LAUNCH(3, 8, avg_pool_backward_f64(g, gy.data(), gx.data(), planes));
        for (long long e = 0; e < planes * inPlane; e++) CHECK(std::fabs(gx[e] - gxref[e]) < 1e-12, "avg_pool_backward %d %lld\n", c3, e);
        // adaptive pooling to (out) bins: adjoint identity <A x, gy> = <x, Aᵀ gy>
        PoolWindow a{};
        long long aout[3] = {1, 3, 4};
        if (c3) aout[0] = 3;
        for (int d = 0; d < 3; d++) { a.in[d] = in[d]; a.out[d] = aout[d]; a.kernel[d] = 1; a.stride[d] = 1; }
        const long long aPlane = a.out[0] * a.out[1] * a.out[2];
        std::vector<double> ay(planes * aPlane), agy(planes * aPlane), agx(planes * inPlane);
        for (auto& v : agy) v = rand() % 10;
        LAUNCH(2, 8, adaptive_avg_pool_f64(a, x.data(), ay.data(), planes));
        LAUNCH(2, 8, adaptive_avg_pool_backward_f64(a, agy.data(), agx.data(), planes));
        double l = 0, r = 0;
        for (long long i = 0; i < planes * aPlane; i++) l += ay[i] * agy[i];
        for (long long i = 0; i < planes * inPlane; i++) r += x[i] * agx[i];
        CHECK(std::fabs(l - r) < 1e-9 * std::fabs(l), "adaptive adjoint %d %f %f\n", c3, l, r);
    }
    printf(fails ? "FAILURES: %d\n" : "all host-emulated checks passed\n", fails);
    return fails != 0;
}
