package dev.saccade.kernels.cpu;

import java.util.Arrays;

/**
 * The immutable shape description of one convolution: spatial rank 1, 2 or 3, batch N, channels C_in and C_out,
 * groups, input spatial sizes, kernel sizes, stride, padding and dilation. Output sizes follow PyTorch's formula
 * {@code out = floor((in + 2·p − d·(k−1) − 1) / s) + 1}
 * (<a href="https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html">torch.nn.Conv2d</a>, "Shape").
 *
 * <p>Buffers are contiguous row-major: input {@code (N, C_in, D, H, W)}, weight {@code (C_out, C_in/groups, kD, kH,
 * kW)}, output {@code (N, C_out, oD, oH, oW)}, bias {@code (C_out)}. Lower ranks drop the leading spatial axes;
 * internally every geometry is seen as 3-d, with size-1 / kernel-1 / stride-1 / padding-0 / dilation-1 axes in front.
 *
 * <pre>{@code
 * // ResNet-50 layer1 3×3: (8, 64, 56, 56) -> (8, 64, 56, 56)
 * ConvGeometry g = ConvGeometry.conv2d(8, 64, 64, 56, 56, 3, 1, 1);
 * // a depthwise 1-d temporal conv, k = 3, padding 1
 * ConvGeometry t = ConvGeometry.conv1d(4, 16, 16, 8, 3, 1, 1).withGroups(16);
 * }</pre>
 */
public final class ConvGeometry {
    private final int rank, n, cIn, cOut, groups;
    // every array below has length 3, in (D, H, W) order, padded in front for rank < 3
    private final int[] in, kernel, stride, padding, dilation, out;

    private ConvGeometry(int n, int cIn, int cOut, int groups,
                         int[] input, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        this.rank = input == null ? 0 : input.length;
        if (rank < 1 || rank > 3) throw new IllegalArgumentException("ConvGeometry: input spatial rank must be 1, 2 or 3, got " + rank);
        checkLength("kernel", kernel, rank);
        checkLength("stride", stride, rank);
        checkLength("padding", padding, rank);
        checkLength("dilation", dilation, rank);
        if (n < 1) throw new IllegalArgumentException("ConvGeometry: N=" + n + " must be >= 1");
        if (cIn < 1) throw new IllegalArgumentException("ConvGeometry: C_in=" + cIn + " must be >= 1");
        if (cOut < 1) throw new IllegalArgumentException("ConvGeometry: C_out=" + cOut + " must be >= 1");
        if (groups < 1) throw new IllegalArgumentException("ConvGeometry: groups=" + groups + " must be >= 1");
        if (cIn % groups != 0) throw new IllegalArgumentException("ConvGeometry: C_in=" + cIn + " is not divisible by groups=" + groups);
        if (cOut % groups != 0) throw new IllegalArgumentException("ConvGeometry: C_out=" + cOut + " is not divisible by groups=" + groups);
        for (int i = 0; i < rank; i++) {
            if (input[i] < 1) throw new IllegalArgumentException("ConvGeometry: input[" + i + "]=" + input[i] + " must be >= 1");
            if (kernel[i] < 1) throw new IllegalArgumentException("ConvGeometry: kernel[" + i + "]=" + kernel[i] + " must be >= 1");
            if (stride[i] < 1) throw new IllegalArgumentException("ConvGeometry: stride[" + i + "]=" + stride[i] + " must be >= 1");
            if (padding[i] < 0) throw new IllegalArgumentException("ConvGeometry: padding[" + i + "]=" + padding[i] + " must be >= 0");
            if (dilation[i] < 1) throw new IllegalArgumentException("ConvGeometry: dilation[" + i + "]=" + dilation[i] + " must be >= 1");
        }
        this.n = n;
        this.cIn = cIn;
        this.cOut = cOut;
        this.groups = groups;
        this.in = pad3(input, 1);
        this.kernel = pad3(kernel, 1);
        this.stride = pad3(stride, 1);
        this.padding = pad3(padding, 0);
        this.dilation = pad3(dilation, 1);
        this.out = new int[3];
        for (int a = 0; a < 3; a++) {
            long num = (long) in[a] + 2L * this.padding[a] - (long) this.dilation[a] * (this.kernel[a] - 1) - 1;
            long o = Math.floorDiv(num, this.stride[a]) + 1;
            if (o < 1) {
                int i = a - (3 - rank);
                throw new IllegalArgumentException("ConvGeometry: output size along spatial axis " + i + " is " + o
                        + " (input=" + in[a] + ", kernel=" + this.kernel[a] + ", stride=" + this.stride[a]
                        + ", padding=" + this.padding[a] + ", dilation=" + this.dilation[a] + ")");
            }
            out[a] = (int) o;
        }
        long xs = (long) n * cIn * in[0] * in[1] * in[2], ys = (long) n * cOut * out[0] * out[1] * out[2];
        long ws = (long) cOut * (cIn / groups) * this.kernel[0] * this.kernel[1] * this.kernel[2];
        if (xs > Integer.MAX_VALUE || ys > Integer.MAX_VALUE || ws > Integer.MAX_VALUE)
            throw new IllegalArgumentException("ConvGeometry: a buffer exceeds 2^31-1 elements (input " + xs
                    + ", output " + ys + ", weight " + ws + ")");
    }

    /**
     * The general constructor; the spatial rank is {@code input.length} and every other array must match it.
     *
     * @param input spatial input sizes, e.g. {@code {H, W}}
     */
    public static ConvGeometry of(int n, int cIn, int cOut, int groups,
                                  int[] input, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        return new ConvGeometry(n, cIn, cOut, groups, input, kernel, stride, padding, dilation);
    }

    /** A 1-d convolution over {@code (N, C_in, L)} with kernel k, groups 1, dilation 1. */
    public static ConvGeometry conv1d(int n, int cIn, int cOut, int length, int k, int stride, int padding) {
        return of(n, cIn, cOut, 1, new int[]{length}, new int[]{k}, new int[]{stride}, new int[]{padding}, new int[]{1});
    }

    /** A 2-d convolution over {@code (N, C_in, H, W)} with a square k×k kernel, groups 1, dilation 1. */
    public static ConvGeometry conv2d(int n, int cIn, int cOut, int h, int w, int k, int stride, int padding) {
        return of(n, cIn, cOut, 1, new int[]{h, w}, new int[]{k, k}, new int[]{stride, stride},
                new int[]{padding, padding}, new int[]{1, 1});
    }

    /** A 3-d convolution over {@code (N, C_in, D, H, W)} with a cubic k×k×k kernel, groups 1, dilation 1. */
    public static ConvGeometry conv3d(int n, int cIn, int cOut, int d, int h, int w, int k, int stride, int padding) {
        return of(n, cIn, cOut, 1, new int[]{d, h, w}, new int[]{k, k, k}, new int[]{stride, stride, stride},
                new int[]{padding, padding, padding}, new int[]{1, 1, 1});
    }

    /** This geometry with another group count. */
    public ConvGeometry withGroups(int g) {
        return of(n, cIn, cOut, g, inputSize(), kernelSize(), stride(), padding(), dilation());
    }

    /** This geometry with the same dilation on every spatial axis. */
    public ConvGeometry withDilation(int d) {
        int[] dd = new int[rank];
        Arrays.fill(dd, d);
        return of(n, cIn, cOut, groups, inputSize(), kernelSize(), stride(), padding(), dd);
    }

    /** This geometry with another batch size. */
    public ConvGeometry withBatch(int batch) {
        return of(batch, cIn, cOut, groups, inputSize(), kernelSize(), stride(), padding(), dilation());
    }

    public int rank() { return rank; }
    public int n() { return n; }
    public int cIn() { return cIn; }
    public int cOut() { return cOut; }
    public int groups() { return groups; }
    /** Input channels per group, {@code C_in / groups}. */
    public int cInPerGroup() { return cIn / groups; }
    /** Output channels per group, {@code C_out / groups}. */
    public int cOutPerGroup() { return cOut / groups; }
    /** True for a depthwise convolution: {@code groups == C_in == C_out}. */
    public boolean isDepthwise() { return groups == cIn && groups == cOut; }

    // 3-d views (axes in front of the rank are size 1)
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

    /** Spatial input sizes, length {@link #rank()}. */
    public int[] inputSize() { return tail(in); }
    /** Spatial output sizes, length {@link #rank()}. */
    public int[] outputSize() { return tail(out); }
    public int[] kernelSize() { return tail(kernel); }
    public int[] stride() { return tail(stride); }
    public int[] padding() { return tail(padding); }
    public int[] dilation() { return tail(dilation); }

    /** Elements of one input plane, {@code D·H·W}. */
    public int inPlane() { return in[0] * in[1] * in[2]; }
    /** Elements of one output plane, {@code oD·oH·oW}. */
    public int outPlane() { return out[0] * out[1] * out[2]; }
    /** Taps of one kernel, {@code kD·kH·kW}. */
    public int kernelVolume() { return kernel[0] * kernel[1] * kernel[2]; }
    /** Length of the input buffer {@code (N, C_in, D, H, W)}. */
    public int inputLength() { return n * cIn * inPlane(); }
    /** Length of the output buffer {@code (N, C_out, oD, oH, oW)}. */
    public int outputLength() { return n * cOut * outPlane(); }
    /** Length of the weight buffer {@code (C_out, C_in/groups, kD, kH, kW)}. */
    public int weightLength() { return cOut * cInPerGroup() * kernelVolume(); }

    /** True when the convolution is a plain matrix product: every kernel size 1, stride 1, padding 0. */
    public boolean isPointwise() {
        for (int a = 0; a < 3; a++) if (kernel[a] != 1 || stride[a] != 1 || padding[a] != 0) return false;
        return true;
    }

    /** Multiply-adds times two: {@code 2·N·C_out·oD·oH·oW·(C_in/groups)·kD·kH·kW}. */
    public long flops() {
        return 2L * n * cOut * outPlane() * cInPerGroup() * kernelVolume();
    }

    private int[] tail(int[] a) { return Arrays.copyOfRange(a, 3 - rank, 3); }

    private static int[] pad3(int[] a, int fill) {
        int[] r = {fill, fill, fill};
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    private static void checkLength(String field, int[] a, int rank) {
        if (a == null || a.length != rank)
            throw new IllegalArgumentException("ConvGeometry: " + field + " must have " + rank
                    + " entries (one per spatial axis), got " + (a == null ? "null" : Arrays.toString(a)));
    }

    /** Same batch, channels, groups, sizes, kernel, stride, padding and dilation. */
    @Override public boolean equals(Object o) {
        return o instanceof ConvGeometry g && n == g.n && cIn == g.cIn && cOut == g.cOut && groups == g.groups
                && rank == g.rank && Arrays.equals(in, g.in) && Arrays.equals(kernel, g.kernel)
                && Arrays.equals(stride, g.stride) && Arrays.equals(padding, g.padding) && Arrays.equals(dilation, g.dilation);
    }

    @Override public int hashCode() {
        return java.util.Objects.hash(n, cIn, cOut, groups, rank, Arrays.hashCode(in), Arrays.hashCode(kernel),
                Arrays.hashCode(stride), Arrays.hashCode(padding), Arrays.hashCode(dilation));
    }

    @Override public String toString() {
        return "ConvGeometry[N=" + n + ", C_in=" + cIn + ", C_out=" + cOut + ", groups=" + groups
                + ", input=" + Arrays.toString(inputSize()) + ", kernel=" + Arrays.toString(kernelSize())
                + ", stride=" + Arrays.toString(stride()) + ", padding=" + Arrays.toString(padding())
                + ", dilation=" + Arrays.toString(dilation()) + ", output=" + Arrays.toString(outputSize()) + "]";
    }
}
