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

    /** At the bound, the lengths least recently taken or given make room; never the length being given. */
    @Test
    void theLeastRecentlyUsedLengthsMakeRoomAtTheBound() {
        ActivationPool pool = new ActivationPool(1000);                        // 250 floats
        float[] a = new float[100], b = new float[100], c = new float[50], d = new float[60];
        pool.giveBuffer(a);
        pool.giveBuffer(b);
        pool.giveBuffer(c);
        assertEquals(1000, pool.heldBytes());
        assertSame(c, pool.takeBuffer(50));                                    // length 50 used last
        pool.giveBuffer(c);
        pool.giveBuffer(d);                                                    // 240 bytes more: the oldest of length 100 goes
        assertEquals(1000 - 400 + 240, pool.heldBytes());
        assertSame(b, pool.takeBuffer(100));
        float[] fresh = pool.takeBuffer(100);
        assertNotSame(a, fresh, "the evicted buffer is not handed out");
        assertNotSame(b, fresh);
        assertSame(d, pool.takeBuffer(60));
        assertSame(c, pool.takeBuffer(50));
        assertEquals(0, pool.heldBytes());
        pool.giveBuffer(new float[300]);                                       // larger than the bound: not kept
        assertEquals(0, pool.heldBytes());

        ActivationPool two = new ActivationPool(800);
        two.giveBuffer(new float[100]);
        two.giveBuffer(new float[100]);
        two.giveBuffer(new float[100]);                                        // its own length fills the bound: dropped
        assertEquals(800, two.heldBytes());
    }
}
