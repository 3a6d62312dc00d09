// Runs the synchronisation-free kernels (grid-stride loops: temporal shift, frame differences, binary with
// broadcasting, strided copy / convert, index_select / index_add / gather backward, unary, max / average / adaptive pooling
// and their gather backward passes, motion attention's softmax, the pooled shift's spatial means) on the host, one
// simulated thread after another, against plain loops. Catches indexing mistakes on machines without a GPU; the GPU tests in module kernels remain the
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
#include "temporal_conv.cu"
#include "broadcast_gate.cu"
#include "avg_max_pool.cu"
#include "sigmoid_gate.cu"
#include "pool.cu"
#include "motion_attention.cu"
#include "pooled_temporal_conv.cu"
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
    // temporal_conv: S = 8 (vector path) and 5 (scalar path), T = 1 and 3; data and weight gradients
    for (long long S : {8LL, 5LL}) for (long long T : {1LL, 3LL}) {
        long long N = 2, C = 3, n = N * T * C * S, P = C * S;
        float* x = (float*)aligned_alloc(16, n * 4); float* y = (float*)aligned_alloc(16, n * 4);
        float* g = (float*)aligned_alloc(16, n * 4); float* part = (float*)aligned_alloc(16, N * T * C * 3 * 4);
        float w[9];
        for (long long i = 0; i < n; i++) { x[i] = rand() % 19 - 9; g[i] = rand() % 7 - 3; }
        for (int i = 0; i < 9; i++) w[i] = rand() % 5 - 2;
        for (int flip = 0; flip < 2; flip++) {
            LAUNCH(3, 7, temporal_conv_f32(x, w, y, N, T, C, S, flip));
            for (long long e = 0; e < n; e++) {
                long long c = (e / S) % C, t = (e / P) % T;
                float w0 = w[3 * c + (flip ? 2 : 0)], w2 = w[3 * c + (flip ? 0 : 2)];
                float ex = w[3 * c + 1] * x[e] + (t > 0 ? w0 * x[e - P] : 0) + (t < T - 1 ? w2 * x[e + P] : 0);
                CHECK(y[e] == ex, "temporal_conv S=%lld T=%lld flip=%d\n", S, T, flip);
            }
        }
        LAUNCH(2, 5, temporal_conv_backward_weight_f32(g, x, part, N, T, C, S));
        for (long long c = 0; c < C; c++) for (int k = 0; k < 3; k++) {
            double sum = 0, ref = 0;
            for (long long r = 0; r < N * T; r++) sum += part[(r * C + c) * 3 + k];
            for (long long e = 0; e < n; e++) {
                long long t = (e / P) % T, tt = t + k - 1;
                if ((e / S) % C == c && tt >= 0 && tt < T) ref += (double)g[e] * x[e + (k - 1) * P];
            }
            CHECK(sum == ref, "temporal_conv weight grad c=%lld k=%d %f %f\n", c, k, sum, ref);
        }
    }
    // broadcast_gate: both combines, each gate present or absent
    {
        const long long M = 2, C = 3, S = 5, n = M * C * S;
        double x[n], g[n], c[M * C], s[M * S], y[n], gx[n], gc[M * C], gs[M * S];
        for (long long i = 0; i < n; i++) { x[i] = rand() % 9 - 4; g[i] = rand() % 5 - 2; }
        for (long long i = 0; i < M * C; i++) c[i] = rand() % 5;
        for (long long i = 0; i < M * S; i++) s[i] = rand() % 5;
        for (int sum = 0; sum < 2; sum++) for (int present = 0; present < 4; present++) {
            const double* cp = present & 1 ? c : nullptr; const double* sp = present & 2 ? s : nullptr;
            double absent = sum ? 0 : 1, alpha = 3;
            LAUNCH(2, 8, broadcast_gate_f64(x, cp, sp, y, M, C, S, sum, alpha));
            LAUNCH(3, 4, broadcast_gate_backward_f64(g, cp, sp, gx, M, C, S, sum, alpha));
            LAUNCH(1, 5, broadcast_gate_backward_channel_f64(g, x, sp, gc, M, C, S, sum));
            LAUNCH(2, 3, broadcast_gate_backward_spatial_f64(g, x, cp, gs, M, C, S, sum));
            double rc[M * C] = {}, rs[M * S] = {};
            for (long long e = 0; e < n; e++) {
                long long p = e % S, ch = (e / S) % C, m = e / (S * C);
                double cv = cp ? c[m * C + ch] : absent, sv = sp ? s[m * S + p] : absent;
                double gate = sum ? alpha + cv + sv : cv * sv;
                CHECK(y[e] == x[e] * gate && gx[e] == g[e] * gate, "broadcast_gate sum=%d present=%d\n", sum, present);
                rc[m * C + ch] += g[e] * x[e] * (sum ? 1 : sv);
                rs[m * S + p] += g[e] * x[e] * (sum ? 1 : cv);
            }
            for (long long i = 0; i < M * C; i++) CHECK(gc[i] == rc[i], "broadcast_gate gc sum=%d present=%d\n", sum, present);
            for (long long i = 0; i < M * S; i++) CHECK(gs[i] == rs[i], "broadcast_gate gs sum=%d present=%d\n", sum, present);
        }
    }
    // avg_max_pool: both axes, with and without the channel scale, values on a grid (ties), forward and backward
    {
        const long long M = 2, C = 3, S = 4, n = M * C * S;
        double x[n], c[M * C], g2[2 * M * C], gch[M * 2 * S], out[2 * M * C], outc[M * 2 * S], gx[n], gc[M * C], ties[M * S];
        for (long long i = 0; i < n; i++) x[i] = rand() % 3;
        for (long long i = 0; i < M * C; i++) c[i] = rand() % 3 + 1;
        for (long long i = 0; i < 2 * M * C; i++) g2[i] = rand() % 5 - 2;
        for (long long i = 0; i < M * 2 * S; i++) gch[i] = rand() % 5 - 2;
        for (int scaled = 0; scaled < 2; scaled++) {
            const double* cp = scaled ? c : nullptr;
            auto v = [&](long long m, long long ch, long long p) { return x[(m * C + ch) * S + p] * (scaled ? c[m * C + ch] : 1); };
            LAUNCH(2, 2, avg_max_pool_spatial_f64(x, cp, out, M, C, S));
            LAUNCH(1, 3, avg_max_pool_channel_f64(x, cp, outc, M, C, S));
            LAUNCH(2, 3, avg_max_pool_spatial_backward_f64(g2, x, cp, out, gx, gc, M, C, S));
            for (long long m = 0; m < M; m++) for (long long ch = 0; ch < C; ch++) {
                double sum = 0, mx = -1e300; long long t = 0;
                for (long long p = 0; p < S; p++) { sum += v(m, ch, p); mx = std::max(mx, v(m, ch, p)); }
                for (long long p = 0; p < S; p++) t += v(m, ch, p) == mx;
                long long r = m * C + ch; double acc = 0;
                CHECK(out[r] == sum / S && out[M * C + r] == mx, "avg_max_pool spatial scaled=%d\n", scaled);
                for (long long p = 0; p < S; p++) {
                    double gv = g2[r] / S + (v(m, ch, p) == mx ? g2[M * C + r] / t : 0);
                    CHECK(gx[r * S + p] == gv * (scaled ? c[r] : 1), "avg_max_pool spatial gx scaled=%d\n", scaled);
                    acc += gv * x[r * S + p];
                }
                CHECK(gc[r] == acc, "avg_max_pool spatial gc scaled=%d\n", scaled);
            }
            LAUNCH(2, 2, avg_max_pool_channel_backward_f64(gch, x, cp, outc, gx, ties, M, C, S));
            LAUNCH(1, 4, avg_max_pool_channel_backward_scale_f64(gch, x, cp, outc, ties, gc, M, C, S));
            for (long long m = 0; m < M; m++) {
                double acc[C] = {};
                for (long long p = 0; p < S; p++) {
                    double sum = 0, mx = -1e300; long long t = 0;
                    for (long long ch = 0; ch < C; ch++) { sum += v(m, ch, p); mx = std::max(mx, v(m, ch, p)); }
                    for (long long ch = 0; ch < C; ch++) t += v(m, ch, p) == mx;
                    CHECK(outc[2 * m * S + p] == sum / C && outc[(2 * m + 1) * S + p] == mx, "avg_max_pool channel scaled=%d\n", scaled);
                    for (long long ch = 0; ch < C; ch++) {
                        double gv = gch[2 * m * S + p] / C + (v(m, ch, p) == mx ? gch[(2 * m + 1) * S + p] / t : 0);
                        CHECK(gx[(m * C + ch) * S + p] == gv * (scaled ? c[m * C + ch] : 1), "avg_max_pool channel gx scaled=%d\n", scaled);
                        acc[ch] += gv * x[(m * C + ch) * S + p];
                    }
                }
                for (long long ch = 0; ch < C; ch++) CHECK(gc[m * C + ch] == acc[ch], "avg_max_pool channel gc scaled=%d\n", scaled);
            }
        }
    }
    // sigmoid_gate forward and backward
    {
        const long long n = 11;
        double x[n], z[n], g[n], y[n], gx[n], gz[n];
        for (long long i = 0; i < n; i++) { x[i] = rand() % 9 - 4; z[i] = (rand() % 13 - 6) * 0.5; g[i] = rand() % 5 - 2; }
        LAUNCH(2, 3, sigmoid_gate_f64(x, z, y, n, 1.0));
        LAUNCH(3, 2, sigmoid_gate_backward_f64(g, x, z, gx, gz, n, 1.0));
        for (long long i = 0; i < n; i++) {
            double s = 1 / (1 + exp(-z[i]));
            CHECK(y[i] == x[i] * (1 + s) && gx[i] == g[i] * (1 + s) && gz[i] == g[i] * x[i] * s * (1 - s), "sigmoid_gate %lld\n", i);
        }
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
    // motion attention's softmax: part (N, G, T(T+1)/2) summed over G, scaled by 1/√E, row softmax of the symmetric scores
    {
        long long N = 2, G = 3, E = 16; int T = 3, P = T * (T + 1) / 2;
        std::vector<double> part(N * G * P); std::vector<float> a(N * T * T);
        for (auto& v : part) v = rand() % 9 - 4;
        LAUNCH(2, 4, motion_attention_softmax_f32(part.data(), a.data(), N, T, E, G));
        for (long long n = 0; n < N; n++) for (int p = 0; p < T; p++) {
            double row[3], sum = 0, mx = -1e300;
            for (int q = 0; q < T; q++) {
                int k = p >= q ? p * (p + 1) / 2 + q : q * (q + 1) / 2 + p;
                double s = 0; for (long long g = 0; g < G; g++) s += part[(n * G + g) * P + k];
                row[q] = s / 4; mx = std::max(mx, row[q]);
            }
            for (int q = 0; q < T; q++) sum += row[q] = std::exp(row[q] - mx);
            for (int q = 0; q < T; q++) CHECK(std::fabs(a[(n * T + p) * T + q] - row[q] / sum) < 1e-6, "motion softmax\n");
        }
    }
    // the pooled shift's spatial means: part (R, ⌈S/32⌉, C) summed over the tiles, over S
    {
        long long R = 3, C = 5, S = 70, tiles = 3;
        std::vector<double> part(R * tiles * C), sp(R * C);
        for (auto& v : part) v = rand() % 100;
        LAUNCH(2, 8, pooled_temporal_conv_spatial_f64(part.data(), sp.data(), R, C, S));
        for (long long r = 0; r < R; r++) for (long long c = 0; c < C; c++) {
            double s = 0; for (long long k = 0; k < tiles; k++) s += part[(r * tiles + k) * C + c];
            CHECK(sp[r * C + c] == s * (1.0 / S), "pooled spatial\n");
        }
    }
    printf(fails ? "FAILURES: %d\n" : "all host-emulated checks passed\n", fails);
    return fails != 0;
}
