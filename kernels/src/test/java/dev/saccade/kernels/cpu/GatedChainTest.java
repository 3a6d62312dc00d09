package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.PreparedConv;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bottleneck chain whose first link reads x through an input gate ({@link ConvChain.Link#gate}): ACTION-Net's
 * excitation and M2A's, against the gated 1×1 convolution run alone ({@link ConvFused#forwardExcited},
 * {@link ConvFused#forwardUpGated}) followed by the other links layer by layer, bit for bit; then the backend op
 * ({@code InferenceConv.applyChain} with an {@link InferenceConv.InputGate}) against the ops one by one and the
 * SPI's composed default, where it writes its output, and what it refuses.
 */
class GatedChainTest {
    /** ACTION's gates: (N, C_in) and (N, P), offset 3. */
    private static ConvFused.Excitation excitation(ConvGeometry g, Random rnd) {
        return new ConvFused.Excitation(KernelArrays.gaussian(rnd, g.n() * g.cIn()), KernelArrays.gaussian(rnd, g.n() * g.inPlane()), 3);
    }

    /** M2A's: conv_up r → C_in (with its bias) on an attended (N, r, P). */
    private static ConvFused.UpGate upGate(ConvGeometry g, int r, Random rnd) {
        PackedConvWeights up = PackedConvWeights.pack(KernelArrays.gaussian(rnd, g.cIn() * r), KernelArrays.gaussian(rnd, g.cIn()),
                g.cIn(), 1, r, false);
        return new ConvFused.UpGate(KernelArrays.gaussian(rnd, g.n() * r * g.inPlane()), up);
    }

    /** The gated first link alone over the whole batch, then the others layer by layer. */
    private static float[] layerByLayer(List<ConvChain.Link> links, float[] x, float[] residual) {
        ConvChain.Link first = links.get(0);
        float[] h = new float[first.g().outputLength()];
        switch (first.gate()) {
            case ConvFused.Excitation e -> ConvFused.forwardExcited(first.g(), x, first.w(), null, first.act(), e.channel(),
                    e.pixel(), e.offset(), h);
            case ConvFused.UpGate u -> ConvFused.forwardUpGated(first.g(), x, u.attended(), u.up(), first.w(), null, first.act(),
                    first.shiftFrames(), first.shiftFold(), h);
        }
        return ConvChainTest.layerByLayer(links.subList(1, links.size()), h, residual);
    }

    static Stream<Arguments> gatedChains() {
        List<Arguments> out = new ArrayList<>();
        for (int threads : new int[] {1, CpuThreads.threads()}) {
            out.add(Arguments.of("excited, odd plane", ConvChainTest.bottleneck(6, 48, 16, 13, 11), false, 0, threads));
            out.add(Arguments.of("excited, small planes, short last step", ConvChainTest.bottleneck(7, 32, 16, 5, 5), false, 0, threads));
            for (int frames : new int[] {0, 1, 3, 4}) {
                out.add(Arguments.of("up-gated, odd plane", ConvChainTest.bottleneck(12, 64, 16, 11, 9), true, frames, threads));
            }
            out.add(Arguments.of("up-gated, small planes, shift", ConvChainTest.bottleneck(8, 40, 8, 6, 7), true, 4, threads));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, up={2}, T={3}, threads={4}")
    @MethodSource("gatedChains")
    void matchesTheGatedConvolutionThenLayerByLayer(String name, List<ConvGeometry> gs, boolean up, int frames, int threads) {
        Random rnd = new Random(gs.hashCode() + frames);
        List<ConvChain.Link> plain = ConvChainTest.links(gs, frames, rnd);
        ConvGeometry first = gs.get(0), last = gs.get(gs.size() - 1);
        ConvFused.InputGate gate = up ? upGate(first, first.cIn() / 8, rnd) : excitation(first, rnd);
        List<ConvChain.Link> links = new ArrayList<>(plain);
        links.set(0, plain.get(0).withGate(gate));
        assertTrue(ConvChain.supports(links), name);
        float[] x = KernelArrays.gaussian(rnd, first.inputLength()), res = KernelArrays.gaussian(rnd, last.outputLength());
        float[] want = layerByLayer(links, x, res);
        assertFalse(java.util.Arrays.equals(want, ConvChainTest.layerByLayer(plain, x, res)), "the gate changes the output");
        float[] y = new float[last.outputLength()];
        java.util.Arrays.fill(y, Float.NaN);                                // every element must be written
        try (var limit = CpuThreads.limit(threads)) { ConvChain.forward(links, x, res, y); }
        assertArrayEquals(want, y, name);
        float[] into = res.clone();                                        // the shortcut's own array (x is another)
        try (var limit = CpuThreads.limit(threads)) { ConvChain.forward(links, x, into, into); }
        assertArrayEquals(want, into, name + ", into the residual");
        if (up && frames == 0) {                                           // M2A without TSM: x is the shortcut too
            float[] own = x.clone();
            want = layerByLayer(links, x, x);
            try (var limit = CpuThreads.limit(threads)) { ConvChain.forward(links, own, own, own); }
            assertArrayEquals(want, own, name + ", into x");
        }
    }

    @Test
    void refusesGatesItCannotRead() {
        Random rnd = new Random(3);
        List<ConvChain.Link> b = ConvChainTest.links(ConvChainTest.bottleneck(4, 32, 8, 6, 6), 0, rnd);
        ConvGeometry g = b.get(0).g();
        ConvFused.Excitation e = excitation(g, rnd);
        assertTrue(ConvChain.supports(List.of(b.get(0).withGate(e), b.get(1), b.get(2))));
        assertFalse(ConvChain.supports(List.of(b.get(0), b.get(1), b.get(2).withGate(excitation(b.get(2).g(), rnd)))),
                "a gate after the first link");
        ConvChain.Link shifted = new ConvChain.Link(g, b.get(0).w(), ConvActivation.RELU, 2, 4);
        assertFalse(ConvChain.supports(List.of(shifted.withGate(e), b.get(1), b.get(2))), "ACTION's gates under a shift");
        assertTrue(ConvChain.supports(List.of(shifted.withGate(upGate(g, 4, rnd)), b.get(1), b.get(2))), "M2A's under a shift");
        List<ConvChain.Link> ir = ConvChainTest.links(ConvChainTest.invertedResidual(4, 8, 16, 8, 6, 6, 1), 0, rnd);
        assertFalse(ConvChain.supports(List.of(ir.get(1).withGate(excitation(ir.get(1).g(), rnd)), ir.get(2))), "a gate on a depthwise first link");

        float[] x = new float[g.inputLength()], y = new float[b.get(2).g().outputLength()];
        ConvFused.Excitation shortGates = new ConvFused.Excitation(new float[g.n() * g.cIn() - 1], e.pixel(), 3);
        var err = assertThrows(IllegalArgumentException.class,
                () -> ConvChain.forward(List.of(b.get(0).withGate(shortGates), b.get(1), b.get(2)), x, null, y));
        assertTrue(err.getMessage().contains("(N, C_in) = 128"), err.getMessage());
        ConvFused.UpGate wide = upGate(ConvGeometry.conv2d(4, 40, 8, 6, 6, 1, 1, 0), 4, rnd);          // 40 channels, not 32
        err = assertThrows(IllegalArgumentException.class,
                () -> ConvChain.forward(List.of(b.get(0).withGate(wide), b.get(1), b.get(2)), x, null, y));
        assertTrue(err.getMessage().contains("conv_up (C_out=40"), err.getMessage());
        List<ConvChain.Link> m2aShifted = List.of(shifted.withGate(upGate(g, 4, rnd)), b.get(1), b.get(2));
        float[] same = new float[g.inputLength()];
        err = assertThrows(IllegalArgumentException.class, () -> ConvChain.forward(m2aShifted, same, same, same));
        assertTrue(err.getMessage().contains("shift"), err.getMessage());
    }

    /**
     * Through the backend on 23 × 23 planes (depth first) and 22 × 23 (not: the op then runs the gated convolution
     * and the others as their own ops): the floats of the ops one by one, the composed default's within 1e-5, the
     * output in the residual's storage where no step reads what another has written.
     */
    @Test
    void backendOpMatchesTheOpsOneByOne() {
        CpuBackend cpu = new CpuBackend();
        SplittableRandom rng = new SplittableRandom(11);
        int n = 4, c = 32, m = 16, r = 4;
        PreparedConv[] convs = ConvChainTest.preparedBottleneck(cpu, rng, c, m);
        PreparedConv c1 = convs[0], c2 = convs[1], c3 = convs[2];
        PreparedConv up = cpu.prepareConv(Tensor.uniform(rng, -0.5, 0.5, c, r, 1, 1), Tensor.uniform(rng, -0.5, 0.5, c), ConvParams.uniform(2, 1, 0, 1, 1));
        try (var noGrad = GradMode.disable()) {
            for (int w : new int[] {23, 22}) {
                for (int frames : new int[] {0, 2}) {
                    List<InferenceConv.Link> links = List.of(new InferenceConv.Link(c1, ConvActivation.RELU, frames, 8),
                            new InferenceConv.Link(c2, ConvActivation.RELU, 0, 0), new InferenceConv.Link(c3, ConvActivation.RELU, 0, 0));
                    Tensor x = Tensor.uniform(rng, -1, 1, n, c, 23, w);
                    assertEquals(w == 23, InferenceConv.runsDepthFirst(x, links), "depth first at 23 × " + w);
                    Tensor attended = Tensor.uniform(rng, -1, 1, n, r, 23, w);
                    var upGated = new InferenceConv.InputGate.UpGated(attended, up);
                    Tensor h = InferenceConv.applyUpGated(x, attended, up, c1, null, ConvActivation.RELU, frames, 8);
                    float[] want = opsAfterFirst(h, links, x);
                    String where = "up-gated, 23 × " + w + ", T=" + frames;
                    assertArrayEquals(want, InferenceConv.applyChain(x, upGated, links, x, false).toFloatArray(), where);
                    assertClose(want, ConvChainTest.composedDefault(cpu).convInferenceChainGated(x, upGated, links, x, false).toFloatArray(), where);
                    Tensor own = x.add(0);
                    Tensor out = InferenceConv.applyChain(own, upGated, links, own, true);
                    assertEquals(w == 23 && frames == 0, InferenceConv.sharesStorage(out, own), where + ": into x's storage");
                    assertArrayEquals(want, out.toFloatArray(), where + ", into the residual");
                    if (frames > 0) continue;

                    Tensor channel = Tensor.uniform(rng, -1, 1, n, c, 1, 1), pixel = Tensor.uniform(rng, -1, 1, n, 1, 23, w);
                    var excited = new InferenceConv.InputGate.Excited(channel, pixel, 3);
                    Tensor xs = Tensor.uniform(rng, -1, 1, n, c, 23, w);
                    h = InferenceConv.applyExcited(xs, c1, channel, pixel, 3, null, ConvActivation.RELU);
                    want = opsAfterFirst(h, links, x);
                    where = "excited, 23 × " + w;
                    assertArrayEquals(want, InferenceConv.applyChain(xs, excited, links, x, false).toFloatArray(), where);
                    assertClose(want, ConvChainTest.composedDefault(cpu).convInferenceChainGated(xs, excited, links, x, false).toFloatArray(), where);
                    Tensor shortcut = x.add(0);
                    out = InferenceConv.applyChain(xs, excited, links, shortcut, true);
                    assertEquals(w == 23, InferenceConv.sharesStorage(out, shortcut), where + ": into the shortcut's storage");
                    assertArrayEquals(want, out.toFloatArray(), where + ", into the residual");
                }
            }
            Tensor x = Tensor.uniform(rng, -1, 1, n, c, 23, 23);
            List<InferenceConv.Link> links = List.of(new InferenceConv.Link(c1, ConvActivation.RELU, 0, 0),
                    new InferenceConv.Link(c2, ConvActivation.RELU, 0, 0), new InferenceConv.Link(c3, ConvActivation.RELU, 0, 0));
            var bad = assertThrows(ShapeException.class, () -> InferenceConv.applyChain(x,
                    new InferenceConv.InputGate.Excited(Tensor.zeros(n, c, 1, 2), Tensor.zeros(n, 1, 23, 23), 3), links, x, false));
            assertTrue(bad.getMessage().contains("inference_conv_chain_excited: channel gate"), bad.getMessage());
            bad = assertThrows(ShapeException.class, () -> InferenceConv.applyChain(x,
                    new InferenceConv.InputGate.Excited(Tensor.zeros(n, c, 1, 1), Tensor.zeros(n, 1, 23, 22), 3), links, x, false));
            assertTrue(bad.getMessage().contains("pixel gate"), bad.getMessage());
            bad = assertThrows(ShapeException.class, () -> InferenceConv.applyChain(x,
                    new InferenceConv.InputGate.UpGated(Tensor.zeros(n, r, 23, 23), c3), links, x, false));
            assertTrue(bad.getMessage().contains("inference_conv_chain_up_gated"), bad.getMessage());
            List<InferenceConv.Link> shifted = List.of(new InferenceConv.Link(c1, ConvActivation.RELU, 2, 8), links.get(1), links.get(2));
            var refused = assertThrows(IllegalArgumentException.class, () -> InferenceConv.applyChain(x,
                    new InferenceConv.InputGate.Excited(Tensor.zeros(n, c, 1, 1), Tensor.zeros(n, 1, 23, 23), 3), shifted, x, false));
            assertTrue(refused.getMessage().contains("without a shift"), refused.getMessage());
            refused = assertThrows(IllegalArgumentException.class, () -> InferenceConv.applyChain(x,
                    new InferenceConv.InputGate.UpGated(Tensor.zeros(n, r, 23, 23), up), links, null, true));
            assertTrue(refused.getMessage().contains("intoResidual needs a residual"), refused.getMessage());
        }
        Tensor x = Tensor.zeros(n, c, 23, 23);
        assertThrows(IllegalStateException.class, () -> InferenceConv.applyChain(x, new InferenceConv.InputGate.UpGated(
                Tensor.zeros(n, r, 23, 23), up), List.of(new InferenceConv.Link(c1, ConvActivation.RELU, 0, 0)), null, false), "gradients enabled");
    }

    /** The links after the first, op by op on its output h (the last with the residual). */
    private static float[] opsAfterFirst(Tensor h, List<InferenceConv.Link> links, Tensor residual) {
        for (int i = 1; i < links.size(); i++) {
            InferenceConv.Link l = links.get(i);
            h = InferenceConv.apply(h, l.conv(), i == links.size() - 1 ? residual : null, l.act(), 0, 0);
        }
        return h.toFloatArray();
    }

    private static void assertClose(float[] want, float[] got, String where) {
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        assertTrue(worst <= 1e-5, where + ": the composed default differs by " + worst);
    }
}
