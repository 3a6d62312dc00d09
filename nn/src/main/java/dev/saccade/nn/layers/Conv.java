package dev.saccade.nn.layers;

import dev.saccade.nn.Init;
import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.Functional;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A 1-, 2- or 3-d convolution layer with weight (C_out, C_in/groups, *k) and optional bias; PyTorch's default
 * initialisation. Reference: {@code torch.nn.Conv1d/Conv2d/Conv3d}.
 *
 * <pre>{@code Conv conv = Conv.conv2d(64, 64, 3, 1, 1, 1, false, rng); }</pre>
 */
public final class Conv extends Module {
    private final int in, out;
    private final int[] kernel;
    private final ConvParams params;
    private final Tensor weight, bias;

    public Conv(int in, int out, int[] kernel, ConvParams params, boolean bias, SplittableRandom rng) {
        if (in % params.groups() != 0 || out % params.groups() != 0) {
            throw new IllegalArgumentException("Conv: channels " + in + "→" + out + " not divisible by groups " + params.groups());
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel.clone();
        this.params = params;
        int[] shape = new int[kernel.length + 2];
        shape[0] = out;
        shape[1] = in / params.groups();
        System.arraycopy(kernel, 0, shape, 2, kernel.length);
        this.weight = parameter("weight", Init.kaimingUniformDefault(rng, shape));
        this.bias = bias ? parameter("bias", Init.defaultBias(rng, Init.fanIn(shape), out)) : null;
    }

    private static int[] fill(int rank, int v) { int[] a = new int[rank]; Arrays.fill(a, v); return a; }

    public static Conv conv1d(int in, int out, int k, int stride, int padding, int groups, boolean bias, SplittableRandom rng) {
        return new Conv(in, out, fill(1, k), ConvParams.uniform(1, stride, padding, 1, groups), bias, rng);
    }

    public static Conv conv2d(int in, int out, int k, int stride, int padding, int groups, boolean bias, SplittableRandom rng) {
        return new Conv(in, out, fill(2, k), ConvParams.uniform(2, stride, padding, 1, groups), bias, rng);
    }

    public static Conv conv3d(int in, int out, int k, int stride, int padding, int groups, boolean bias, SplittableRandom rng) {
        return new Conv(in, out, fill(3, k), ConvParams.uniform(3, stride, padding, 1, groups), bias, rng);
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }
    public int inChannels() { return in; }
    public int outChannels() { return out; }
    public int[] kernel() { return kernel.clone(); }
    public ConvParams params() { return params; }

    @Override public Tensor forward(Tensor x) {
        Tensor y = Functional.conv(x, weight, bias, params);
        return y;
    }

    @Override public String describe() {
        return "Conv" + kernel.length + "d(" + in + ", " + out + ", k=" + Arrays.toString(kernel) + ", s=" + Arrays.toString(params.stride())
                + ", p=" + Arrays.toString(params.padding()) + (params.groups() > 1 ? ", groups=" + params.groups() : "") + (bias == null ? ", bias=False" : "") + ")";
    }
}
