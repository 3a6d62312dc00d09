package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.AttendedChain;
import dev.saccade.tensor.ops.ChannelAttentionGates;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.PreparedConv;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ConvChain}'s tails. CBAM after the last link ({@link dev.saccade.tensor.ops.AttendedChain} on the CPU) against
 * the same steps over the whole batch — the links layer by layer, the last pooling as it stores
 * ({@link ConvFused#forwardPooled}), {@link CpuChannelAttentionGates}, {@link CpuSpatialAttentionGate} with the
 * residual and a ReLU — on bottlenecks with and without TSM's shift, odd planes, clips of 3, 1 thread and all; the
 * output into the shortcut's own array; the backend op against its composed forms; what it refuses. The pooled
 * tail ({@link InferenceConv#applyChainPooled}, W3's) against {@link ConvFused#forwardPooled} over the whole batch.
 */
class AttendedChainTest {
    /** Relative agreement: the spatial means are summed per step here and per column range there (last bits). */
    private static final double TOLERANCE = 1e-5;

    /** CBAM's weights for C channels, hidden C/4, a k×k spatial kernel. */
    static ConvChain.Cbam cbam(int c, int k, Random rnd) {
        int hidden = Math.max(1, c / 4);
        float[] w1 = scaled(KernelArrays.gaussian(rnd, hidden * c), 0.3f), w2 = scaled(KernelArrays.gaussian(rnd, c * hidden), 0.5f);
        return new ConvChain.Cbam(w1, KernelArrays.gaussian(rnd, hidden), w2, KernelArrays.gaussian(rnd, c), hidden,
                scaled(KernelArrays.gaussian(rnd, 2 * k * k), 0.3f), k);
    }

    private static float[] scaled(float[] a, float s) {
        for (int i = 0; i < a.length; i++) a[i] *= s;
        return a;
    }

    /** The reference: every step over the whole batch, F written out and read back by the attention's two kernels. */
    static float[] reference(List<ConvChain.Link> links, float[] x, float[] residual, ConvChain.Cbam a) {
        float[] in = x;
        for (int i = 0; i < links.size() - 1; i++) {
            ConvChain.Link l = links.get(i);
            float[] out = new float[l.g().outputLength()];
            if (l.winograd() != null) WinogradConv.forward(l.g(), in, l.winograd(), null, l.act(), out);
            else ConvFused.forward(l.g(), in, l.w(), null, l.act(), l.shiftFrames(), l.shiftFold(), out);
            in = out;
        }
        ConvGeometry g = links.getLast().g();
        int n = g.n(), c = g.cOut(), h = g.outputSize()[0], w = g.outputSize()[1];
        float[] f = new float[g.outputLength()], pooled = new float[2 * n * c], mc = new float[n * c], y = new float[f.length];
        ConvFused.forwardPooled(g, in, links.getLast().w(), f, pooled);
        CpuChannelAttentionGates.forward(pooled, 0, n, 1, c, a.hidden(), a.w1(), a.b1(), a.w2(), a.b2(), null, null, mc);
        CpuSpatialAttentionGate.forward(f, 0, mc, a.kernel(), a.k(), residual, 0, ConvActivation.RELU, y, 0,
                new float[n * h * w], n, c, h, w);
        return y;
    }

    static Stream<Arguments> chains() {
        return Stream.of(1, CpuThreads.threads()).flatMap(threads -> Stream.of(
                Arguments.of("shift, T=4, 13 × 11", ConvChainTest.bottleneck(8, 64, 16, 13, 11), 4, 7, threads),
                Arguments.of("clips of 3, 9 × 10", ConvChainTest.bottleneck(6, 48, 16, 9, 10), 3, 5, threads),
                Arguments.of("T=1, 7 × 7", ConvChainTest.bottleneck(3, 32, 24, 7, 7), 1, 3, threads),
                Arguments.of("no shift, 23 × 23", ConvChainTest.bottleneck(5, 32, 16, 23, 23), 0, 7, threads),
                Arguments.of("two links, C_out 20", List.of(ConvGeometry.conv2d(4, 12, 16, 6, 9, 1, 1, 0),
                        ConvGeometry.conv2d(4, 16, 20, 6, 9, 1, 1, 0)), 2, 3, threads)));
    }

    @ParameterizedTest(name = "{0}, k={3}, threads={4}")
    @MethodSource("chains")
    void matchesTheAttentionOverTheWholeBatch(String name, List<ConvGeometry> gs, int frames, int k, int threads) {
        Random rnd = new Random(name.hashCode());
        List<ConvChain.Link> links = ConvChainTest.links(gs, frames, rnd);
        ConvGeometry first = gs.getFirst(), last = gs.getLast();
        ConvChain.Cbam a = cbam(last.cOut(), k, rnd);
        float[] x = KernelArrays.gaussian(rnd, first.inputLength()), res = KernelArrays.gaussian(rnd, last.outputLength());
        float[] want = reference(links, x, res, a), y = new float[want.length];
        java.util.Arrays.fill(y, Float.NaN);                                // every element must be written
        try (var limit = CpuThreads.limit(threads)) { ConvChain.forward(links, x, res, y, a); }
        assertClose(want, y, name);
    }

    /**
     * The pooled tail ({@link ConvChain.Pooled}, for W3): y bit for bit the layer-by-layer output, the maxes those of
     * {@link ConvFused#forwardPooled} over the whole batch, the means within rounding (summed per step).
     */
    @ParameterizedTest(name = "{0}, threads={4}")
    @MethodSource("chains")
    void poolsTheLastLinkAsTheWholeBatchDoes(String name, List<ConvGeometry> gs, int frames, int k, int threads) {
        Random rnd = new Random(name.hashCode() + 1);
        List<ConvChain.Link> links = ConvChainTest.links(gs, frames, rnd);
        ConvGeometry last = gs.getLast();
        float[] x = KernelArrays.gaussian(rnd, gs.getFirst().inputLength());
        float[] in = ConvChainTest.layerByLayer(links.subList(0, links.size() - 1), x, null);
        float[] want = new float[last.outputLength()], wantPooled = new float[2 * last.n() * last.cOut()];
        ConvFused.forwardPooled(last, links.size() == 1 ? x : in, links.getLast().w(), want, wantPooled);
        float[] y = new float[want.length], pooled = new float[wantPooled.length];
        java.util.Arrays.fill(y, Float.NaN);
        java.util.Arrays.fill(pooled, Float.NaN);
        try (var limit = CpuThreads.limit(threads)) { ConvChain.forward(links, x, null, y, new ConvChain.Pooled(pooled)); }
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, y, name + ": the output");
        int half = wantPooled.length / 2;
        org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(wantPooled, half, 2 * half),
                java.util.Arrays.copyOfRange(pooled, half, 2 * half), name + ": the maxes");
        assertClose(java.util.Arrays.copyOf(wantPooled, half), java.util.Arrays.copyOf(pooled, half), name + ": the means");
    }

    /**
     * The output into the shortcut's own array: x itself when nothing shifts (each step reads only its own images),
     * a separate shortcut under the shift; y as x under the shift is refused, and so are a missing residual and a
     * last link with an activation.
     */
    @Test
    void writesIntoTheShortcutAndRefusesWhatItCannotAttend() {
        for (int threads : new int[] {1, CpuThreads.threads()}) {
            Random rnd = new Random(23);
            List<ConvChain.Link> plain = ConvChainTest.links(ConvChainTest.bottleneck(6, 64, 16, 10, 9), 0, rnd);
            ConvChain.Cbam a = cbam(64, 7, rnd);
            float[] x = KernelArrays.gaussian(rnd, plain.getFirst().g().inputLength());
            float[] want = reference(plain, x, x, a), y = x.clone();
            try (var limit = CpuThreads.limit(threads)) { ConvChain.forward(plain, y, y, y, a); }   // x, residual and y one array
            assertClose(want, y, "into x, no shift, threads=" + threads);

            List<ConvChain.Link> shifted = ConvChainTest.links(ConvChainTest.bottleneck(6, 64, 16, 10, 9), 3, rnd);
            float[] shortcut = KernelArrays.gaussian(rnd, shifted.getLast().g().outputLength());
            want = reference(shifted, x, shortcut, a);
            float[] into = shortcut.clone();
            try (var limit = CpuThreads.limit(threads)) { ConvChain.forward(shifted, x, into, into, a); }
            assertClose(want, into, "into a separate shortcut, shift, threads=" + threads);
        }
        Random rnd = new Random(24);
        List<ConvChain.Link> shifted = ConvChainTest.links(ConvChainTest.bottleneck(4, 64, 16, 6, 6), 2, rnd);
        ConvChain.Cbam a = cbam(64, 3, rnd);
        float[] x = new float[shifted.getFirst().g().inputLength()];
        var e = assertThrows(IllegalArgumentException.class, () -> ConvChain.forward(shifted, x, x, x, a));
        assertTrue(e.getMessage().contains("shift"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvChain.forward(shifted, x, null, new float[x.length], a));
        assertTrue(e.getMessage().contains("residual"), e.getMessage());
        ConvChain.Link l = shifted.getLast();
        List<ConvChain.Link> rectified = List.of(shifted.get(0), shifted.get(1), new ConvChain.Link(l.g(), l.w(), ConvActivation.RELU, 0, 0));
        e = assertThrows(IllegalArgumentException.class, () -> ConvChain.forward(rectified, x, x.clone(), new float[x.length], a));
        assertTrue(e.getMessage().contains("RELU"), e.getMessage());
        float[] pooled = new float[2 * l.g().n() * l.g().cOut()];
        e = assertThrows(IllegalArgumentException.class, () -> ConvChain.forward(shifted, x, x.clone(), new float[x.length], new ConvChain.Pooled(pooled)));
        assertTrue(e.getMessage().contains("no residual"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvChain.forward(shifted, x, null, new float[x.length], new ConvChain.Pooled(new float[pooled.length - 1])));
        assertTrue(e.getMessage().contains("(2, N, C_out)"), e.getMessage());
    }

    /**
     * The op through the CPU backend (depth first from a 529-position plane) against {@link AttendedChain#composed}
     * (the public ops one by one) and the SPI's default, with and without the shift, into the shortcut's storage
     * when it is x and nothing shifts; then the shapes and arguments it refuses.
     */
    @Test
    void backendOpMatchesItsComposedForms() {
        CpuBackend cpu = new CpuBackend();
        SplittableRandom rng = new SplittableRandom(11);
        int n = 4, c = 32, m = 16, hidden = 8;
        PreparedConv[] convs = ConvChainTest.preparedBottleneck(cpu, rng, c, m);
        PreparedConv c1 = convs[0], c2 = convs[1], c3 = convs[2];
        ChannelAttentionGates.Weights cw = new ChannelAttentionGates.Weights(Tensor.uniform(rng, -0.3, 0.3, hidden, c),
                Tensor.uniform(rng, -0.3, 0.3, hidden), Tensor.uniform(rng, -0.3, 0.3, c, hidden), Tensor.uniform(rng, -0.3, 0.3, c), null, null);
        AttendedChain.Attention attention = new AttendedChain.Attention(cw, Tensor.uniform(rng, -0.3, 0.3, 1, 2, 7, 7));
        try (var noGrad = GradMode.disable()) {
            for (int frames : new int[] {0, 2}) {
                List<InferenceConv.Link> links = List.of(new InferenceConv.Link(c1, ConvActivation.RELU, frames, 8),
                        new InferenceConv.Link(c2, ConvActivation.RELU, 0, 0), new InferenceConv.Link(c3, ConvActivation.NONE, 0, 0));
                Tensor x = Tensor.uniform(rng, -1, 1, n, c, 23, 23);
                assertTrue(InferenceConv.runsDepthFirst(x, links), "529 positions, T=" + frames);
                float[] want = AttendedChain.composed(x, links, attention, x).toFloatArray();
                assertClose(want, AttendedChain.inference(x, links, attention, x, false).toFloatArray(), "T=" + frames);
                assertClose(want, ConvChainTest.composedDefault(cpu).convInferenceChainAttended(x, links, attention, x, false).toFloatArray(),
                        "the SPI's default, T=" + frames);
                Tensor[] yp = InferenceConv.applyChainPooled(x, links), unchained = ConvChainTest.composedDefault(cpu).convInferenceChainPooled(x, links);
                assertClose(unchained[0].toFloatArray(), yp[0].toFloatArray(), "the pooled chain's output, T=" + frames);
                assertClose(unchained[1].toFloatArray(), yp[1].toFloatArray(), "the pooled chain's [mean; max], T=" + frames);
                Tensor own = x.add(0);                                                  // a shortcut of its own, also x
                Tensor out = AttendedChain.inference(own, links, attention, own, true);
                assertEquals(frames == 0, InferenceConv.sharesStorage(out, own), "written into x's storage, T=" + frames);
                assertClose(want, out.toFloatArray(), "into the residual, T=" + frames);
            }
            Tensor x = Tensor.uniform(rng, -1, 1, n, c, 23, 23);
            List<InferenceConv.Link> links = List.of(new InferenceConv.Link(c1, ConvActivation.RELU, 0, 0),
                    new InferenceConv.Link(c2, ConvActivation.RELU, 0, 0), new InferenceConv.Link(c3, ConvActivation.RELU, 0, 0));
            var e = assertThrows(IllegalArgumentException.class, () -> AttendedChain.inference(x, links, attention, x, false));
            assertTrue(e.getMessage().contains("activation"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> InferenceConv.applyChainPooled(x, links));
            assertTrue(e.getMessage().contains("NONE"), e.getMessage());
            List<InferenceConv.Link> ok = List.of(links.get(0), links.get(1), new InferenceConv.Link(c3, ConvActivation.NONE, 0, 0));
            var wrong = new AttendedChain.Attention(new ChannelAttentionGates.Weights(Tensor.zeros(hidden, c + 1), cw.b1(), cw.w2(),
                    cw.b2(), null, null), attention.spatialKernel());
            var shape = assertThrows(ShapeException.class, () -> AttendedChain.inference(x, ok, wrong, x, false));
            assertTrue(shape.getMessage().contains("w1"), shape.getMessage());
            shape = assertThrows(ShapeException.class, () -> AttendedChain.inference(x, ok, attention, Tensor.zeros(n, c, 23, 22), false));
            assertTrue(shape.getMessage().contains("residual"), shape.getMessage());
            shape = assertThrows(ShapeException.class, () -> AttendedChain.inference(x.reshape(1, n, c, 23, 23), ok, attention, x, false));
            assertTrue(shape.getMessage().contains("(N·T, C, H, W)"), shape.getMessage());
            var temporal = assertThrows(IllegalArgumentException.class, () -> new AttendedChain.Attention(new ChannelAttentionGates.Weights(
                    cw.w1(), cw.b1(), cw.w2(), cw.b2(), Tensor.zeros(c, 1, 3), Tensor.zeros(c, 1, 3)), attention.spatialKernel()));
            assertTrue(temporal.getMessage().contains("temporal"), temporal.getMessage());
            shape = assertThrows(ShapeException.class, () -> new AttendedChain.Attention(cw, Tensor.zeros(1, 2, 6, 6)));
            assertTrue(shape.getMessage().contains("k odd"), shape.getMessage());
        }
        Tensor x = Tensor.zeros(n, c, 23, 23);
        assertThrows(IllegalStateException.class, () -> AttendedChain.inference(x, List.of(new InferenceConv.Link(c1, ConvActivation.RELU, 0, 0),
                new InferenceConv.Link(c2, ConvActivation.RELU, 0, 0), new InferenceConv.Link(c3, ConvActivation.NONE, 0, 0)), attention, x, false),
                "gradients enabled");
    }

    private static void assertClose(float[] want, float[] got, String what) {
        double diff = 0, scale = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
            if (Float.isNaN(got[i])) throw new AssertionError(what + ": element " + i + " is NaN (not written)");
        }
        assertTrue(scale > 0.1, what + ": the reference is nearly all zeros (" + scale + ")");
        assertTrue(diff <= TOLERANCE * scale, what + ": max |diff| " + diff + " over max |ref| " + scale);
    }
}
