package dev.saccade.kernels.cpu;

import java.util.Arrays;

/**
 * The immutable shape description of one windowed pooling (max or average), spatial rank 1, 2 or 3: batch N,
 * channels C, input spatial sizes, kernel, stride, padding, dilation (max pooling only), ceil mode and, for average
 * pooling, whether padded zeros count in the divisor. Output sizes follow PyTorch's {@code pooling_output_shape}
 * (<a href="https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html">torch.nn.MaxPool2d</a>):
 * {@code out = floor((in + 2·p − d·(k−1) − 1 [+ s − 1 if ceil]) / s) + 1}, and with ceil mode the last window is
 * dropped when it would start past {@code in + p}. Padding may be at most half the effective kernel
 * {@code (d·(k−1) + 1) / 2}, as PyTorch requires.
 *
 * <p>Buffers are contiguous row-major: input {@code (N, C, D, H, W)}, output {@code (N, C, oD, oH, oW)}; lower
 * ranks drop the leading spatial axes and are seen internally as 3-d with size-1 axes in front.
 *
 * <pre>{@code
 * // ResNet stem max pool: 3×3, stride 2, padding 1: (8, 64, 112, 112) -> (8, 64, 56, 56)
 * PoolGeometry g = PoolGeometry.pool2d(8, 64, 112, 112, 3, 2, 1);
 * }</pre>
 */
public final class PoolGeometry {
    private final int rank, n, c;
    private final boolean ceilMode, countIncludePad;
    // length 3, (D, H, W), padded in front for rank < 3
    private final int[] in, kernel, stride, padding, dilation, out;

    private PoolGeometry(int n, int c, int[] input, int[] kernel, int[] stride, int[] padding, int[] dilation,
                         boolean ceilMode, boolean countIncludePad) {
        this.rank = input == null ? 0 : input.length;
        if (rank < 1 || rank > 3) throw new IllegalArgumentException("PoolGeometry: input spatial rank must be 1, 2 or 3, got " + rank);
        checkLength("kernel", kernel, rank);
        checkLength("stride", stride, rank);
        checkLength("padding", padding, rank);
        checkLength("dilation", dilation, rank);
        if (n < 1) throw new IllegalArgumentException("PoolGeometry: N=" + n + " must be >= 1");
        if (c < 1) throw new IllegalArgumentException("PoolGeometry: C=" + c + " must be >= 1");
        for (int i = 0; i < rank; i++) {
            if (input[i] < 1) throw new IllegalArgumentException("PoolGeometry: input[" + i + "]=" + input[i] + " must be >= 1");
            if (kernel[i] < 1) throw new IllegalArgumentException("PoolGeometry: kernel[" + i + "]=" + kernel[i] + " must be >= 1");
            if (stride[i] < 1) throw new IllegalArgumentException("PoolGeometry: stride[" + i + "]=" + stride[i] + " must be >= 1");
            if (dilation[i] < 1) throw new IllegalArgumentException("PoolGeometry: dilation[" + i + "]=" + dilation[i] + " must be >= 1");
            int effective = dilation[i] * (kernel[i] - 1) + 1;
            if (padding[i] < 0 || padding[i] > effective / 2)
                throw new IllegalArgumentException("PoolGeometry: padding[" + i + "]=" + padding[i]
                        + " must be between 0 and half the effective kernel size " + effective);
        }
        this.n = n;
        this.c = c;
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        this.in = pad3(input, 1);
        this.kernel = pad3(kernel, 1);
        this.stride = pad3(stride, 1);
        this.padding = pad3(padding, 0);
        this.dilation = pad3(dilation, 1);
        this.out = new int[3];
        for (int a = 0; a < 3; a++) {
            int s = this.stride[a], p = this.padding[a];
            long num = (long) in[a] + 2L * p - (long) this.dilation[a] * (this.kernel[a] - 1) - 1 + (ceilMode ? s - 1 : 0);
            long o = Math.floorDiv(num, s) + 1;
            if (ceilMode && (o - 1) * s >= in[a] + p) o--;
            if (o < 1) {
                throw new IllegalArgumentException("PoolGeometry: output size along spatial axis " + (a - (3 - rank))
                        + " is " + o + " (input=" + in[a] + ", kernel=" + this.kernel[a] + ", stride=" + s
                        + ", padding=" + p + ", dilation=" + this.dilation[a] + ")");
            }
            out[a] = (int) o;
        }
        if ((long) n * c * in[0] * in[1] * in[2] > Integer.MAX_VALUE)
            throw new IllegalArgumentException("PoolGeometry: input exceeds 2^31-1 elements");
    }

    /** The general constructor; rank is {@code input.length}; floor mode, padded zeros counted (PyTorch defaults). */
    public static PoolGeometry of(int n, int c, int[] input, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        return new PoolGeometry(n, c, input, kernel, stride, padding, dilation, false, true);
    }

    /** 1-d pooling over {@code (N, C, L)}. */
    public static PoolGeometry pool1d(int n, int c, int length, int k, int stride, int padding) {
        return of(n, c, new int[]{length}, new int[]{k}, new int[]{stride}, new int[]{padding}, new int[]{1});
    }

    /** 2-d pooling over {@code (N, C, H, W)} with a square window. */
    public static PoolGeometry pool2d(int n, int c, int h, int w, int k, int stride, int padding) {
        return of(n, c, new int[]{h, w}, new int[]{k, k}, new int[]{stride, stride}, new int[]{padding, padding}, new int[]{1, 1});
    }

    /** 3-d pooling over {@code (N, C, D, H, W)} with a cubic window. */
    public static PoolGeometry pool3d(int n, int c, int d, int h, int w, int k, int stride, int padding) {
        return of(n, c, new int[]{d, h, w}, new int[]{k, k, k}, new int[]{stride, stride, stride},
                new int[]{padding, padding, padding}, new int[]{1, 1, 1});
    }

    /** This geometry with PyTorch's {@code ceil_mode}. */
    public PoolGeometry withCeilMode(boolean ceil) {
        return new PoolGeometry(n, c, inputSize(), kernelSize(), stride(), padding(), dilation(), ceil, countIncludePad);
    }

    /** This geometry with PyTorch's {@code count_include_pad} (average pooling; default true). */
    public PoolGeometry withCountIncludePad(boolean include) {
        return new PoolGeometry(n, c, inputSize(), kernelSize(), stride(), padding(), dilation(), ceilMode, include);
    }

    /** This geometry with the same dilation on every axis (max pooling only). */
    public PoolGeometry withDilation(int d) {
        int[] dd = new int[rank];
        Arrays.fill(dd, d);
        return new PoolGeometry(n, c, inputSize(), kernelSize(), stride(), padding(), dd, ceilMode, countIncludePad);
    }

    public int rank() { return rank; }
    public int n() { return n; }
    public int c() { return c; }
    public boolean ceilMode() { return ceilMode; }
    public boolean countIncludePad() { return countIncludePad; }
    public int inD() { return in[0]; }
    public int inH() { return in[1]; }
    public int inW() { return in[2]; }
    public int kD() { return kernel[0]; }
    public int kH() { return kernel[1]; }
    public int kW() { return kernel[2]; }
    public int strideD() { return stride[0]; }
    public int strideH() { return stride[1]; }
    public int strideW() { return stride[2]; }
    public int padD() { return padding[0]; }
    public int padH() { return padding[1]; }
    public int padW() { return padding[2]; }
    public int dilD() { return dilation[0]; }
    public int dilH() { return dilation[1]; }
    public int dilW() { return dilation[2]; }
    public int outD() { return out[0]; }
    public int outH() { return out[1]; }
    public int outW() { return out[2]; }

    public int[] inputSize() { return tail(in); }
    public int[] outputSize() { return tail(out); }
    public int[] kernelSize() { return tail(kernel); }
    public int[] stride() { return tail(stride); }
    public int[] padding() { return tail(padding); }
    public int[] dilation() { return tail(dilation); }

    /** True when every dilation is 1 (required by average pooling). */
    public boolean undilated() { return dilation[0] == 1 && dilation[1] == 1 && dilation[2] == 1; }
    /** Elements of one input plane, {@code D·H·W}. */
    public int inPlane() { return in[0] * in[1] * in[2]; }
    /** Elements of one output plane, {@code oD·oH·oW}. */
    public int outPlane() { return out[0] * out[1] * out[2]; }
    /** Length of the input buffer {@code (N, C, D, H, W)}. */
    public int inputLength() { return n * c * inPlane(); }
    /** Length of the output buffer {@code (N, C, oD, oH, oW)}. */
    public int outputLength() { return n * c * outPlane(); }

    private int[] tail(int[] a) { return Arrays.copyOfRange(a, 3 - rank, 3); }

    private static int[] pad3(int[] a, int fill) {
        int[] r = {fill, fill, fill};
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    private static void checkLength(String field, int[] a, int rank) {
        if (a == null || a.length != rank)
            throw new IllegalArgumentException("PoolGeometry: " + field + " must have " + rank
                    + " entries (one per spatial axis), got " + (a == null ? "null" : Arrays.toString(a)));
    }

    @Override public String toString() {
        return "PoolGeometry[N=" + n + ", C=" + c + ", input=" + Arrays.toString(inputSize())
                + ", kernel=" + Arrays.toString(kernelSize()) + ", stride=" + Arrays.toString(stride())
                + ", padding=" + Arrays.toString(padding()) + ", dilation=" + Arrays.toString(dilation())
                + ", ceilMode=" + ceilMode + ", countIncludePad=" + countIncludePad
                + ", output=" + Arrays.toString(outputSize()) + "]";
    }
}
