package dev.saccade.kernels.cuda;

import static dev.saccade.kernels.cuda.GpuTesting.assertClose;
import static dev.saccade.kernels.cuda.GpuTesting.randomDoubles;
import static dev.saccade.kernels.cuda.GpuTesting.randomFloats;
import static dev.saccade.kernels.cuda.GpuTesting.toDouble;
import static dev.saccade.kernels.cuda.GpuTesting.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The temporal kernels against {@link TemporalReference}; skipped without a GPU. */
class TemporalKernelsTest {

    @ParameterizedTest(name = "N={0} T={1} C={2} HW={3} fold={4}")
    @CsvSource({"2, 8, 16, 16, 2", "1, 3, 8, 49, 1", "3, 5, 13, 7, 3", "1, 1, 4, 4, 1", "2, 4, 6, 12, 0"})
    void shiftMatchesReferenceF32(int n, int t, int c, int hw, int fold) {
        GpuTesting.requireGpu();
        int numel = n * t * c * hw;
        float[] x = randomFloats(numel, 1), g = randomFloats(numel, 2);
        try (DeviceBuffer dx = upload(x); DeviceBuffer dy = DeviceBuffer.allocate(4L * numel); DeviceBuffer dg = upload(g); DeviceBuffer dgx = DeviceBuffer.allocate(4L * numel)) {
            TemporalKernels.shift(KernelDType.F32, dx, dy, n, t, c, hw, fold);
            TemporalKernels.shiftBackward(KernelDType.F32, dg, dgx, n, t, c, hw, fold);
            assertClose("temporal_shift_f32", TemporalReference.shift(toDouble(x), n, t, c, hw, fold, false),
                    dy.toFloatArray(numel), 0, 0);
            assertClose("temporal_shift_backward_f32", TemporalReference.shift(toDouble(g), n, t, c, hw, fold, true),
                    dgx.toFloatArray(numel), 0, 0);
        }
    }

    @Test
    void shiftBackwardIsTheAdjointF64() {
        GpuTesting.requireGpu();
        int n = 2, t = 8, c = 16, hw = 10, fold = 2, numel = n * t * c * hw;
        double[] x = randomDoubles(numel, 3), g = randomDoubles(numel, 4);
        try (DeviceBuffer dx = upload(x); DeviceBuffer dy = DeviceBuffer.allocate(8L * numel); DeviceBuffer dg = upload(g); DeviceBuffer dgx = DeviceBuffer.allocate(8L * numel)) {
            TemporalKernels.shift(KernelDType.F64, dx, dy, n, t, c, hw, fold);
            TemporalKernels.shiftBackward(KernelDType.F64, dg, dgx, n, t, c, hw, fold);
            double[] y = dy.toDoubleArray(numel), gx = dgx.toDoubleArray(numel);
            assertClose("temporal_shift_f64", TemporalReference.shift(x, n, t, c, hw, fold, false), y, 0, 0);
            double lhs = 0, rhs = 0;  // <shift(x), g> = <x, shift_backward(g)>
            for (int i = 0; i < numel; i++) { lhs += y[i] * g[i]; rhs += x[i] * gx[i]; }
            assertEquals(lhs, rhs, 1e-9 * Math.max(1, Math.abs(lhs)));
        }
    }

    @Test
    void shiftTakesTheScalarPathOnUnalignedPointers() {
        GpuTesting.requireGpu();
        int n = 1, t = 4, c = 8, hw = 16, fold = 1, numel = n * t * c * hw;
        float[] x = randomFloats(numel, 5);
        try (DeviceBuffer dx = DeviceBuffer.allocate(4L * numel + 4); DeviceBuffer dy = DeviceBuffer.allocate(4L * numel + 4)) {
            float[] padded = new float[numel + 1];
            System.arraycopy(x, 0, padded, 1, numel);
            dx.copyFrom(padded);
            CudaModules.launch("temporal_shift_f32", LaunchConfig.elementwise(numel), dx.address(4), dy.address(4),
                    (long) n, (long) t, (long) c, (long) hw, (long) fold);
            float[] out = dy.toFloatArray(numel + 1);
            float[] y = new float[numel];
            System.arraycopy(out, 1, y, 0, numel);
            assertClose("temporal_shift_f32 unaligned", TemporalReference.shift(toDouble(x), n, t, c, hw, fold, false), y, 0, 0);
        }
    }

    @ParameterizedTest(name = "N={0} T={1} F={2}")
    @CsvSource({"2, 8, 64", "1, 3, 7", "3, 1, 8", "2, 5, 6"})
    void frameDifferencesMatchReference(int n, int t, int f) {
        GpuTesting.requireGpu();
        int numel = n * t * f;
        float[] x = randomFloats(numel, 6), b = randomFloats(numel, 7), g = randomFloats(numel, 8);
        try (DeviceBuffer dx = upload(x); DeviceBuffer db = upload(b); DeviceBuffer dg = upload(g); DeviceBuffer dy = DeviceBuffer.allocate(4L * numel); DeviceBuffer dgx = DeviceBuffer.allocate(4L * numel); DeviceBuffer dga = DeviceBuffer.allocate(4L * numel); DeviceBuffer dgb = DeviceBuffer.allocate(4L * numel)) {
            TemporalKernels.frameDiffM2a(KernelDType.F32, dx, dy, n, t, f);
            assertClose("frame_diff_m2a_f32", TemporalReference.m2a(toDouble(x), n, t, f), dy.toFloatArray(numel), 0, 0);
            TemporalKernels.frameDiffM2aBackward(KernelDType.F32, dg, dgx, n, t, f);
            assertClose("frame_diff_m2a_backward_f32", TemporalReference.m2aBackward(toDouble(g), n, t, f),
                    dgx.toFloatArray(numel), 0, 0);

            TemporalKernels.frameDiffMe(KernelDType.F32, dx, db, dy, n, t, f);
            assertClose("frame_diff_me_f32", TemporalReference.me(toDouble(x), toDouble(b), n, t, f),
                    dy.toFloatArray(numel), 0, 0);
            TemporalKernels.frameDiffMeBackward(KernelDType.F32, dg, dga, dgb, n, t, f);
            double[] ga = new double[numel], gb = new double[numel];
            for (int s = 0; s < n; s++)
                for (int k = 0; k < t; k++)
                    for (int p = 0; p < f; p++) {
                        int i = (s * t + k) * f + p;
                        if (k > 0) ga[i] = g[i - f];
                        if (k < t - 1) gb[i] = -g[i];
                    }
            assertClose("frame_diff_me_backward_f32 ga", ga, dga.toFloatArray(numel), 0, 0);
            assertClose("frame_diff_me_backward_f32 gb", gb, dgb.toFloatArray(numel), 0, 0);
        }
    }

    @Test
    void badArgumentsNameTheProblem() {
        try (DeviceBuffer small = new DeviceBuffer(0x1000, 64, p -> {})) {  // checks run before any CUDA call
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TemporalKernels.shift(KernelDType.F32, small, small, 2, 8, 16, 16, 2));
            assertEquals(true, e.getMessage().contains("(2, 8, 16, 16)"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> TemporalKernels.shift(KernelDType.F32, small, small, 1, 1, 4, 1, 3));
        }
    }
}
