package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CudaAvailabilityTest {

    @Test
    void availabilityIsReportedWithoutThrowing() {
        boolean available = Cuda.available();          // must not throw, with or without a GPU
        assertEquals(available, Cuda.available(), "availability is cached");
        if (available) {
            System.out.println("CUDA device: " + Cuda.describe());
            assertFalse(Cuda.deviceName().isBlank(), "device name");
            assertTrue(Cuda.driverVersion() >= 12000, "driver CUDA version " + Cuda.driverVersion());
            assertTrue(Cuda.computeCapability() >= 50, "compute capability " + Cuda.computeCapability());
            assertTrue(Cuda.totalMemory() > 0, "device memory");
            assertEquals("", Cuda.unavailableReason());
        } else {
            System.out.println("CUDA unavailable: " + Cuda.unavailableReason());
            assertFalse(Cuda.unavailableReason().isBlank(), "a reason is given");
            IllegalStateException e = assertThrows(IllegalStateException.class, Cuda::driver);
            assertTrue(e.getMessage().contains(Cuda.unavailableReason()), e.getMessage());
            assertThrows(IllegalStateException.class, Cuda::deviceName);
            assertTrue(Cuda.describe().startsWith("CUDA unavailable"), Cuda.describe());
        }
    }

    @Test
    void driversOlderThanTheToolkitAreRefusedWithBothVersions() {
        int required = CudaModules.requiredDriverVersion();
        assertTrue(required >= 12000 && required % 10 == 0, "toolkit.version " + required);
        assertEquals(null, Cuda.driverTooOld(required, required));
        assertEquals(null, Cuda.driverTooOld(required + 10, required));
        String reason = Cuda.driverTooOld(12080, 13000);
        assertTrue(reason.contains("CUDA 12.8") && reason.contains("CUDA 13.0"), reason);
        assertEquals("13.1", Cuda.versionString(13010));
    }

    @Test
    void missingLibraryNamesTheLibrary() {
        CudaException e = assertThrows(CudaException.class, () -> NativeLibraries.load("libsaccade-missing.so.7"));
        assertTrue(e.getMessage().contains("libsaccade-missing.so.7"), e.getMessage());
    }

    @Test
    void libPathPropertyIsSearchedFirst(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("libsaccade-fake.so.1");
        Files.writeString(fake, "not an ELF file");
        String old = System.getProperty(NativeLibraries.LIB_PATH_PROPERTY);
        System.setProperty(NativeLibraries.LIB_PATH_PROPERTY, dir.toString());
        try {
            assertEquals(dir, NativeLibraries.searchFolders().getFirst());
            CudaException e = assertThrows(CudaException.class, () -> NativeLibraries.load("libsaccade-fake.so.1"));
            assertTrue(e.getMessage().contains(fake.toString()), "the file found in the folder was tried: " + e.getMessage());
        } finally {
            if (old == null) System.clearProperty(NativeLibraries.LIB_PATH_PROPERTY);
            else System.setProperty(NativeLibraries.LIB_PATH_PROPERTY, old);
        }
    }

    @Test
    void cudaExceptionNamesCallAndError() {
        CudaException e = new CudaException("cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY");
        assertEquals("cuMemAlloc_v2", e.call());
        assertEquals(2, e.status());
        assertTrue(e.getMessage().contains("cuMemAlloc_v2") && e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), e.getMessage());
    }
}
