package dev.saccade.models.attention;

import dev.saccade.nn.Init;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Pooling;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.PoolParams;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * The embedded-Gaussian non-local block over (T, H, W) (Wang, Girshick, Gupta, He, CVPR 2018, Eq. 1–3), as TSM's
 * {@code ops/non_local.py} {@code NONLocalBlock3D} inside {@code NL3DWrapper}: on x (N·T, C, H, W) viewed as
 * v (N, C, T, H, W), with C' = C/2 and L = T·H·W positions,
 * <pre>
 * θ = theta(v)                        Conv3d 1×1×1, C → C', bias               (N, L, C')
 * φ = maxpool(1,2,2)(phi.0(v))        sub-sampled                               (N, C', L/4)
 * g = maxpool(1,2,2)(g.0(v))                                                    (N, L/4, C')
 * y = softmax(θ φ) g                  no scaling                                (N, L, C')
 * z = W.1(W.0(y)) + v                 Conv3d C' → C + BatchNorm3d, γ = β = 0 at init, so the block starts as identity
 * </pre>
 * Keys as the official block: {@code g.0}, {@code W.0}, {@code W.1} (BN), {@code theta}, {@code phi.0}. In TSM the
 * wrapper holds it as {@code nl}, next to the wrapped block ({@code layer2.0.block…}, {@code layer2.0.nl…}).
 *
 * <pre>{@code
 * Tensor y = new NonLocal(512, 8, rng).forward(x);   // x, y: (N·8, 512, 28, 28)
 * }</pre>
 */
public final class NonLocal extends Module {
    private final int channels, inter, frames;
    private final BatchNorm norm;

    public NonLocal(int channels, int frames, SplittableRandom rng) {
        Clips.checkFrames("NonLocal", frames);
        this.channels = channels;
        this.inter = Math.max(1, channels / 2);
        this.frames = frames;
        PoolParams sub = new PoolParams(new int[] {1, 2, 2}, new int[] {1, 2, 2}, new int[] {0, 0, 0});
        register("g", new Sequential(Conv.conv3d(channels, inter, 1, 1, 0, 1, true, rng), Pooling.max(sub)));
        Conv wConv = Conv.conv3d(inter, channels, 1, 1, 0, 1, true, rng);
        this.norm = new BatchNorm(channels);
        Init.assign(norm.weight(), Tensor.zeros(channels));
        Init.assign(norm.bias(), Tensor.zeros(channels));
        register("W", new Sequential(wConv, norm));
        register("theta", Conv.conv3d(channels, inter, 1, 1, 0, 1, true, rng));
        register("phi", new Sequential(Conv.conv3d(channels, inter, 1, 1, 0, 1, true, rng), Pooling.max(sub)));
    }

    public int channels() { return channels; }
    public int interChannels() { return inter; }

    @Override public Tensor forward(Tensor x) { return attend(x, frames, Weights.of(this), norm::forward); }

    /** The block with weights {@code w} and {@code norm} the W.1 BatchNorm (the module's own or a functional stand-in). */
    public static Tensor attend(Tensor x, int frames, Weights w, UnaryOperator<Tensor> norm) {
        int n = Clips.clips("NonLocal", x, frames, w.get("theta.weight").dim(1));
        int nt = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int ci = w.get("theta.weight").dim(0);
        PoolParams sub = new PoolParams(new int[] {1, 2, 2}, new int[] {1, 2, 2}, new int[] {0, 0, 0});
        Tensor v = x.reshape(n, frames, c, h, wd).transpose(1, 2).contiguous();                          // (N, C, T, H, W)
        Tensor theta = Functional.conv3d(v, w.get("theta.weight"), w.get("theta.bias"), 1, 0, 1, 1)
                .reshape(n, ci, -1).transpose(1, 2);                                                     // (N, L, C')
        Tensor phi = Functional.maxPool(Functional.conv3d(v, w.get("phi.0.weight"), w.get("phi.0.bias"), 1, 0, 1, 1), sub)
                .reshape(n, ci, -1);                                                                     // (N, C', L/4)
        Tensor g = Functional.maxPool(Functional.conv3d(v, w.get("g.0.weight"), w.get("g.0.bias"), 1, 0, 1, 1), sub)
                .reshape(n, ci, -1).transpose(1, 2);                                                     // (N, L/4, C')
        Tensor affinity = theta.matmul(phi).softmax(-1);                                                 // (N, L, L/4), Eq. 3
        Tensor y = affinity.matmul(g).transpose(1, 2).contiguous().reshape(n, ci, frames, h, wd);       // (N, C', T, H, W)
        Tensor z = norm.apply(Functional.conv3d(y, w.get("W.0.weight"), w.get("W.0.bias"), 1, 0, 1, 1)).add(v); // (N, C, T, H, W)
        return z.transpose(1, 2).contiguous().reshape(nt, c, h, wd);                                     // (N·T, C, H, W)
    }

    @Override public String describe() { return "NonLocal3D(" + channels + ", inter=" + inter + ", T=" + frames + ")"; }
}
