package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.kernels.cpu.CpuBackend;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.MotionAttention;
import dev.saccade.tensor.ops.PooledTemporalConv;
import org.junit.jupiter.api.Test;

/**
 * M2A's motion attention and ACTION-Net's pooled shift on CUDA (motion_attention.cu, pooled_temporal_conv.cu)
 * against {@link CpuBackend} (its F32 kernels, or for F64 the composed references of {@link MotionAttention} and
 * {@link PooledTemporalConv}): T ∈ {1, 3, 8, 16}, several clips, channels that are not multiples of 32, odd planes
 * (7×7, 5×3, 1×1) and strided views. The GPU tests are skipped without CUDA; the argument checks run everywhere.
 *
 * <p>Tolerances, on |cpu − cuda| / (1 + |cpu|):
 * <ul>
 *   <li>xs: 1e-6, the same float arithmetic (x·w1, fma t−1, fma t+1) on both devices;</li>
 *   <li>spatial and channel means: 1e-5, float sums of at most 70 values of O(1) in a different order (CPU: vector
 *       lanes and channel blocks; CUDA: warp trees and 8-warp partials), each rounding ≤ 6e-8 of the running sum;</li>
 *   <li>motion attention F32: 1e-4. The frame statistics are float partial sums (CUDA) vs double (CPU), ŷ differs by
 *       ~1e-7; the scores m mᵀ reach ~2E, so a relative 1e-7 on them moves the logits scores/√E by ~2e-7·√E (≤ 1e-5
 *       here, E ≤ 1617), and the output Σ A m by that times |m| ≤ ~10;</li>
 *   <li>F64: 1e-10 against the composed reference (double sums in different orders).</li>
 * </ul>
 */
class CudaFusedInferenceTest {
    private static final Device GPU = Device.cuda(0);
    private final CpuBackend cpu = new CpuBackend();

    /** (N·T, C, H, W) shapes with their T: T ∈ {1, 3, 8, 16}, C not a multiple of 32, planes 7×7, 5×3, 1×1, 4×4. */
    private static final int[][] SHAPES = {
        {2 * 8, 33, 7, 7, 8}, {3 * 3, 5, 5, 3, 3}, {2 * 16, 13, 4, 4, 16}, {4, 70, 1, 1, 1}, {1 * 16, 3, 7, 7, 16},
        {3 * 8, 40, 5, 3, 8},
    };

    private static Tensor rand(DType dt, long seed, int... shape) { return GpuTesting.gaussian(dt, seed, shape); }

    private static Tensor gpu(Tensor t) { return t.to(GPU); }

    /** The same view (shape, strides, offset) over a device copy of the whole storage. */
    private static Tensor sameView(CudaBackend cuda, CpuBackend cpu, Tensor cpuView) {
        return GpuTesting.sameView(cuda, cpu, cpuView);
    }

    private static void close(String what, Tensor expected, Tensor actual, double tol) {
        GpuTesting.assertCloseOn(GPU, what, expected, actual, tol);
    }

    // ------------------------------------------------------------------ motion attention

    @Test
    void motionAttentionMatchesTheCpuF32AndTheComposedReferenceF64() {
        GpuTesting.requireGpu();
        CudaBackend cuda = new CudaBackend();
        for (int[] s : SHAPES) {
            int[] shape = {s[0], s[1], s[2], s[3]};
            int frames = s[4];
            Tensor y = rand(DType.F32, 70, shape);
            close("motion_attention f32 " + y.shape() + " T=" + frames, cpu.motionAttention(y, frames, 1e-5),
                    cuda.motionAttention(gpu(y), frames, 1e-5), 1e-4);
            Tensor yd = rand(DType.F64, 71, shape);
            close("motion_attention f64 " + yd.shape() + " T=" + frames, MotionAttention.composed(yd, frames, 1e-5),
                    cuda.motionAttention(gpu(yd), frames, 1e-5), 1e-10);
        }
    }

    @Test
    void motionAttentionOfAStridedViewAndOfShiftedFrames() {
        GpuTesting.requireGpu();
        CudaBackend cuda = new CudaBackend();
        Tensor view = rand(DType.F32, 72, 2 * 8, 9, 3, 5).transpose(2, 3);                 // (16, 9, 5, 3) strided
        close("motion_attention of a strided view", cpu.motionAttention(view, 8, 1e-5),
                cuda.motionAttention(sameView(cuda, cpu, view), 8, 1e-5), 1e-4);
        // frames far from zero mean: the variance must not cancel (Σ(y − μ)² in two passes)
        Tensor shifted = rand(DType.F32, 73, 3 * 3, 7, 7, 7).mul(0.01).add(100);
        close("motion_attention of frames with mean 100, std 0.01", cpu.motionAttention(shifted, 3, 1e-5),
                cuda.motionAttention(gpu(shifted), 3, 1e-5), 1e-4);
    }

    @Test
    void motionAttentionArgumentsAreChecked() {
        try (DeviceBuffer small = new DeviceBuffer(0x1000, 64, p -> {})) {   // checks run before any CUDA call
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MotionAttentionKernels.forward(KernelDType.F32, small, small, small, small, small, 2, 8, 49, 1e-5));
            assertTrue(e.getMessage().contains("(2, 8, 49)"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> MotionAttentionKernels.forward(KernelDType.F32, small, small, small, small, small, 1, 17, 1, 1e-5));
        }
        assertEquals(4, MotionAttentionKernels.tile(1));
        assertEquals(4, MotionAttentionKernels.tile(3));
        assertEquals(8, MotionAttentionKernels.tile(8));
        assertEquals(16, MotionAttentionKernels.tile(16));
    }

    // ------------------------------------------------------------------ pooled temporal conv

    @Test
    void pooledTemporalConvMatchesTheCpuF32AndTheComposedReferenceF64() {
        GpuTesting.requireGpu();
        CudaBackend cuda = new CudaBackend();
        for (int[] s : SHAPES) {
            int[] shape = {s[0], s[1], s[2], s[3]};
            int frames = s[4];
            for (DType dt : new DType[] {DType.F32, DType.F64}) {
                Tensor x = rand(dt, 80, shape), w = rand(dt, 81, s[1], 1, 3);
                Tensor[] ref = dt == DType.F32 ? cpu.pooledTemporalConv(x, w, frames) : PooledTemporalConv.composed(x, w, frames);
                Tensor[] got = cuda.pooledTemporalConv(gpu(x), gpu(w), frames);
                String what = "pooled_temporal_conv " + dt + " " + x.shape() + " T=" + frames;
                close(what + " xs", ref[0], got[0], dt == DType.F32 ? 1e-6 : 1e-12);
                close(what + " spatial", ref[1], got[1], dt == DType.F32 ? 1e-5 : 1e-12);
                close(what + " channel", ref[2], got[2], dt == DType.F32 ? 1e-5 : 1e-12);
            }
        }
    }

    @Test
    void pooledTemporalConvOfAStridedView() {
        GpuTesting.requireGpu();
        CudaBackend cuda = new CudaBackend();
        Tensor view = rand(DType.F32, 82, 3 * 3, 37, 7, 5).transpose(2, 3);                 // (9, 37, 5, 7) strided
        Tensor w = rand(DType.F32, 83, 37, 1, 3);
        Tensor[] ref = cpu.pooledTemporalConv(view, w, 3), got = cuda.pooledTemporalConv(sameView(cuda, cpu, view), gpu(w), 3);
        close("pooled_temporal_conv of a strided view: xs", ref[0], got[0], 1e-6);
        close("pooled_temporal_conv of a strided view: spatial", ref[1], got[1], 1e-5);
        close("pooled_temporal_conv of a strided view: channel", ref[2], got[2], 1e-5);
    }

    @Test
    void pooledTemporalConvArgumentsAreChecked() {
        try (DeviceBuffer small = new DeviceBuffer(0x1000, 64, p -> {})) {   // checks run before any CUDA call
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PooledTemporalConvKernels.forward(KernelDType.F32, small, small, small, small, small, small, 2, 8, 16, 49));
            assertTrue(e.getMessage().contains("(2, 8, 16, 49)"), e.getMessage());
        }
        assertEquals(2L * 8 * 2 * 16, PooledTemporalConvKernels.partElements(2, 8, 16, 49));   // ⌈49/32⌉ = 2 tiles
    }
}
