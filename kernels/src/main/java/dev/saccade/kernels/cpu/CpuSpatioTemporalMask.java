package dev.saccade.kernels.cpu;

/**
 * The {@link dev.saccade.tensor.ops.SpatioTemporalMask} op on contiguous F32 arrays: W3's spatio-temporal mask
 * (Pérez-Rúa et al., ECCV 2020, Eq. 5–6) from the channel-pooled maps of each frame, in three passes over small
 * planes instead of some ten ops with two permute copies:
 * <pre>
 * frame     m[f]  = σ(conv_k×k(pooled[f], frame kernel)), zero padding k/2
 * temporal  u     = relu(conv3×3×3(m, k0)) over (T, H, W) of each clip, zero padding 1
 *           M_s   = σ(conv3×3×3(u, k2))
 * </pre>
 * m and u live in zero-bordered volumes (T+2) × (H+2) × (W+2) per clip, so that a 3×3×3 convolution of a frame is a
 * {@link PlaneCorrelation} of three planes (t − 1, t, t + 1) at fixed offsets; each pass splits the N·T frames over
 * the threads where the planes are large enough. The taps are summed in (t, row, column) order: the same sums as the composed convolutions up to their
 * order (last bits).
 *
 * <pre>{@code
 * CpuSpatioTemporalMask.forward(pooled, 0, clips, 8, 56, 56, kernel, 7, k0, k2, mask);
 * }</pre>
 */
final class CpuSpatioTemporalMask {
    /**
     * Output pixels per work item, at least: below it a pass over a clip's small planes (14², 7²) is less work than
     * handing frames to another thread and waiting for it.
     */
    private static final int GRAIN_PIXELS = 1 << 10;

    private CpuSpatioTemporalMask() {}

    /**
     * @param pooled (N·T, 2, H, W) from {@code at}: each frame's [mean, max] over channels
     * @param kernel (1, 2, k, k) from 0, k odd: the frame-level convolution, no bias
     * @param k0     (1, 1, 3, 3, 3): the first temporal convolution, no bias
     * @param k2     (1, 1, 3, 3, 3): the second
     * @param mask   (N·T, 1, H, W) from 0, written: M_s
     */
    static void forward(float[] pooled, int at, int clips, int frames, int h, int w, float[] kernel, int k, float[] k0,
                        float[] k2, float[] mask) {
        int sp = h * w, vw = w + 2, vplane = (h + 2) * vw, nt = clips * frames;
        int volume = clips * (frames + 2) * vplane + PlaneCorrelation.SLACK;
        float[] m = new float[volume], u = new float[volume];                // zero borders
        int pw = w + k - 1, pplane = (h + k - 1) * pw, pad = k / 2, grain = Math.max(1, GRAIN_PIXELS / Math.max(1, sp));
        CpuThreads.parallelFor(0, nt, grain, (lo, hi) -> {
            float[] padded = new float[2 * pplane + PlaneCorrelation.SLACK];    // the frame's two maps, zero border k/2
            for (int f = lo; f < hi; f++) {
                for (int in = 0; in < 2; in++) {
                    for (int i = 0; i < h; i++) {
                        System.arraycopy(pooled, at + (2 * f + in) * sp + i * w, padded, in * pplane + (i + pad) * pw + pad, w);
                    }
                }
                PlaneCorrelation.apply(padded, 0, pw, 2, pplane, k, kernel, h, w, true, m, inside(f, frames, vplane, vw), vw);
            }
        });
        CpuThreads.parallelFor(0, nt, grain, (lo, hi) -> {                     // u = relu(conv3d(m, k0))
            for (int f = lo; f < hi; f++) {
                PlaneCorrelation.apply(m, corner(f, frames, vplane, vw), vw, 3, vplane, 3, k0, h, w, false, u,
                        inside(f, frames, vplane, vw), vw);
            }
        });
        CpuThreads.parallelFor(0, nt, grain, (lo, hi) -> {                     // M_s = σ(conv3d(u, k2))
            for (int f = lo; f < hi; f++) {
                PlaneCorrelation.apply(u, corner(f, frames, vplane, vw), vw, 3, vplane, 3, k2, h, w, true, mask, f * sp, w);
            }
        });
    }

    /** Where pixel (0, 0) of frame f sits in a clip-major zero-bordered volume of (T+2) planes of (H+2) × (W+2). */
    private static int inside(int f, int frames, int vplane, int vw) {
        int clip = f / frames, t = f % frames;
        return (clip * (frames + 2) + t + 1) * vplane + vw + 1;
    }

    /** Tap (0, 0, 0) of frame f's output (0, 0): the bordered pixel (−1, −1) of frame f − 1 (its clip's border plane at t = 0). */
    private static int corner(int f, int frames, int vplane, int vw) { return inside(f, frames, vplane, vw) - vplane - vw - 1; }
}
