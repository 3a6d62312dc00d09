package dev.saccade.nn.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense, C-ordered (row-major, last index fastest) array of one {@link ArrayDType}: the value type exchanged with
 * array and checkpoint files, independent of {@code Tensor}. It has no name; files map names to arrays.
 *
 * <p>The bytes are little-endian, exactly as they sit in a safetensors / {@code .npy} / PyTorch storage file.
 * Instances are immutable: {@link #data()} hands out a read-only view.
 *
 * <pre>{@code
 * RawArray w = RawArray.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);   // (2, 3) F32
 * float[] back = w.toFloats();                                          // {1, 2, 3, 4, 5, 6}
 * RawArray h = RawArray.of(ArrayDType.F16, new int[] {2}, bytes);       // bytes: 4 little-endian bytes
 * }</pre>
 */
public final class RawArray {
    private final ArrayDType dtype;
    private final int[] shape;
    private final ByteBuffer data; // numel · dtype.byteSize() bytes, little-endian, position 0

    private RawArray(ArrayDType dtype, int[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * An array over a copy of {@code bytes} (little-endian, C order).
     *
     * @throws IllegalArgumentException when a dimension is negative or the byte count is not numel × element size
     */
    public static RawArray of(ArrayDType dtype, int[] shape, byte[] bytes) {
        return of(dtype, shape, ByteBuffer.wrap(bytes));
    }

    /** An array over a copy of the remaining bytes of {@code bytes} (little-endian, C order). */
    public static RawArray of(ArrayDType dtype, int[] shape, ByteBuffer bytes) {
        int[] s = checkedShape(shape);
        long expected = numel(s) * dtype.byteSize();
        if (bytes.remaining() != expected) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " of " + dtype + " needs " + expected
                    + " bytes but " + bytes.remaining() + " were given");
        }
        ByteBuffer copy = ByteBuffer.allocate((int) expected).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(bytes.duplicate()).flip();
        return new RawArray(dtype, s, copy);
    }

    /**
     * An array that takes ownership of {@code owned} (no copy): heap, little-endian, position 0, exactly numel ×
     * element size bytes. For readers that have just filled a fresh buffer.
     */
    static RawArray wrapOwned(ArrayDType dtype, int[] shape, ByteBuffer owned) {
        int[] s = checkedShape(shape);
        if (owned.position() != 0 || owned.limit() != owned.capacity()
                || owned.capacity() != numel(s) * dtype.byteSize()) {
            throw new IllegalArgumentException("buffer of " + owned.capacity() + " bytes does not hold shape "
                    + Arrays.toString(s) + " of " + dtype);
        }
        return new RawArray(dtype, s, owned.order(ByteOrder.LITTLE_ENDIAN));
    }

    /** An F32 array of {@code data} with the given shape. */
    public static RawArray ofFloats(float[] data, int... shape) {
        ByteBuffer b = allocate(ArrayDType.F32, shape, data.length);
        b.asFloatBuffer().put(data);
        return new RawArray(ArrayDType.F32, shape.clone(), b);
    }

    /** An F64 array of {@code data} with the given shape. */
    public static RawArray ofDoubles(double[] data, int... shape) {
        ByteBuffer b = allocate(ArrayDType.F64, shape, data.length);
        b.asDoubleBuffer().put(data);
        return new RawArray(ArrayDType.F64, shape.clone(), b);
    }

    /** An I64 array of {@code data} with the given shape. */
    public static RawArray ofLongs(long[] data, int... shape) {
        ByteBuffer b = allocate(ArrayDType.I64, shape, data.length);
        b.asLongBuffer().put(data);
        return new RawArray(ArrayDType.I64, shape.clone(), b);
    }

    /** An I32 array of {@code data} with the given shape. */
    public static RawArray ofInts(int[] data, int... shape) {
        ByteBuffer b = allocate(ArrayDType.I32, shape, data.length);
        b.asIntBuffer().put(data);
        return new RawArray(ArrayDType.I32, shape.clone(), b);
    }

    public ArrayDType dtype() {
        return dtype;
    }

    /** A copy of the shape; {@code []} for a scalar (one element). */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements: the product of the shape, 1 for a scalar. */
    public long numel() {
        return numel(shape);
    }

    /** Size of the data in bytes. */
    public long byteSize() {
        return data.capacity();
    }

    /** A read-only little-endian view of the bytes, position 0, limit {@link #byteSize()}. */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The elements converted to float (F16/BF16 widened, F64 and 64-bit ints rounded, BOOL as 0/1). */
    public float[] toFloats() {
        int n = (int) numel();
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> data().asFloatBuffer().get(out);
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) doubleAt(i);
                }
            }
        }
        return out;
    }

    /** The elements converted to double (exact for every dtype except I64 beyond 2^53). */
    public double[] toDoubles() {
        int n = (int) numel();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = doubleAt(i);
        }
        return out;
    }

    /** The elements converted to long (floating-point values truncated toward zero, BOOL as 0/1). */
    public long[] toLongs() {
        int n = (int) numel();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case I8 -> data.get(i);
                case U8, BOOL -> data.get(i) & 0xFF;
                case I16 -> data.getShort(2 * i);
                case I32 -> data.getInt(4 * i);
                case I64 -> data.getLong(8 * i);
                default -> (long) doubleAt(i);
            };
        }
        return out;
    }

    /** Element {@code i} (flat C-order index) as a double. */
    public double doubleAt(int i) {
        return switch (dtype) {
            case F16 -> Float.float16ToFloat(data.getShort(2 * i));
            case BF16 -> Float.intBitsToFloat((data.getShort(2 * i) & 0xFFFF) << 16);
            case F32 -> data.getFloat(4 * i);
            case F64 -> data.getDouble(8 * i);
            case I8 -> data.get(i);
            case U8, BOOL -> data.get(i) & 0xFF;
            case I16 -> data.getShort(2 * i);
            case I32 -> data.getInt(4 * i);
            case I64 -> data.getLong(8 * i);
        };
    }

    /** Equal when dtype, shape and every byte are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RawArray r && r.dtype == dtype && Arrays.equals(r.shape, shape) && r.data.equals(data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
    }

    @Override
    public String toString() {
        return "RawArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }

    /** Product of the dimensions; 1 for {@code []}. */
    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static int[] checkedShape(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
            }
        }
        return shape.clone();
    }

    private static ByteBuffer allocate(ArrayDType dtype, int[] shape, int length) {
        int[] s = checkedShape(shape);
        if (numel(s) != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " has " + numel(s)
                    + " elements but the data has " + length);
        }
        long bytes = (long) length * dtype.byteSize();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " of " + dtype + " exceeds 2 GiB");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
