package dev.saccade.kernels.cpu;

import java.util.Arrays;

/**
 * The immutable shape description of an adaptive pooling, spatial rank 1, 2 or 3: batch N, channels C, input and
 * output spatial sizes. Output cell {@code i} of an axis covers input {@code [floor(i·in/out), ceil((i+1)·in/out))}
 * (<a href="https://pytorch.org/docs/stable/generated/torch.nn.AdaptiveAvgPool2d.html">torch.nn.AdaptiveAvgPool2d</a>,
 * {@code start_index} / {@code end_index} in ATen's {@code AdaptivePooling.h}).
 *
 * <pre>{@code
 * // global average pooling before the classifier: (8, 2048, 7, 7) -> (8, 2048, 1, 1)
 * AdaptivePoolGeometry g = AdaptivePoolGeometry.of(8, 2048, new int[]{7, 7}, new int[]{1, 1});
 * }</pre>
 */
public final class AdaptivePoolGeometry {
    private final int rank, n, c;
    private final int[] in, out;   // length 3, (D, H, W), size-1 axes in front for rank < 3

    private AdaptivePoolGeometry(int n, int c, int[] input, int[] output) {
        this.rank = input == null ? 0 : input.length;
        if (rank < 1 || rank > 3) throw new IllegalArgumentException("AdaptivePoolGeometry: input spatial rank must be 1, 2 or 3, got " + rank);
        if (output == null || output.length != rank)
            throw new IllegalArgumentException("AdaptivePoolGeometry: output must have " + rank + " entries, got "
                    + (output == null ? "null" : Arrays.toString(output)));
        if (n < 1) throw new IllegalArgumentException("AdaptivePoolGeometry: N=" + n + " must be >= 1");
        if (c < 1) throw new IllegalArgumentException("AdaptivePoolGeometry: C=" + c + " must be >= 1");
        for (int i = 0; i < rank; i++) {
            if (input[i] < 1) throw new IllegalArgumentException("AdaptivePoolGeometry: input[" + i + "]=" + input[i] + " must be >= 1");
            if (output[i] < 1) throw new IllegalArgumentException("AdaptivePoolGeometry: output[" + i + "]=" + output[i] + " must be >= 1");
        }
        this.n = n;
        this.c = c;
        this.in = new int[]{1, 1, 1};
        this.out = new int[]{1, 1, 1};
        System.arraycopy(input, 0, in, 3 - rank, rank);
        System.arraycopy(output, 0, out, 3 - rank, rank);
    }

    /** Adaptive pooling from spatial sizes {@code input} to {@code output} (same rank). */
    public static AdaptivePoolGeometry of(int n, int c, int[] input, int[] output) {
        return new AdaptivePoolGeometry(n, c, input, output);
    }

    public int rank() { return rank; }
    public int n() { return n; }
    public int c() { return c; }
    public int inD() { return in[0]; }
    public int inH() { return in[1]; }
    public int inW() { return in[2]; }
    public int outD() { return out[0]; }
    public int outH() { return out[1]; }
    public int outW() { return out[2]; }
    public int[] inputSize() { return Arrays.copyOfRange(in, 3 - rank, 3); }
    public int[] outputSize() { return Arrays.copyOfRange(out, 3 - rank, 3); }
    public int inPlane() { return in[0] * in[1] * in[2]; }
    public int outPlane() { return out[0] * out[1] * out[2]; }
    public int inputLength() { return n * c * inPlane(); }
    public int outputLength() { return n * c * outPlane(); }

    /** First input index of output cell i: {@code floor(i·in/out)}. */
    public static int start(int i, int in, int out) { return (int) ((long) i * in / out); }

    /** One past the last input index of output cell i: {@code ceil((i+1)·in/out)}. */
    public static int end(int i, int in, int out) { return (int) (((long) (i + 1) * in + out - 1) / out); }

    @Override public String toString() {
        return "AdaptivePoolGeometry[N=" + n + ", C=" + c + ", input=" + Arrays.toString(inputSize())
                + ", output=" + Arrays.toString(outputSize()) + "]";
    }
}
