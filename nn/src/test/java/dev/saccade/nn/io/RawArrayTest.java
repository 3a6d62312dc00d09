package dev.saccade.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class RawArrayTest {
    @Test
    void factoriesKeepValuesAndShape() {
        RawArray f = RawArray.ofFloats(new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, 2, 3);
        assertEquals(ArrayDType.F32, f.dtype());
        assertArrayEquals(new int[] {2, 3}, f.shape());
        assertEquals(24, f.byteSize());
        assertArrayEquals(new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, f.toFloats());
        assertArrayEquals(new long[] {1, -2, 3, 4, 5, 6}, f.toLongs());

        RawArray d = RawArray.ofDoubles(new double[] {0.1, 1e300}, 2);
        assertArrayEquals(new double[] {0.1, 1e300}, d.toDoubles());
        RawArray l = RawArray.ofLongs(new long[] {Long.MIN_VALUE, 1L << 40}, 2);
        assertArrayEquals(new long[] {Long.MIN_VALUE, 1L << 40}, l.toLongs());
        RawArray i = RawArray.ofInts(new int[] {-7}, new int[0]); // scalar
        assertEquals(0, i.rank());
        assertEquals(1, i.numel());
        assertArrayEquals(new double[] {-7}, i.toDoubles());
    }

    @Test
    void bytesAreLittleEndian() {
        ByteBuffer b = RawArray.ofInts(new int[] {0x01020304}, 1).data();
        assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
        assertEquals(0x04, b.get(0));
        assertEquals(0x01, b.get(3));
    }

    @Test
    void halfAndBfloat16WidenExactly() {
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF; BF16: 1.0 = 0x3F80, -0.75 = 0xBF40
        RawArray h = RawArray.of(ArrayDType.F16, new int[] {3}, le((short) 0x3C00, (short) 0xC000, (short) 0x7BFF));
        assertArrayEquals(new float[] {1f, -2f, 65504f}, h.toFloats());
        RawArray bf = RawArray.of(ArrayDType.BF16, new int[] {2}, le((short) 0x3F80, (short) 0xBF40));
        assertArrayEquals(new double[] {1.0, -0.75}, bf.toDoubles());
        RawArray u8 = RawArray.of(ArrayDType.U8, new int[] {2}, new byte[] {(byte) 200, 1});
        assertArrayEquals(new long[] {200, 1}, u8.toLongs());
    }

    @Test
    void shapeAndDataMustAgree() {
        var e = assertThrows(IllegalArgumentException.class, () -> RawArray.ofFloats(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RawArray.ofFloats(new float[0], -1));
        assertThrows(IllegalArgumentException.class, () -> RawArray.of(ArrayDType.F64, new int[] {2}, new byte[15]));
    }

    @Test
    void isImmutableAndComparesByContent() {
        float[] src = {1, 2};
        RawArray a = RawArray.ofFloats(src, 2);
        src[0] = 99;
        int[] shape = a.shape();
        shape[0] = 7;
        assertArrayEquals(new float[] {1, 2}, a.toFloats());
        assertArrayEquals(new int[] {2}, a.shape());
        assertTrue(a.data().isReadOnly());
        assertEquals(a, RawArray.ofFloats(new float[] {1, 2}, 2));
        assertNotEquals(a, RawArray.ofFloats(new float[] {1, 2}, 1, 2));
        assertNotEquals(a, RawArray.ofFloats(new float[] {1, 3}, 2));
    }

    private static byte[] le(short... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            b.putShort(v);
        }
        return b.array();
    }
}
