package dev.saccade.kernels.cuda;

import static dev.saccade.kernels.cuda.GpuTesting.assertClose;
import static dev.saccade.kernels.cuda.GpuTesting.randomFloats;
import static dev.saccade.kernels.cuda.GpuTesting.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** index_select / gather and their backward (index_add, scatter_add); the kernels skip without a GPU. */
class IndexKernelsTest {

    @Test
    void indexOrderIsACountingSortWithTiesInPositionOrder() {
        IndexOrder o = IndexOrder.of(new long[] {4, 0, 4, 2, 0, 4}, 6);
        assertArrayEquals(new long[] {1, 4, 3, 0, 2, 5}, o.order());
        assertArrayEquals(new long[] {0, 2, 2, 3, 3, 6, 6}, o.offsets());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IndexOrder.of(new long[] {1, 6}, 6));
        assertEquals(true, e.getMessage().contains("index 6 at position 1"), e.getMessage());
        assertArrayEquals(new long[] {0, 0, 0}, IndexOrder.of(new long[0], 2).offsets());
    }

    @Test
    void indexSelectWithRepeatsAndItsBackward() {
        GpuTesting.requireGpu();
        int outer = 3, dim = 7, inner = 5;
        long[] idx = {6, 0, 3, 3, 6, 1};
        int k = idx.length;
        float[] x = randomFloats(outer * dim * inner, 81), gy = randomFloats(outer * k * inner, 82);
        double[] y = new double[outer * k * inner], gx = new double[outer * dim * inner];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
                for (int i = 0; i < inner; i++) {
                    y[(o * k + j) * inner + i] = x[(int) ((o * dim + idx[j]) * inner + i)];
                    gx[(int) ((o * dim + idx[j]) * inner + i)] += gy[(o * k + j) * inner + i];
                }
        try (DeviceBuffer dx = upload(x); DeviceBuffer di = upload(idx); DeviceBuffer dy = DeviceBuffer.allocate(4L * y.length); DeviceBuffer dg = upload(gy); DeviceBuffer dgx = DeviceBuffer.allocate(4L * gx.length); DeviceBuffer err = DeviceBuffer.allocate(4)) {
            err.zero();
            IndexKernels.indexSelect(KernelDType.F32, dx, di, dy, outer, dim, inner, k, err);
            assertClose("index_select_f32", y, dy.toFloatArray(y.length), 0, 0);
            assertEquals(0f, err.toFloatArray(1)[0], "no index error flagged");
            IndexOrder sorted = IndexOrder.of(idx, dim);
            try (DeviceBuffer order = upload(sorted.order()); DeviceBuffer offsets = upload(sorted.offsets())) {
                IndexKernels.indexAdd(KernelDType.F32, dg, order, offsets, dgx, outer, dim, inner, k);
                float[] first = dgx.toFloatArray(gx.length);
                assertClose("index_add_f32", gx, first, 1e-6, 1e-5);
                IndexKernels.indexAdd(KernelDType.F32, dg, order, offsets, dgx, outer, dim, inner, k);
                assertArrayEquals(first, dgx.toFloatArray(gx.length), "index_add is deterministic");
            }
        }
    }

    @Test
    void gatherAndOutOfRangeIndices() {
        GpuTesting.requireGpu();
        int outer = 2, dim = 4, inner = 3, k = 2, n = outer * k * inner;
        long[] idx = new long[n];
        for (int e = 0; e < n; e++) idx[e] = (e * 7) % dim;
        float[] x = randomFloats(outer * dim * inner, 91);
        double[] y = new double[n];
        for (int e = 0; e < n; e++) {
            int i = e % inner, o = e / (inner * k);
            y[e] = x[(int) ((o * dim + idx[e]) * inner + i)];
        }
        try (DeviceBuffer dx = upload(x); DeviceBuffer di = upload(idx); DeviceBuffer dy = DeviceBuffer.allocate(4L * n); DeviceBuffer err = DeviceBuffer.allocate(4)) {
            err.zero();
            IndexKernels.gather(KernelDType.F32, dx, di, dy, outer, dim, inner, k, err);
            assertClose("gather_f32", y, dy.toFloatArray(n), 0, 0);
            idx[3] = dim;   // out of range
            di.copyFrom(idx);
            IndexKernels.gather(KernelDType.F32, dx, di, dy, outer, dim, inner, k, err);
            assertEquals(1, Float.floatToRawIntBits(err.toFloatArray(1)[0]), "out-of-range index flagged");
            assertEquals(0f, dy.toFloatArray(n)[3]);
        }
    }
}
