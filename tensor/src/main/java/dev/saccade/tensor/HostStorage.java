package dev.saccade.tensor;

/**
 * Storage in the Java heap: a {@code float[]}, {@code double[]}, {@code int[]} or {@code long[]}.
 * The CPU backend computes on these arrays directly.
 */
public final class HostStorage implements Storage {
    private final DType dtype;
    private final Object array;
    private final int length;

    private HostStorage(DType dtype, Object array, int length) {
        this.dtype = dtype;
        this.array = array;
        this.length = length;
    }

    /** A zero-filled buffer of {@code length} elements. */
    public static HostStorage allocate(DType dtype, int length) {
        return switch (dtype) {
            case F32 -> new HostStorage(dtype, new float[length], length);
            case F64 -> new HostStorage(dtype, new double[length], length);
            case I32 -> new HostStorage(dtype, new int[length], length);
            case I64 -> new HostStorage(dtype, new long[length], length);
        };
    }

    public static HostStorage wrap(float[] a) { return new HostStorage(DType.F32, a, a.length); }
    public static HostStorage wrap(double[] a) { return new HostStorage(DType.F64, a, a.length); }
    public static HostStorage wrap(int[] a) { return new HostStorage(DType.I32, a, a.length); }
    public static HostStorage wrap(long[] a) { return new HostStorage(DType.I64, a, a.length); }

    @Override public DType dtype() { return dtype; }
    @Override public Device device() { return Device.CPU; }
    @Override public int length() { return length; }

    public float[] floats() { return (float[]) checked(DType.F32); }
    public double[] doubles() { return (double[]) checked(DType.F64); }
    public int[] ints() { return (int[]) checked(DType.I32); }
    public long[] longs() { return (long[]) checked(DType.I64); }

    private Object checked(DType expected) {
        if (dtype != expected) throw new ShapeException("storage holds " + dtype + ", not " + expected);
        return array;
    }

    /** Element {@code i} widened to double (the scalar reference kernels compute in double). */
    public double getDouble(int i) {
        return switch (dtype) {
            case F32 -> ((float[]) array)[i];
            case F64 -> ((double[]) array)[i];
            case I32 -> ((int[]) array)[i];
            case I64 -> ((long[]) array)[i];
        };
    }

    /** Stores {@code v} at {@code i}, rounded to the storage type (integers truncate toward zero). */
    public void setDouble(int i, double v) {
        switch (dtype) {
            case F32 -> ((float[]) array)[i] = (float) v;
            case F64 -> ((double[]) array)[i] = v;
            case I32 -> ((int[]) array)[i] = (int) v;
            case I64 -> ((long[]) array)[i] = (long) v;
        }
    }

    public long getLong(int i) {
        return switch (dtype) {
            case I32 -> ((int[]) array)[i];
            case I64 -> ((long[]) array)[i];
            default -> (long) getDouble(i);
        };
    }
}
