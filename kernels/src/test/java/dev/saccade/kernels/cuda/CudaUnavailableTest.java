package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Backends;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** On a machine without a usable GPU: the CUDA backend is registered, unavailable with a reason, and never chosen. */
class CudaUnavailableTest {
    @Test
    void cudaBackendIsRegisteredWithPriorityAboveTheCpu() {
        Backend cuda = Backends.all().stream().filter(b -> b.name().equals("cuda")).findFirst().orElseThrow();
        Backend cpu = Backends.all().stream().filter(b -> b.name().equals("cpu")).findFirst().orElseThrow();
        assertTrue(cuda.priority() > cpu.priority());
        assertEquals(Device.cuda(0), cuda.device());
        assertEquals(cuda.isAvailable(), Cuda.available());
    }

    @Test
    void withoutCudaTheDefaultDeviceStaysCpuAndAskingForCudaSaysWhy() {
        assumeFalse(Cuda.available(), "a GPU is present; this test covers machines without one");
        Backend cuda = new CudaBackend();
        assertFalse(cuda.isAvailable());
        assertFalse(cuda.unavailableReason().isBlank());
        String saved = System.getProperty("saccade.device");
        try {
            System.clearProperty("saccade.device");
            assertEquals(Device.CPU, Backends.defaultDevice());
            System.setProperty("saccade.device", "cuda");
            assertEquals(Device.cuda(0), Backends.defaultDevice());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(DType.F32, 2, 3));
            assertTrue(e.getMessage().contains("cuda:0 is unavailable"), e.getMessage());
            assertTrue(e.getMessage().contains(Cuda.unavailableReason()), e.getMessage());
        } finally {
            if (saved == null) System.clearProperty("saccade.device");
            else System.setProperty("saccade.device", saved);
        }
    }
}
