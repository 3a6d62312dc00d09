package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * Tensors with a size-0 axis on the CUDA backend, without a GPU: a zero-length {@link CudaStorage} owns no device
 * memory, and fill / unary / unary backward / binary / axpy return before building a kernel layout (which has no
 * size-0 axes) or launching anything; so do the fused inference ops (motion attention, pooled temporal conv).
 * Any native call here would fail, since this machine has no CUDA driver loaded; with a GPU the same calls run in
 * {@code CudaConformanceTest}.
 */
class CudaEmptyTensorTest {
    private final CudaBackend cuda = new CudaBackend();

    @Test
    void kernelLayoutsRejectSizeZeroAxesSoTheBackendMustNotBuildThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StridedLayout.of(new long[] {0, 4}, new long[] {4, 1}));
        assertEquals(true, e.getMessage().contains("[0, 4]"), e.getMessage());
    }

    @Test
    void zeroLengthStoragesTouchNoDevice() {
        CudaStorage s = CudaStorage.allocate(DType.F32, 0);
        assertEquals(0, s.length());
        assertEquals(0L, s.address());
        assertEquals(0, cuda.download(s).length());
    }

    @Test
    void elementwisePrimitivesOnEmptyTensorsReturnEmptyResults() {
        Tensor hostX = Tensor.zeros(0, 4);                       // (0, 4) on the CPU
        Tensor x = cuda.onDevice(hostX);                         // (0, 4) on CUDA, no device memory
        assertEquals(Shape.of(0, 4), x.shape());

        cuda.fill(x, 3.0);
        Tensor y = cuda.unary(UnaryOp.RELU, x, 0);
        assertEquals(Shape.of(0, 4), y.shape());
        Tensor scaled = cuda.unary(UnaryOp.MUL_SCALAR, x.transpose(0, 1), 2.0);   // (4, 0), a strided view
        assertEquals(Shape.of(4, 0), scaled.shape());
        assertEquals(Shape.of(0, 4), cuda.unaryBackward(UnaryOp.TANH, x, y, y, 0).shape());
        assertEquals(Shape.of(0, 4), cuda.binary(BinaryOp.MUL, x, y).shape());
        cuda.axpy(2.0, x, y);
        assertEquals(0, cuda.download(y.storage()).length());
    }

    @Test
    void fusedInferenceOpsOnEmptyTensorsReturnEmptyResults() {
        Tensor y = cuda.onDevice(Tensor.zeros(0, 4, 3, 3));                      // (N·T, r, H, W) with no clips
        assertEquals(Shape.of(0, 4, 3, 3), cuda.motionAttention(y, 8, 1e-5).shape());
        Tensor x = cuda.onDevice(Tensor.zeros(0, 0, 3, 3)), w = cuda.onDevice(Tensor.zeros(0, 1, 3));
        Tensor[] r = cuda.pooledTemporalConv(x, w, 8);                            // {xs, spatial, channel}, all empty
        assertEquals(Shape.of(0, 0, 3, 3), r[0].shape());
        assertEquals(Shape.of(0, 0, 1, 1), r[1].shape());
        assertEquals(Shape.of(0, 1, 3, 3), r[2].shape());
    }
}
