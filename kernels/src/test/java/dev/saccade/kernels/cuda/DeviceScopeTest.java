package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Scopes owning what a step allocates, over a fake device (no GPU needed). */
class DeviceScopeTest {
    private long next = 0x100000;
    private final CudaAllocator allocator = new CudaAllocator(size -> { long p = next; next += size; return p; }, p -> { });

    @Test
    void closingReleasesWhatTheScopeAllocatedAndKeepsWhatWasKept() {
        DeviceBuffer before = allocator.allocate(1024);          // outside any scope: untouched
        DeviceBuffer kept, temp;
        try (DeviceScope step = DeviceScope.open()) {
            temp = allocator.allocate(4096);
            kept = allocator.allocate(2048);
            DeviceBuffer workspace = allocator.allocateUnscoped(8192);
            assertEquals(2, step.ownedCount());
            step.keep(kept);
            assertEquals(1, step.ownedCount());
            workspace.close();
        }
        assertThrows(IllegalStateException.class, temp::address, "released by the scope");
        IllegalStateException e = assertThrows(IllegalStateException.class, temp::address);
        assertTrue(e.getMessage().contains("DeviceScope"), e.getMessage());
        kept.address();
        before.address();
        assertEquals(1024 + 2048, allocator.liveBytes());
    }

    @Test
    void keptBuffersMoveToTheEnclosingScope() {
        DeviceBuffer inner;
        try (DeviceScope outer = DeviceScope.open()) {
            try (DeviceScope step = DeviceScope.open()) {
                inner = allocator.allocate(512);
                step.keep(inner);
            }
            inner.address();                                     // survived the inner scope
            assertEquals(1, outer.ownedCount());
        }
        assertThrows(IllegalStateException.class, inner::address, "released by the outer scope");
        assertEquals(0, allocator.liveBytes());
    }

    @Test
    void scopesCloseInnermostFirstAndOnlyOnTheirThread() throws Exception {
        DeviceScope outer = DeviceScope.open();
        DeviceScope inner = DeviceScope.open();
        assertThrows(IllegalStateException.class, outer::close);
        Thread other = new Thread(() -> assertThrows(IllegalStateException.class, () -> inner.keep(allocator.allocateUnscoped(512))));
        other.start();
        other.join();
        inner.close();
        outer.close();
        outer.close();                                           // idempotent
        assertEquals(null, DeviceScope.current());
    }
}
