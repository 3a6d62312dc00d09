package dev.saccade.kernels.cuda;

import static dev.saccade.kernels.cuda.GpuTesting.assertClose;
import static dev.saccade.kernels.cuda.GpuTesting.randomFloats;
import static dev.saccade.kernels.cuda.GpuTesting.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** cuDNN bindings: grouped 2-d convolution forward / backward-data against Java loops, max pooling. Skipped without a GPU. */
class CudnnTest {

    private static Cudnn loadOrSkip() {
        GpuTesting.requireGpu();
        try {
            return Cudnn.load();
        } catch (CudaException e) {
            assumeTrue(false, "cuDNN not installed: " + e.getMessage());
            throw e;
        }
    }

    @Test
    void groupedConvolutionAndPooling() {
        Cudnn dnn = loadOrSkip();
        System.out.println("cuDNN version " + dnn.version());
        assertTrue(dnn.version() >= 90000, "cuDNN 9 expected, got " + dnn.version());
        // A real bad parameter (a negative dimension) rather than an assumed status number: cuDNN 9 renumbered them.
        CudaException bad = assertThrows(CudaException.class, () -> dnn.tensorNd(Cudnn.DATA_FLOAT, new int[] {2, -1, 3, 3}));
        assertEquals("cudnnSetTensorNdDescriptor", bad.call());
        assertEquals(Cudnn.STATUS_BAD_PARAM, Cudnn.statusCategory(bad.status()), bad.getMessage());
        assertTrue(bad.errorName().contains("BAD_PARAM"), bad.getMessage());
        assertTrue(dnn.errorString(Cudnn.STATUS_BAD_PARAM).contains("BAD_PARAM"), dnn.errorString(Cudnn.STATUS_BAD_PARAM));
        MemorySegment h = dnn.create();
        // x (N=2, C=4, 7, 6), w (K=6, C/groups=2, 3, 3), groups 2, pad 1, stride 2 → y (2, 6, 4, 3)
        int n = 2, c = 4, hh = 7, ww = 6, kk = 6, g = 2, cg = c / g, kg = kk / g, r = 3, pad = 1, st = 2;
        int ho = (hh + 2 * pad - r) / st + 1, wo = (ww + 2 * pad - r) / st + 1;
        float[] x = randomFloats(n * c * hh * ww, 111), w = randomFloats(kk * cg * r * r, 112);
        double[] y = new double[n * kk * ho * wo];
        for (int b = 0; b < n; b++)
            for (int k = 0; k < kk; k++)
                for (int i = 0; i < ho; i++)
                    for (int j = 0; j < wo; j++) {
                        double s = 0;
                        for (int ci = 0; ci < cg; ci++)
                            for (int p = 0; p < r; p++)
                                for (int q = 0; q < r; q++) {
                                    int yi = i * st - pad + p, xj = j * st - pad + q, ch = (k / kg) * cg + ci;
                                    if (yi < 0 || yi >= hh || xj < 0 || xj >= ww) continue;
                                    s += x[((b * c + ch) * hh + yi) * ww + xj] * w[((k * cg + ci) * r + p) * r + q];
                                }
                        y[((b * kk + k) * ho + i) * wo + j] = s;
                    }
        MemorySegment xd = dnn.tensorNd(Cudnn.DATA_FLOAT, new int[] {n, c, hh, ww});
        MemorySegment wd = dnn.filterNd(Cudnn.DATA_FLOAT, new int[] {kk, cg, r, r});
        MemorySegment conv = dnn.convolutionNd(new int[] {pad, pad}, new int[] {st, st}, new int[] {1, 1}, g,
                Cudnn.DATA_FLOAT, Cudnn.FMA_MATH);
        assertArrayEquals(new int[] {n, kk, ho, wo}, dnn.convolutionForwardOutputDim(conv, xd, wd, 4));
        MemorySegment yd = dnn.tensorNd(Cudnn.DATA_FLOAT, new int[] {n, kk, ho, wo});
        int algo = dnn.convolutionForwardAlgorithm(h, xd, wd, conv, yd);
        long wsBytes = dnn.convolutionForwardWorkspace(h, xd, wd, conv, yd, algo);
        try (DeviceBuffer dx = upload(x); DeviceBuffer dw = upload(w); DeviceBuffer dy = DeviceBuffer.allocate(4L * y.length); DeviceBuffer ws = DeviceBuffer.allocate(Math.max(1, wsBytes))) {
            dnn.convolutionForward(h, Cudnn.DATA_FLOAT, 1, xd, dx.address(), wd, dw.address(), conv, algo, ws.address(),
                    wsBytes, 0, yd, dy.address());
            assertClose("cudnnConvolutionForward algo " + algo, y, dy.toFloatArray(y.length), 1e-4, 1e-4);

            // backward data is the adjoint of forward: <conv(x), gy> = <x, convT(gy)>
            float[] gy = randomFloats(y.length, 113);
            int bAlgo = dnn.convolutionBackwardDataAlgorithm(h, wd, yd, conv, xd);
            long bBytes = dnn.convolutionBackwardDataWorkspace(h, wd, yd, conv, xd, bAlgo);
            try (DeviceBuffer dgy = upload(gy); DeviceBuffer dgx = DeviceBuffer.allocate(4L * x.length); DeviceBuffer ws2 = DeviceBuffer.allocate(Math.max(1, bBytes))) {
                dnn.convolutionBackwardData(h, Cudnn.DATA_FLOAT, 1, wd, dw.address(), yd, dgy.address(), conv, bAlgo,
                        ws2.address(), bBytes, 0, xd, dgx.address());
                float[] gx = dgx.toFloatArray(x.length);
                double lhs = 0, rhs = 0;
                for (int i = 0; i < y.length; i++) lhs += y[i] * gy[i];
                for (int i = 0; i < x.length; i++) rhs += (double) x[i] * gx[i];
                assertClose("backward data adjoint", new double[] {lhs}, new double[] {rhs}, 1e-3, 1e-4);
            }

            // 2×2 max pooling, stride 2, of x → (2, 4, 3, 3)
            MemorySegment pool = dnn.poolingNd(Cudnn.POOLING_MAX, Cudnn.NOT_PROPAGATE_NAN, new int[] {2, 2},
                    new int[] {0, 0}, new int[] {2, 2});
            int ph = hh / 2, pw = ww / 2;
            double[] p = new double[n * c * ph * pw];
            for (int bc = 0; bc < n * c; bc++)
                for (int i = 0; i < ph; i++)
                    for (int j = 0; j < pw; j++) {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) m = Math.max(m, x[(bc * hh + 2 * i + a) * ww + 2 * j + b]);
                        p[(bc * ph + i) * pw + j] = m;
                    }
            MemorySegment pd = dnn.tensorNd(Cudnn.DATA_FLOAT, new int[] {n, c, ph, pw});
            try (DeviceBuffer dp = DeviceBuffer.allocate(4L * p.length)) {
                dnn.poolingForward(h, pool, Cudnn.DATA_FLOAT, 1, xd, dx.address(), 0, pd, dp.address());
                assertClose("cudnnPoolingForward max", p, dp.toFloatArray(p.length), 0, 0);
            }
            dnn.destroyPooling(pool);
            dnn.destroyTensor(pd);
        } finally {
            dnn.destroyConvolution(conv);
            dnn.destroyFilter(wd);
            dnn.destroyTensor(xd);
            dnn.destroyTensor(yd);
            dnn.destroy(h);
        }
    }
}
