package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import java.util.ArrayList;
import java.util.List;

/**
 * What each tap of a 3×3 "same" convolution (stride 1, zero padding 1) reads of every plane, summed: for x
 * (N, C, H, W), {@code out[n, u, v, c] = Σ x[n, c, i, j]} over rows {@code i ∈ R_u} and columns {@code j ∈ C_v},
 * where {@code R_0 = [0, H−1)} (the last row is never read by the top tap), {@code R_1 = [0, H)},
 * {@code R_2 = [1, H)}, and the same for columns. Shape (N, 3, 3, C): tap-major, so that {@code reshape(N·9, C)}
 * is the matrix a 1×1 convolution's weights multiply.
 *
 * <p>Why: the plane mean of a depthwise 3×3 convolution is a weighted sum of these, {@code mean(dw(x))[n, c] =
 * Σ_uv k[c, u, v]·out[n, u, v, c] / (H·W)} (each tap's weight times what it reads), and a 1×1 convolution
 * {@code m = W·x + b} maps them linearly, {@code taps(m) = W·taps(x) + b·|R_u|·|C_v|}. ACTION-Net's motion
 * excitation only ever averages its squeezed and depthwise-filtered maps (Wang, She, Smolic, CVPR 2021, Eq. 6–7;
 * V-Sense/ACTION-Net {@code models/action.py}, {@code x_p3}), so in evaluation it needs these sums of xs, not the
 * full-resolution maps. Each is the plane sum less an edge row and column, plus a corner; a backend reads each plane
 * once. Evaluation only (no autograd): {@link #inference} refuses while gradients are on.
 *
 * <pre>{@code
 * try (var noGrad = GradMode.disable()) {
 *     Tensor taps = TapSums.inference(x);    // x (N, C, H, W) → (N, 3, 3, C)
 * }
 * }</pre>
 */
public final class TapSums {
    private TapSums() {}

    /** The tap sums by the backend's kernel; refused while gradients are on. */
    public static Tensor inference(Tensor x) {
        String op = "tap_sums";
        if (GradMode.isEnabled()) throw new IllegalStateException(op + ": evaluation only; run under GradMode.disable()");
        check(op, x);
        long t0 = InferenceProfile.start();
        return InferenceProfile.stopOp(t0, op, x, x.backend().tapSums(x));
    }

    /** Rows (or columns) tap u of a 3×3 "same" convolution reads of an axis of {@code size}: {@code |R_u|}. */
    public static int reads(int u, int size) { return u == 1 ? size : Math.max(0, size - 1); }

    /** The definition: each tap's rows and columns narrowed out of x and summed (zero where a range is empty). */
    public static Tensor composed(Tensor x) {
        check("tap_sums", x);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        List<Tensor> taps = new ArrayList<>(9);
        for (int u = 0; u < 3; u++) {
            for (int v = 0; v < 3; v++) {
                int rows = reads(u, h), cols = reads(v, w);
                taps.add(rows == 0 || cols == 0
                        ? Tensor.zeros(x.dtype(), x.device(), n, 1, c)
                        : x.narrow(2, u == 2 ? 1 : 0, rows).narrow(3, v == 2 ? 1 : 0, cols).sum(2, 3).reshape(n, 1, c));
            }
        }
        return Tensor.cat(taps, 1).reshape(n, 3, 3, c);
    }

    static void check(String op, Tensor x) {
        if (x.rank() != 4) throw new ShapeException(op + ": input must be (N, C, H, W), got " + x.shape());
    }
}
