package dev.saccade.kernels.cpu;

import dev.saccade.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class ActivationPoolTest {
    @Test
    void aReturnedBufferIsHandedOutOnceForTheSameLength() {
        float[] a = new float[1237];
        ActivationPool.give(a);
        ActivationPool.give(a);                                   // twice: kept once
        assertNotSame(a, ActivationPool.take(1238), "other lengths get their own buffers");
        assertSame(a, ActivationPool.take(1237));
        assertNotSame(a, ActivationPool.take(1237), "a buffer is handed out once");
    }

    @Test
    void atMostAFewBuffersPerLengthAreKept() {
        long before = ActivationPool.freeBytes();
        for (int i = 0; i < ActivationPool.PER_LENGTH + 3; i++) ActivationPool.give(new float[3001]);
        assertEquals(before + 4L * 3001 * ActivationPool.PER_LENGTH, ActivationPool.freeBytes());
        for (int i = 0; i < ActivationPool.PER_LENGTH; i++) ActivationPool.take(3001);
        assertEquals(before, ActivationPool.freeBytes());
    }

    @Test
    void onlyWholeContiguousFloatTensorsAreRecycled() {
        CpuBackend cpu = new CpuBackend();
        long before = ActivationPool.freeBytes();
        Tensor t = Tensor.zeros(5, 7, 3);
        cpu.recycle(t.narrow(0, 1, 2));                             // a view of part of the storage: kept out
        assertEquals(before, ActivationPool.freeBytes());
        cpu.recycle(t);
        assertEquals(before + 4L * 105, ActivationPool.freeBytes());
    }
}
