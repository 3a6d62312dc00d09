package dev.saccade.tensor.ops;

import java.util.Arrays;

/**
 * Window, stride and padding per spatial axis of a max or average pooling (floor mode; average pooling counts
 * padding, as PyTorch's default {@code count_include_pad=True}). Reference: {@code torch.nn.functional.max_pool2d}.
 */
public record PoolParams(int[] kernel, int[] stride, int[] padding) {
    public PoolParams {
        if (kernel.length != stride.length || kernel.length != padding.length) {
            throw new IllegalArgumentException("pool: kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
                    + " and padding " + Arrays.toString(padding) + " must have one entry per spatial axis");
        }
        for (int i = 0; i < kernel.length; i++) {
            if (padding[i] * 2 > kernel[i]) throw new IllegalArgumentException("pool: padding " + padding[i] + " must be at most half the kernel " + kernel[i]);
        }
        kernel = kernel.clone(); stride = stride.clone(); padding = padding.clone();
    }

    public static PoolParams uniform(int rank, int kernel, int stride, int padding) {
        int[] k = new int[rank], s = new int[rank], p = new int[rank];
        Arrays.fill(k, kernel); Arrays.fill(s, stride); Arrays.fill(p, padding);
        return new PoolParams(k, s, p);
    }

    public int spatialRank() { return kernel.length; }

    public int outputSize(int axis, int in) { return (in + 2 * padding[axis] - kernel[axis]) / stride[axis] + 1; }
}
