package dev.saccade.kernels.cpu;

import static dev.saccade.tensor.testing.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AvgMaxPool;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.BroadcastGate.Combine;
import dev.saccade.tensor.ops.SigmoidGate;
import dev.saccade.tensor.ops.TemporalConv;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused temporal-attention kernels of the CPU backend against their composed references (the ops the modules
 * ran before: permute copies and a grouped conv; broadcast multiplies and adds), with SIMD on and off, on odd
 * shapes, T ∈ {1, 3, 8, 16}, non-contiguous views, rows shorter than a vector and planes of one pixel.
 */
class FusedTemporalOpsTest {
    private final SplittableRandom rng = new SplittableRandom(23);
    private final Backend cpu = new CpuBackend();

    @AfterEach void restore() { Simd.setEnabled(true); }

    /** Runs {@code check} with the Vector API kernels and with their scalar twins. */
    private static void bothPaths(Runnable check) {
        Simd.setEnabled(true);
        check.run();
        Simd.setEnabled(false);
        check.run();
        Simd.setEnabled(true);
    }

    private static void close(String what, Tensor expected, Tensor actual, double tol) {
        assertClose(what + " (simd " + Simd.enabled() + ")", expected.toDoubleArray(), actual.toDoubleArray(), tol, tol);
    }

    /**
     * (N·T, C, H, W) shapes: rows of a vector and more, odd rows with tails, one-pixel planes (W3's maps), frames of
     * several vectors made of planes smaller than one (the temporal conv's weight gradient along whole frames).
     */
    private static final int[][] PLANES = {{5, 7, 3}, {3, 1, 1}, {4, 2, 3}, {2, 4, 9}, {9, 7, 7}, {37, 1, 1}, {20, 2, 2}};

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 16})
    void temporalConvMatchesPermutedGroupedConv(int frames) {
        for (int[] p : PLANES) {
            int c = p[0], h = p[1], w = p[2];
            Tensor x = Tensor.uniform(rng, -1, 1, 2 * frames, c, h, w), k = Tensor.uniform(rng, -1, 1, c, 1, 3);
            Tensor g = Tensor.uniform(rng, -1, 1, 2 * frames, c, h, w);
            String shape = "T=" + frames + " " + x.shape();
            bothPaths(() -> {
                close("temporal_conv " + shape, TemporalConv.composed(cpu, x, k, frames), cpu.temporalConv(x, k, frames), 1e-5);
                Tensor[] ref = TemporalConv.composedBackward(cpu, g, x, k, frames, true, true);
                Tensor[] got = cpu.temporalConvBackward(g, x, k, frames, true, true);
                close("temporal_conv gx " + shape, ref[0], got[0], 1e-5);
                close("temporal_conv gw " + shape, ref[1], got[1], 1e-4);
            });
        }
    }

    @Test void temporalConvOnViewsAndTheShiftKernel() {
        int frames = 3, c = 16;
        Tensor base = Tensor.uniform(rng, -1, 1, 2 * frames, 19, c, 5);             // (N·T, W', C, H) → a permuted view
        Tensor view = base.permute(0, 2, 3, 1).narrow(3, 2, 17);                     // (N·T, C, H, W) non-contiguous
        Tensor k = Tensor.uniform(rng, -1, 1, c, 1, 3);
        Tensor g = Tensor.uniform(rng, -1, 1, 2 * frames, c, 5, 17).transpose(2, 3).contiguous().transpose(2, 3);
        bothPaths(() -> {
            close("temporal_conv of a view", TemporalConv.composed(cpu, view, k, frames), cpu.temporalConv(view, k, frames), 1e-5);
            Tensor[] ref = TemporalConv.composedBackward(cpu, g, view, k, frames, true, true);
            Tensor[] got = cpu.temporalConvBackward(g, view, k, frames, true, true);
            close("temporal_conv gx of views", ref[0], got[0], 1e-5);
            close("temporal_conv gw of views", ref[1], got[1], 1e-4);
            close("temporal_conv of a transposed weight", TemporalConv.composed(cpu, view, k, frames),
                    cpu.temporalConv(view, k.transpose(1, 2).contiguous().transpose(1, 2), frames), 1e-5);
        });
        // TSM's shift as a kernel: the learnable shift at initialisation is exactly the temporal shift
        float[] taps = new float[c * 3];
        for (int ch = 0; ch < c; ch++) taps[ch * 3 + (ch < 2 ? 2 : ch < 4 ? 0 : 1)] = 1;
        Tensor shiftKernel = Tensor.of(taps, c, 1, 3);
        bothPaths(() -> close("temporal_conv with the shift kernel", cpu.temporalShift(view, frames, 8, false),
                cpu.temporalConv(view, shiftKernel, frames), 0));
        Tensor[] onlyW = cpu.temporalConvBackward(g, view, k, frames, false, true);
        assertNull(onlyW[0], "gx not asked for");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 16})
    void broadcastGateMatchesElementwiseOps(int frames) {
        for (int[] p : PLANES) {
            int m = 2 * frames, c = p[0], h = p[1], w = p[2];
            Tensor x = Tensor.uniform(rng, -1, 1, m, c, h, w), g = Tensor.uniform(rng, -1, 1, m, c, h, w);
            Tensor cg = Tensor.uniform(rng, 0, 1, m, c, 1, 1), sg = Tensor.uniform(rng, 0, 1, m, 1, h, w);
            for (Combine combine : Combine.values()) {
                for (int present = 0; present < 4; present++) {
                    Tensor cc = (present & 1) != 0 ? cg : null, ss = (present & 2) != 0 ? sg : null;
                    String what = combine + " c=" + (cc != null) + " s=" + (ss != null) + " " + x.shape();
                    gateCase(what, x, g, cc, ss, combine, 3);
                }
            }
        }
    }

    @Test void broadcastGateOnViews() {
        Tensor base = Tensor.uniform(rng, -1, 1, 6, 11, 5, 9);
        Tensor x = base.transpose(2, 3).narrow(1, 1, 9);                                // (6, 9, 9, 5) non-contiguous
        Tensor g = Tensor.uniform(rng, -1, 1, 6, 9, 5, 9).transpose(2, 3);
        Tensor c = Tensor.uniform(rng, 0, 1, 9, 6).transpose(0, 1).reshape(6, 9, 1, 1);
        Tensor s = Tensor.uniform(rng, 0, 1, 6, 5, 9).transpose(1, 2).unsqueeze(1);     // (6, 1, 9, 5) non-contiguous
        for (Combine combine : Combine.values()) gateCase(combine + " of views", x, g, c, s, combine, 3);
        Tensor narrowed = Tensor.uniform(rng, -1, 1, 6, 9, 9, 6).narrow(3, 1, 5);
        gateCase("SUM of a narrowed x", narrowed, g.contiguous(), c, s, Combine.SUM, 1);
    }

    private void gateCase(String what, Tensor x, Tensor g, Tensor c, Tensor s, Combine combine, double offset) {
        bothPaths(() -> {
            close(what, BroadcastGate.composed(x, c, s, combine, offset), cpu.broadcastGate(x, c, s, combine, offset), 1e-6);
            Tensor[] ref = BroadcastGate.composedBackward(g, x, c, s, combine, offset, true, true, true);
            Tensor[] got = cpu.broadcastGateBackward(g, x, c, s, combine, offset, true, true, true);
            close(what + " gx", ref[0], got[0], 1e-6);
            if (c != null) close(what + " gc", ref[1], got[1], 1e-5); else assertNull(got[1], what + ": no gate, no gradient");
            if (s != null) close(what + " gs", ref[2], got[2], 1e-5); else assertNull(got[2], what + ": no gate, no gradient");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 16})
    void avgMaxPoolMatchesMeanAmaxAndCat(int frames) {
        for (int[] p : PLANES) {
            int m = 2 * frames, c = p[0], h = p[1], w = p[2];
            Tensor x = Tensor.uniform(rng, -1, 1, m, c, h, w), cg = Tensor.uniform(rng, 0, 1, m, c, 1, 1);
            for (AvgMaxPool.Axis axis : AvgMaxPool.Axis.values()) {
                Tensor g = axis == AvgMaxPool.Axis.SPATIAL ? Tensor.uniform(rng, -1, 1, 2, m, c) : Tensor.uniform(rng, -1, 1, m, 2, h, w);
                poolCase(axis + " " + x.shape(), x, null, g, axis);
                poolCase(axis + " scaled " + x.shape(), x, cg, g, axis);
            }
        }
    }

    @Test void avgMaxPoolOnViewsAndTies() {
        Tensor view = Tensor.uniform(rng, -1, 1, 6, 7, 5, 9).transpose(2, 3).narrow(1, 1, 5);   // (6, 5, 9, 5) strided
        Tensor c = Tensor.uniform(rng, 0, 1, 5, 6).transpose(0, 1).reshape(6, 5, 1, 1);
        poolCase("SPATIAL of views", view, c, Tensor.uniform(rng, -1, 1, 2, 6, 5), AvgMaxPool.Axis.SPATIAL);
        poolCase("CHANNEL of views", view, c, Tensor.uniform(rng, -1, 1, 6, 2, 9, 5), AvgMaxPool.Axis.CHANNEL);
        // ties: values on a coarse grid, so each max is shared by several elements (the gradient is split among them)
        float[] grid = new float[4 * 6 * 3 * 5];
        for (int i = 0; i < grid.length; i++) grid[i] = rng.nextInt(4) * 0.5f;
        Tensor ties = Tensor.of(grid, 4, 6, 3, 5);
        poolCase("SPATIAL with ties", ties, null, Tensor.uniform(rng, -1, 1, 2, 4, 6), AvgMaxPool.Axis.SPATIAL);
        poolCase("CHANNEL with ties", ties, null, Tensor.uniform(rng, -1, 1, 4, 2, 3, 5), AvgMaxPool.Axis.CHANNEL);
    }

    private void poolCase(String what, Tensor x, Tensor c, Tensor g, AvgMaxPool.Axis axis) {
        bothPaths(() -> {
            Tensor ref = AvgMaxPool.composed(x, c, axis), got = cpu.avgMaxPool(x, c, axis);
            close("avg_max_pool " + what, ref, got, 1e-6);
            Tensor[] rg = AvgMaxPool.composedBackward(g, x, c, ref, axis, true, true);
            Tensor[] gg = cpu.avgMaxPoolBackward(g, x, c, got, axis, true, true);
            close("avg_max_pool gx " + what, rg[0], gg[0], 1e-6);
            if (c != null) close("avg_max_pool gc " + what, rg[1], gg[1], 1e-5); else assertNull(gg[1], what + ": no scale, no gradient");
        });
    }

    @Test void sigmoidGateMatchesSigmoidMulAdd() {
        for (int[] shape : new int[][] {{6, 5, 7, 3}, {16, 3, 1, 1}, {2, 300, 1, 3}}) {
            Tensor x = Tensor.uniform(rng, -2, 2, shape), z = Tensor.uniform(rng, -6, 6, shape), g = Tensor.uniform(rng, -1, 1, shape);
            sigmoidCase("sigmoid_gate " + x.shape(), x, z, g);
        }
        Tensor view = Tensor.uniform(rng, -2, 2, 6, 7, 5, 3).transpose(1, 3), zv = Tensor.uniform(rng, -6, 6, 6, 3, 5, 7);
        sigmoidCase("sigmoid_gate of a view", view, zv, Tensor.uniform(rng, -1, 1, 6, 3, 5, 7));
    }

    private void sigmoidCase(String what, Tensor x, Tensor z, Tensor g) {
        bothPaths(() -> {
            close(what, SigmoidGate.composed(x, z, 1), cpu.sigmoidGate(x, z, 1), 1e-6);
            Tensor[] ref = SigmoidGate.composedBackward(g, x, z, 1, true, true), got = cpu.sigmoidGateBackward(g, x, z, 1, true, true);
            close(what + " gx", ref[0], got[0], 1e-6);
            close(what + " gz", ref[1], got[1], 1e-6);
        });
    }

    @Test void badShapesNameTheOp() {
        Tensor x = Tensor.zeros(6, 4, 3, 3);
        assertThrows(ShapeException.class, () -> new TemporalConv(3).apply(x, Tensor.zeros(4, 1, 2)));
        assertThrows(ShapeException.class, () -> new TemporalConv(4).apply(x, Tensor.zeros(4, 1, 3)));
        BroadcastGate gate = new BroadcastGate(Combine.SUM, 3);
        Supplier<Tensor> wrongChannel = () -> gate.apply(x, Tensor.zeros(6, 3, 1, 1), null);
        assertThrows(ShapeException.class, wrongChannel::get);
        assertThrows(ShapeException.class, () -> new BroadcastGate(Combine.PRODUCT, 0).apply(x, null, Tensor.zeros(6, 1, 3, 2)));
    }
}
