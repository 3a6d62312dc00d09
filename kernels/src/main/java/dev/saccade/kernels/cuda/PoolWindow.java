package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The {@code PoolWindow} kernel argument of native/src/main/cuda/pool.cu: input and output sizes, window, stride
 * and padding, each as (D, H, W); 1-d and 2-d pooling put size 1 (window 1, stride 1, padding 0) in front.
 * Bytes: {@code long long in[3], out[3], kernel[3], stride[3], pad[3]} = 120 bytes.
 *
 * <pre>{@code
 * // 3×3 stride-2 max pool of a (N, C, 56, 56) input
 * PoolWindow w = PoolWindow.of(new int[] {56, 56}, new int[] {28, 28}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1});
 * }</pre>
 */
public record PoolWindow(long[] in, long[] out, long[] kernel, long[] stride, long[] pad) implements KernelStruct {
    /** Size of the C struct. */
    public static final long BYTES = 15 * 8;

    public PoolWindow {
        for (long[] a : new long[][] {in, out, kernel, stride, pad})
            if (a.length != 3) throw new IllegalArgumentException("PoolWindow fields need 3 entries (D, H, W), got " + Arrays.toString(a));
        in = in.clone(); out = out.clone(); kernel = kernel.clone(); stride = stride.clone(); pad = pad.clone();
    }

    /** A window over 1, 2 or 3 spatial axes (same length arrays), padded to (D, H, W) with size-1 axes in front. */
    public static PoolWindow of(int[] in, int[] out, int[] kernel, int[] stride, int[] pad) {
        int r = in.length;
        if (r < 1 || r > 3 || out.length != r || kernel.length != r || stride.length != r || pad.length != r)
            throw new IllegalArgumentException("PoolWindow: 1 to 3 spatial axes with one entry each, got in "
                    + Arrays.toString(in) + " out " + Arrays.toString(out) + " kernel " + Arrays.toString(kernel)
                    + " stride " + Arrays.toString(stride) + " pad " + Arrays.toString(pad));
        return new PoolWindow(widen(in, 1, r), widen(out, 1, r), widen(kernel, 1, r), widen(stride, 1, r), widen(pad, 0, r));
    }

    private static long[] widen(int[] a, long fill, int r) {
        long[] w = {fill, fill, fill};
        for (int i = 0; i < r; i++) w[3 - r + i] = a[i];
        return w;
    }

    /** Elements of one input plane. */
    public long inPlane() { return in[0] * in[1] * in[2]; }

    /** Elements of one output plane. */
    public long outPlane() { return out[0] * out[1] * out[2]; }

    @Override public long byteSize() { return BYTES; }

    @Override
    public void writeTo(MemorySegment target) {
        long[][] fields = {in, out, kernel, stride, pad};
        for (int f = 0; f < 5; f++)
            for (int i = 0; i < 3; i++) target.set(JAVA_LONG, 8L * (3 * f + i), fields[f][i]);
    }

    @Override public boolean equals(Object o) {
        return o instanceof PoolWindow w && Arrays.equals(in, w.in) && Arrays.equals(out, w.out)
                && Arrays.equals(kernel, w.kernel) && Arrays.equals(stride, w.stride) && Arrays.equals(pad, w.pad);
    }
    @Override public int hashCode() { return Arrays.deepHashCode(new Object[] {in, out, kernel, stride, pad}); }
    @Override public String toString() {
        return "PoolWindow[in " + Arrays.toString(in) + ", out " + Arrays.toString(out) + ", kernel " + Arrays.toString(kernel)
                + ", stride " + Arrays.toString(stride) + ", pad " + Arrays.toString(pad) + "]";
    }
}
