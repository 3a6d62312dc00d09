package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.FrameDifferenceAction;
import dev.saccade.tensor.ops.FrameDifferenceM2a;
import dev.saccade.tensor.ops.OnlineTemporalShift;
import dev.saccade.tensor.ops.TemporalShift;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The temporal ops' forward against the published definitions, written out element by element. */
class TemporalOpsReferenceTest {
    private static final int N = 2, T = 4, C = 16, H = 3, W = 2;

    private static double at(double[] x, int n, int t, int c, int h, int w) {
        return x[(((n * T + t) * C + c) * H + h) * W + w];
    }

    @Test void shiftMatchesTsmDefinition() {
        Tensor x = Tensor.uniform(new SplittableRandom(1), -1, 1, N * T, C, H, W).to(dev.saccade.tensor.DType.F64);
        double[] xs = x.toDoubleArray();
        double[] y = new TemporalShift(T, 8).apply(x).toDoubleArray();
        int fold = C / 8;
        for (int n = 0; n < N; n++) for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) {
            double expected;
            if (c < fold) expected = t < T - 1 ? at(xs, n, t + 1, c, h, w) : 0;           // takes frame t+1
            else if (c < 2 * fold) expected = t > 0 ? at(xs, n, t - 1, c, h, w) : 0;      // takes frame t−1
            else expected = at(xs, n, t, c, h, w);
            assertEquals(expected, at(y, n, t, c, h, w), 0, "shift at n=" + n + " t=" + t + " c=" + c);
        }
    }

    /** The TSM online demo's uni-directional shift: the first C/8 channels come from the previous frame (zeros first). */
    @Test void onlineShiftMatchesTsmOnlineDefinition() {
        Tensor x = Tensor.uniform(new SplittableRandom(5), -1, 1, N * T, C, H, W).to(dev.saccade.tensor.DType.F64);
        double[] xs = x.toDoubleArray();
        double[] y = new OnlineTemporalShift(T, 8).apply(x).toDoubleArray();
        int fold = C / 8;
        for (int n = 0; n < N; n++) for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) {
            double expected = c < fold ? (t > 0 ? at(xs, n, t - 1, c, h, w) : 0) : at(xs, n, t, c, h, w);
            assertEquals(expected, at(y, n, t, c, h, w), 0, "online shift at n=" + n + " t=" + t + " c=" + c);
        }
    }

    @Test void onlineShiftBackwardIsTheInverseShift() {
        Tensor x = Tensor.uniform(new SplittableRandom(6), -1, 1, N * T, C, H, W).to(dev.saccade.tensor.DType.F64).setRequiresGrad(true);
        Tensor g = Tensor.uniform(new SplittableRandom(7), -1, 1, N * T, C, H, W).to(dev.saccade.tensor.DType.F64);
        new OnlineTemporalShift(T, 8).apply(x).mul(g).sum().backward();
        double[] gs = g.toDoubleArray(), gx = x.grad().toDoubleArray();
        int fold = C / 8;
        for (int n = 0; n < N; n++) for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) {
            double expected = c < fold ? (t < T - 1 ? at(gs, n, t + 1, c, 2, 1) : 0) : at(gs, n, t, c, 2, 1);
            assertEquals(expected, at(gx, n, t, c, 2, 1), 0, "online shift gradient at n=" + n + " t=" + t + " c=" + c);
        }
    }

    /** No clips: each frame difference and its backward gives an empty tensor of the input's shape. */
    @Test void frameDifferencesOfAnEmptyBatchAreEmpty() {
        Tensor x = Tensor.zeros(0, C, H, W).setRequiresGrad(true), b = Tensor.zeros(0, C, H, W).setRequiresGrad(true);
        Tensor m2a = new FrameDifferenceM2a(T).apply(x), action = new FrameDifferenceAction(T).apply(x, b);
        assertEquals(x.shape(), m2a.shape());
        assertEquals(x.shape(), action.shape());
        m2a.sum().add(action.sum()).backward();
        assertEquals(x.shape(), x.grad().shape());
        assertEquals(b.shape(), b.grad().shape());
    }

    @Test void m2aMotionHasNegatedLastFrame() {
        Tensor x = Tensor.uniform(new SplittableRandom(2), -1, 1, N * T, C, H, W).to(dev.saccade.tensor.DType.F64);
        double[] xs = x.toDoubleArray();
        double[] y = new FrameDifferenceM2a(T).apply(x).toDoubleArray();
        for (int n = 0; n < N; n++) for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) {
            double expected = t < T - 1 ? at(xs, n, t + 1, c, 1, 1) - at(xs, n, t, c, 1, 1) : -at(xs, n, t, c, 1, 1);
            assertEquals(expected, at(y, n, t, c, 1, 1), 1e-15);
        }
    }

    @Test void actionMotionHasZeroLastFrame() {
        Tensor a = Tensor.uniform(new SplittableRandom(3), -1, 1, N * T, C, H, W).to(dev.saccade.tensor.DType.F64);
        Tensor b = Tensor.uniform(new SplittableRandom(4), -1, 1, N * T, C, H, W).to(dev.saccade.tensor.DType.F64);
        double[] as = a.toDoubleArray(), bs = b.toDoubleArray();
        double[] y = new FrameDifferenceAction(T).apply(a, b).toDoubleArray();
        for (int n = 0; n < N; n++) for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) {
            double expected = t < T - 1 ? at(as, n, t + 1, c, 0, 1) - at(bs, n, t, c, 0, 1) : 0;
            assertEquals(expected, at(y, n, t, c, 0, 1), 1e-15);
        }
    }
}
