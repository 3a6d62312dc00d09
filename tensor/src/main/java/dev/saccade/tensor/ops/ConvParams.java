package dev.saccade.tensor.ops;

import java.util.Arrays;

/**
 * Stride, padding and dilation per spatial axis, and the group count, of a 1-, 2- or 3-d convolution.
 * Reference: {@code torch.nn.functional.conv1d/conv2d/conv3d}.
 */
public record ConvParams(int[] stride, int[] padding, int[] dilation, int groups) {
    public ConvParams {
        if (stride.length != padding.length || stride.length != dilation.length) {
            throw new IllegalArgumentException("conv: stride " + Arrays.toString(stride) + ", padding " + Arrays.toString(padding)
                    + " and dilation " + Arrays.toString(dilation) + " must have one entry per spatial axis");
        }
        if (groups < 1) throw new IllegalArgumentException("conv: groups must be ≥ 1, got " + groups);
        stride = stride.clone(); padding = padding.clone(); dilation = dilation.clone();
    }

    /** The same stride, padding and dilation on each of {@code rank} axes. */
    public static ConvParams uniform(int rank, int stride, int padding, int dilation, int groups) {
        int[] s = new int[rank], p = new int[rank], d = new int[rank];
        Arrays.fill(s, stride); Arrays.fill(p, padding); Arrays.fill(d, dilation);
        return new ConvParams(s, p, d, groups);
    }

    public int spatialRank() { return stride.length; }

    /** PyTorch's output size: {@code floor((in + 2p − d·(k−1) − 1)/s) + 1}. */
    public int outputSize(int axis, int in, int kernel) {
        return (in + 2 * padding[axis] - dilation[axis] * (kernel - 1) - 1) / stride[axis] + 1;
    }

    @Override public String toString() {
        return "stride=" + Arrays.toString(stride) + " padding=" + Arrays.toString(padding) + " dilation=" + Arrays.toString(dilation) + " groups=" + groups;
    }
}
