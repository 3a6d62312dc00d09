package dev.saccade.tensor.ops;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Layout;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * The uni-directional ("online") temporal shift of TSM (Lin et al., ICCV 2019, §online; the TSM repository's
 * {@code online_demo/mobilenet_v2_tsm.py}, where each shifted block replaces the first {@code C/8} channels of the
 * current frame by those of the previous frame and caches its own for the next one). On {@code (N·T, C, H, W)} viewed
 * as {@code (N, T, C, H, W)}, with {@code fold = C / foldDiv}:
 * <pre>
 *   out[:, t, 0:fold]  = x[:, t−1, 0:fold]     (zero at t = 0: the demo's buffers start at zero)
 *   out[:, t, fold:]   = x[:, t, fold:]
 * </pre>
 * Only past frames are read, so frame t's output depends on frames 0..t only: run frame by frame with a per-layer
 * cache of {@code x[t, 0:fold]} it gives the same numbers (see {@code OnlineShiftState} in the model zoo).
 * Backward is the inverse shift: {@code gx[:, t, 0:fold] = g[:, t+1, 0:fold]} (zero at t = T−1), identity elsewhere.
 *
 * <p>Pure data movement composed from the backends' strided {@code copy} into a zero-filled buffer (as {@link Pad}),
 * so it runs on every backend without a kernel of its own. No parameters, no multiply-adds.
 *
 * <pre>{@code
 * Tensor y = new OnlineTemporalShift(8, 8).apply(x);   // x (N·8, C, H, W) → (N·8, C, H, W)
 * }</pre>
 */
public final class OnlineTemporalShift extends Function {
    private final int frames, foldDiv;

    public OnlineTemporalShift(int frames, int foldDiv) {
        if (frames < 1 || foldDiv < 1) {
            throw new IllegalArgumentException("temporal_shift_online: frames " + frames + " and foldDiv " + foldDiv + " must be ≥ 1");
        }
        this.frames = frames;
        this.foldDiv = foldDiv;
    }

    @Override public String name() { return "temporal_shift_online"; }

    @Override protected Tensor forward(Tensor... in) {
        TemporalShift.checkClip(name(), in[0], frames);
        return shift(in[0], +1);
    }

    @Override protected Tensor[] backward(Tensor g) {
        return new Tensor[] {shift(g, -1)};
    }

    /**
     * {@code direction = +1}: slab {@code [0, fold)} of frame t reads frame t−1 (forward); {@code −1}: reads frame t+1
     * (backward). The frame with no source stays zero. Any input layout, new contiguous output.
     */
    private Tensor shift(Tensor x, int direction) {
        Backend b = x.backend();
        int nt = x.dim(0), c = x.dim(1), n = nt / frames, fold = c / foldDiv;
        Shape clip = Shape.of(n, frames, c, x.dim(2), x.dim(3));
        Tensor out = Tensor.wrap(b.allocate(x.dtype(), x.numel()), x.shape(), b);        // (N·T, C, H, W), zeros
        Layout xs = viewAsClip(x, clip), os = out.layout().view(clip);                   // (N, T, C, H, W)
        if (c > fold) {                                                                   // channels [fold, C): kept
            b.copy(Tensor.wrap(x.storage(), xs.narrow(2, fold, c - fold), b), Tensor.wrap(out.storage(), os.narrow(2, fold, c - fold), b));
        }
        if (fold > 0 && frames > 1) {                                                     // channels [0, fold): moved
            int from = direction > 0 ? 0 : 1, to = direction > 0 ? 1 : 0;
            Layout src = xs.narrow(1, from, frames - 1).narrow(2, 0, fold);               // (N, T−1, fold, H, W)
            Layout dst = os.narrow(1, to, frames - 1).narrow(2, 0, fold);
            b.copy(Tensor.wrap(x.storage(), src, b), Tensor.wrap(out.storage(), dst, b));
        }
        return out;
    }

    /** {@code x}'s layout as (N, T, C, H, W): splitting the first axis is a view for any strides. */
    private static Layout viewAsClip(Tensor x, Shape clip) {
        Layout v = x.layout().view(clip);
        if (v == null) throw new IllegalStateException("temporal_shift_online: cannot view " + x.layout() + " as " + clip);
        return v;
    }
}
