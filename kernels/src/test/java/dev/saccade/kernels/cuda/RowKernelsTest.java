package dev.saccade.kernels.cuda;

import static dev.saccade.kernels.cuda.GpuTesting.assertClose;
import static dev.saccade.kernels.cuda.GpuTesting.randomFloats;
import static dev.saccade.kernels.cuda.GpuTesting.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reductions, softmax and layer norm over the last axis against double-precision Java. Skipped without a GPU. */
class RowKernelsTest {

    @ParameterizedTest(name = "rows={0} cols={1}")
    @CsvSource({"1, 1", "37, 49", "5, 1000", "3, 100000"})
    void sumAndMax(int rows, int cols) {
        GpuTesting.requireGpu();
        int n = rows * cols;
        float[] x = randomFloats(n, 51);
        if (rows > 1 && cols > 3) x[cols + 2] = x[cols + 3] = 50f;   // a tie in row 1 (when present): argmax is the first
        double[] sum = new double[rows], max = new double[rows];
        long[] arg = new long[rows];
        double scale = 1.0 / cols;
        for (int r = 0; r < rows; r++) {
            double s = 0, m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                s += x[r * cols + c];
                if (x[r * cols + c] > m) { m = x[r * cols + c]; arg[r] = c; }
            }
            sum[r] = s * scale;
            max[r] = m;
        }
        try (DeviceBuffer dx = upload(x); DeviceBuffer dy = DeviceBuffer.allocate(4L * rows); DeviceBuffer da = DeviceBuffer.allocate(8L * rows)) {
            RowKernels.sum(KernelDType.F32, dx, dy, rows, cols, scale);
            assertClose("sum_f32 (mean)", sum, dy.toFloatArray(rows), 1e-5, 1e-4);
            RowKernels.max(KernelDType.F32, dx, dy, da, rows, cols);
            assertClose("max_f32", max, dy.toFloatArray(rows), 0, 0);
            assertArrayEquals(arg, da.toLongArray(rows), "argmax");
        }
    }

    @ParameterizedTest(name = "rows={0} cols={1} log={2}")
    @CsvSource({"4, 10, false", "4, 10, true", "7, 4000, false", "7, 4000, true", "2, 1, true"})
    void softmaxForwardAndBackward(int rows, int cols, boolean log) {
        GpuTesting.requireGpu();
        int n = rows * cols;
        float[] x = randomFloats(n, 61), gy = randomFloats(n, 62);
        for (int i = 0; i < n; i++) x[i] *= 5;
        double[] y = new double[n], gx = new double[n];
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY, s = 0, dot = 0;
            for (int c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c]);
            for (int c = 0; c < cols; c++) s += Math.exp(x[r * cols + c] - m);
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                y[i] = log ? x[i] - m - Math.log(s) : Math.exp(x[i] - m) / s;
                dot += log ? gy[i] : gy[i] * y[i];
            }
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                gx[i] = log ? gy[i] - Math.exp(y[i]) * dot : y[i] * (gy[i] - dot);
            }
        }
        try (DeviceBuffer dx = upload(x); DeviceBuffer dy = DeviceBuffer.allocate(4L * n); DeviceBuffer dg = upload(gy); DeviceBuffer dgx = DeviceBuffer.allocate(4L * n)) {
            RowKernels.softmax(KernelDType.F32, dx, dy, rows, cols, log);
            assertClose(log ? "log_softmax_f32" : "softmax_f32", y, dy.toFloatArray(n), 1e-6, 1e-4);
            RowKernels.softmaxBackward(KernelDType.F32, dy, dg, dgx, rows, cols, log);
            assertClose(log ? "log_softmax_backward_f32" : "softmax_backward_f32", gx, dgx.toFloatArray(n), 1e-5, 1e-3);
        }
    }
}
