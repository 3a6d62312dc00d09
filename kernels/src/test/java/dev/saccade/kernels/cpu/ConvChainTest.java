package dev.saccade.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.PreparedConv;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
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
 * {@link ConvChain} (depth first, a few images per thread) against the same links run layer by layer through
 * {@link ConvFused#forward}, bit for bit: MobileNetV2's inverted residuals (shifted expand, depthwise stride 1 and
 * 2, project with and without the residual), odd planes, small planes with several images per step and a short last
 * step, a middle link that is not depthwise; one thread and all. Then the backend op
 * ({@link InferenceConv#applyChain}) against the SPI's composed default, and the shapes it refuses.
 */
class ConvChainTest {
    /** An inverted residual: 1×1 c → e (shifted by T when t > 0), 3×3 depthwise e stride s, 1×1 e → o. */
    static List<ConvGeometry> invertedResidual(int n, int c, int e, int o, int h, int w, int s) {
        ConvGeometry expand = ConvGeometry.conv2d(n, c, e, h, w, 1, 1, 0);
        ConvGeometry dw = ConvGeometry.conv2d(n, e, e, h, w, 3, s, 1).withGroups(e);
        int[] out = dw.outputSize();
        return List.of(expand, dw, ConvGeometry.conv2d(n, e, o, out[0], out[1], 1, 1, 0));
    }

    /** ResNet's bottleneck: 1×1 c → m, 3×3 m (stride 1, padding 1: {@link WinogradConv}'s), 1×1 m → c. */
    static List<ConvGeometry> bottleneck(int n, int c, int m, int h, int w) {
        return List.of(ConvGeometry.conv2d(n, c, m, h, w, 1, 1, 0), ConvGeometry.conv2d(n, m, m, h, w, 3, 1, 1),
                ConvGeometry.conv2d(n, m, c, h, w, 1, 1, 0));
    }

    /** Links of random weights over gs, the first shifted by T = frames; middle 3×3 links carry their Winograd weights. */
    static List<ConvChain.Link> links(List<ConvGeometry> gs, int frames, Random rnd) {
        List<ConvChain.Link> links = new ArrayList<>();
        ConvActivation[] acts = {ConvActivation.RELU6, ConvActivation.RELU, ConvActivation.RELU6, ConvActivation.NONE};
        for (int i = 0; i < gs.size(); i++) {
            ConvGeometry g = gs.get(i);
            int k = g.cInPerGroup() * g.kernelVolume();
            float[] plain = KernelArrays.gaussian(rnd, g.cOut() * k);
            PackedConvWeights w = PackedConvWeights.pack(plain, KernelArrays.gaussian(rnd, g.cOut()), g.cOut(), g.groups(), k, g.isDepthwise());
            ConvActivation act = i == gs.size() - 1 ? ConvActivation.NONE : acts[i];
            boolean middle = i > 0 && i < gs.size() - 1;
            WinogradWeights u = middle && WinogradConv.supports(g) ? w.winograd(() -> plain) : null;
            links.add(new ConvChain.Link(g, w, act, i == 0 ? frames : 0, i == 0 && frames > 0 ? g.cIn() / 3 : 0, u));
        }
        return links;
    }

    /** The links one after the other over the whole batch, as the inference path runs them layer by layer. */
    static float[] layerByLayer(List<ConvChain.Link> links, float[] x, float[] residual) {
        float[] in = x;
        for (int i = 0; i < links.size(); i++) {
            ConvChain.Link l = links.get(i);
            float[] out = new float[l.g().outputLength()], res = i == links.size() - 1 ? residual : null;
            if (l.winograd() != null) WinogradConv.forward(l.g(), in, l.winograd(), res, l.act(), out);
            else ConvFused.forward(l.g(), in, l.w(), res, l.act(), l.shiftFrames(), l.shiftFold(), out);
            in = out;
        }
        return in;
    }

    static Stream<Arguments> chains() {
        List<Arguments> out = new ArrayList<>();
        for (int threads : new int[] {1, CpuThreads.threads()}) {
            out.add(Arguments.of("MobileNetV2-like, shift, residual", invertedResidual(8, 6, 36, 6, 11, 13, 1), 4, true, threads));
            out.add(Arguments.of("stride 2, odd plane", invertedResidual(4, 5, 30, 7, 13, 9, 2), 0, false, threads));
            out.add(Arguments.of("small planes, short last step", invertedResidual(12, 8, 48, 8, 5, 5, 1), 4, true, threads));
            out.add(Arguments.of("7×7 stride 2 to 4×4, one clip of 3", invertedResidual(3, 16, 96, 24, 7, 7, 2), 3, false, threads));
            out.add(Arguments.of("plane over NC columns", invertedResidual(2, 4, 12, 4, 50, 46, 1), 0, true, threads));
            List<ConvGeometry> block1 = invertedResidual(8, 12, 12, 7, 15, 13, 1);   // MobileNetV2's block 1: no expand
            out.add(Arguments.of("depthwise first (block 1)", block1.subList(1, 3), 0, false, threads));
            out.add(Arguments.of("depthwise stride 2 first, residual", invertedResidual(6, 5, 9, 9, 11, 10, 2).subList(1, 3), 0, true, threads));
            out.add(Arguments.of("depthwise last, shift", invertedResidual(8, 6, 20, 6, 9, 9, 2).subList(0, 2), 4, true, threads));
            out.add(Arguments.of("bottleneck, Winograd middle, shift", bottleneck(8, 64, 16, 13, 11), 4, true, threads));
            out.add(Arguments.of("bottleneck, Winograd middle, clips of 3", bottleneck(6, 48, 16, 9, 10), 3, true, threads));
            out.add(Arguments.of("bottleneck, Winograd middle, T=1", bottleneck(3, 32, 24, 7, 7), 1, false, threads));
            out.add(Arguments.of("bottleneck, Winograd middle, no shift", bottleneck(5, 64, 16, 12, 12), 0, true, threads));
            ConvGeometry a = ConvGeometry.conv2d(4, 6, 10, 9, 8, 1, 1, 0), b = ConvGeometry.conv2d(4, 10, 12, 9, 8, 3, 2, 1);
            int[] o = b.outputSize();
            out.add(Arguments.of("middle 3×3/2 GEMM, two middles", List.of(a, b, ConvGeometry.conv2d(4, 12, 12, o[0], o[1], 3, 1, 1)
                    .withGroups(12), ConvGeometry.conv2d(4, 12, 5, o[0], o[1], 1, 1, 0)), 0, false, threads));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, T={2}, residual={3}, threads={4}")
    @MethodSource("chains")
    void matchesLayerByLayerBitForBit(String name, List<ConvGeometry> gs, int frames, boolean residual, int threads) {
        Random rnd = new Random(gs.hashCode());
        List<ConvChain.Link> links = links(gs, frames, rnd);
        assertTrue(ConvChain.supports(links), name);
        ConvGeometry first = gs.get(0), last = gs.get(gs.size() - 1);
        float[] x = KernelArrays.gaussian(rnd, first.inputLength());
        float[] res = residual ? KernelArrays.gaussian(rnd, last.outputLength()) : null;
        float[] in = layerByLayer(links, x, res);
        float[] y = new float[last.outputLength()];
        java.util.Arrays.fill(y, Float.NaN);                                // every element must be written
        try (var limit = CpuThreads.limit(threads)) {
            ConvChain.forward(links, x, res, y);
        }
        assertArrayEquals(in, y, name);
    }

    @Test
    void refusesWhatItCannotRunDepthFirst() {
        PackedConvWeights any = PackedConvWeights.pack(new float[1], null, 1, 1, 1, false);
        List<ConvGeometry> ir = invertedResidual(2, 4, 8, 4, 6, 6, 1);
        ConvChain.Link expand = new ConvChain.Link(ir.get(0), any, ConvActivation.RELU6, 0, 0);
        ConvChain.Link dw = new ConvChain.Link(ir.get(1), any, ConvActivation.RELU6, 0, 0);
        ConvChain.Link project = new ConvChain.Link(ir.get(2), any, ConvActivation.NONE, 0, 0);
        assertTrue(ConvChain.supports(List.of(expand, dw, project)));
        assertFalse(ConvChain.supports(List.of(expand)), "one link");
        assertTrue(ConvChain.supports(List.of(dw, project)), "3×3 depthwise first");
        assertTrue(ConvChain.supports(List.of(expand, dw)), "3×3 depthwise last");
        ConvChain.Link dw5 = new ConvChain.Link(ConvGeometry.conv2d(2, 8, 8, 6, 6, 5, 1, 2).withGroups(8), any, ConvActivation.RELU6, 0, 0);
        assertFalse(ConvChain.supports(List.of(dw5, project)), "5×5 depthwise first");
        assertFalse(ConvChain.supports(List.of(expand, dw5)), "5×5 depthwise last");
        assertFalse(ConvChain.supports(List.of(expand, expand)), "8 channels into a 4-channel input");
        assertFalse(ConvChain.supports(List.of(expand, dw, new ConvChain.Link(ir.get(2), any, ConvActivation.NONE, 2, 1))),
                "a shift after the first link");
        ConvGeometry winograd = ConvGeometry.conv2d(2, 16, 16, 6, 6, 3, 1, 1);
        assertTrue(WinogradConv.supports(winograd));
        assertFalse(ConvChain.supports(List.of(new ConvChain.Link(ConvGeometry.conv2d(2, 4, 16, 6, 6, 1, 1, 0), any, ConvActivation.RELU, 0, 0),
                new ConvChain.Link(winograd, any, ConvActivation.RELU, 0, 0),
                new ConvChain.Link(ConvGeometry.conv2d(2, 16, 4, 6, 6, 1, 1, 0), any, ConvActivation.NONE, 0, 0))),
                "a Winograd layer without its Winograd weights");
        var e = assertThrows(IllegalArgumentException.class, () -> ConvChain.forward(List.of(dw5, project), new float[0], null, new float[0]));
        assertTrue(e.getMessage().contains("do not chain"), e.getMessage());
    }

    /**
     * A bottleneck's output written into its shortcut's own array, as a residual block whose input is dead does: the
     * shortcut is x itself (no shift: each step reads only its own images) or a separate tensor (the downsample's,
     * with the shift); bit for bit the layer-by-layer output. And what it refuses: y as x under a shift, y as the
     * residual when the last link reads the residual after writing y (K over one block).
     */
    @Test
    void writesTheOutputIntoTheResidualsOwnArray() {
        for (int threads : new int[] {1, CpuThreads.threads()}) {
            Random rnd = new Random(17);
            List<ConvChain.Link> plain = links(bottleneck(6, 64, 16, 10, 9), 0, rnd);
            float[] x = KernelArrays.gaussian(rnd, plain.get(0).g().inputLength());
            float[] want = layerByLayer(plain, x, x), y = x.clone();
            try (var limit = CpuThreads.limit(threads)) { ConvChain.forward(plain, y, y, y); }   // x, residual and y one array
            assertArrayEquals(want, y, "into x, no shift, threads=" + threads);

            List<ConvChain.Link> shifted = links(bottleneck(6, 64, 16, 10, 9), 3, rnd);
            float[] shortcut = KernelArrays.gaussian(rnd, shifted.get(2).g().outputLength());
            want = layerByLayer(shifted, x, shortcut);
            float[] into = shortcut.clone();
            try (var limit = CpuThreads.limit(threads)) { ConvChain.forward(shifted, x, into, into); }
            assertArrayEquals(want, into, "into a separate shortcut, shift, threads=" + threads);
        }
        Random rnd = new Random(18);
        List<ConvChain.Link> shifted = links(bottleneck(4, 64, 16, 6, 6), 2, rnd);
        float[] x = new float[shifted.get(0).g().inputLength()];
        var e = assertThrows(IllegalArgumentException.class, () -> ConvChain.forward(shifted, x, x, x));
        assertTrue(e.getMessage().contains("shift"), e.getMessage());
        List<ConvChain.Link> deep = links(List.of(ConvGeometry.conv2d(2, 16, 1100, 4, 4, 1, 1, 0),
                ConvGeometry.conv2d(2, 1100, 16, 4, 4, 1, 1, 0)), 0, rnd);
        assertTrue(ConvChain.supports(deep));
        float[] r = new float[deep.get(1).g().outputLength()];
        e = assertThrows(IllegalArgumentException.class, () -> ConvChain.forward(deep, new float[deep.get(0).g().inputLength()], r, r));
        assertTrue(e.getMessage().contains("residual"), e.getMessage());
    }

    /**
     * Depth first pays for chains without a Winograd link whatever the plane; with one, from a last plane of
     * {@link ConvFused#COLUMN_TARGET} positions (ResNet-50's 56² and 28² stages, not 14²).
     */
    @Test
    void depthFirstPaysForBottlenecksOnLargePlanesOnly() {
        Random rnd = new Random(19);
        assertTrue(ConvChain.pays(links(invertedResidual(8, 8, 48, 8, 7, 7, 1), 0, rnd)), "an inverted residual at 7²");
        assertTrue(ConvChain.pays(links(bottleneck(8, 64, 16, 28, 28), 0, rnd)), "a bottleneck at 28²");
        assertTrue(ConvChain.pays(links(bottleneck(8, 64, 16, 23, 23), 0, rnd)), "529 positions");
        assertFalse(ConvChain.pays(links(bottleneck(8, 64, 16, 22, 23), 0, rnd)), "506 positions");
        assertFalse(ConvChain.pays(links(bottleneck(8, 64, 16, 14, 14), 8, rnd)), "a bottleneck at 14²");
        List<ConvChain.Link> b = links(bottleneck(2, 64, 16, 6, 6), 0, rnd);
        assertTrue(ConvChain.supports(b));
        assertFalse(ConvChain.supports(b.subList(1, 3)), "a Winograd link first, with its weights");
        ConvChain.Link noWinograd = new ConvChain.Link(b.get(1).g(), b.get(1).w(), ConvActivation.RELU, 0, 0);
        assertFalse(ConvChain.supports(List.of(b.get(0), noWinograd, b.get(2))), "a Winograd link without its weights");
        ConvChain.Link strayWinograd = new ConvChain.Link(b.get(2).g(), b.get(2).w(), ConvActivation.NONE, 0, 0, b.get(1).winograd());
        assertFalse(ConvChain.supports(List.of(b.get(0), b.get(1), strayWinograd)), "Winograd weights on a 1×1 link");
    }

    @Test
    void forwardImagesRefusesRangesOutsideTheBatch() {
        ConvGeometry g = ConvGeometry.conv2d(4, 3, 5, 4, 4, 1, 1, 0);
        PackedConvWeights w = PackedConvWeights.pack(new float[15], null, 5, 1, 3, false);
        var e = assertThrows(IllegalArgumentException.class,
                () -> ConvFused.forwardImages(g, new float[g.inputLength()], w, null, ConvActivation.NONE, 0, 0, 3, 2, new float[g.outputLength()], 0));
        assertTrue(e.getMessage().contains("images [3, 5)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConvFused.forwardImages(g, new float[g.inputLength()], w, null, ConvActivation.NONE, 0, 0, 0, 2, new float[5 * 16], 1));
        assertTrue(e.getMessage().contains("shorter"), e.getMessage());
    }

    /** A bottleneck's three prepared convolutions on {@code cpu}: 1×1 c → m, 3×3 m → m (padding 1), 1×1 m → c, random. */
    static PreparedConv[] preparedBottleneck(CpuBackend cpu, SplittableRandom rng, int c, int m) {
        PreparedConv c1 = cpu.prepareConv(Tensor.uniform(rng, -0.3, 0.3, m, c, 1, 1), Tensor.uniform(rng, -0.5, 0.5, m), ConvParams.uniform(2, 1, 0, 1, 1));
        PreparedConv c2 = cpu.prepareConv(Tensor.uniform(rng, -0.2, 0.2, m, m, 3, 3), Tensor.uniform(rng, -0.5, 0.5, m), ConvParams.uniform(2, 1, 1, 1, 1));
        PreparedConv c3 = cpu.prepareConv(Tensor.uniform(rng, -0.3, 0.3, c, m, 1, 1), Tensor.uniform(rng, -0.5, 0.5, c), ConvParams.uniform(2, 1, 0, 1, 1));
        return new PreparedConv[] {c1, c2, c3};
    }

    /** The SPI's composed defaults, every other method forwarded to the CPU backend. */
    static Backend composedDefault(CpuBackend cpu) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, m, args) -> m.isDefault() ? InvocationHandler.invokeDefault(proxy, m, args) : m.invoke(cpu, args));
    }

    @Test
    void backendOpMatchesTheComposedDefault() {
        CpuBackend cpu = new CpuBackend();
        SplittableRandom rng = new SplittableRandom(5);
        int n = 8, c = 6, e = 24, h = 9, w = 7;
        Tensor x = Tensor.uniform(rng, -1, 1, n, c, h, w);
        Tensor we = Tensor.uniform(rng, -0.5, 0.5, e, c, 1, 1), be = Tensor.uniform(rng, -0.5, 0.5, e);
        Tensor wd = Tensor.uniform(rng, -0.5, 0.5, e, 1, 3, 3), bd = Tensor.uniform(rng, -0.5, 0.5, e);
        Tensor wp = Tensor.uniform(rng, -0.5, 0.5, c, e, 1, 1), bp = Tensor.uniform(rng, -0.5, 0.5, c);
        PreparedConv expand = cpu.prepareConv(we, be, ConvParams.uniform(2, 1, 0, 1, 1));
        PreparedConv dw = cpu.prepareConv(wd, bd, ConvParams.uniform(2, 1, 1, 1, e));
        PreparedConv project = cpu.prepareConv(wp, bp, ConvParams.uniform(2, 1, 0, 1, 1));
        List<InferenceConv.Link> links = List.of(new InferenceConv.Link(expand, ConvActivation.RELU6, 4, 3),
                new InferenceConv.Link(dw, ConvActivation.RELU6, 0, 0), new InferenceConv.Link(project, ConvActivation.NONE, 0, 0));
        try (var noGrad = GradMode.disable()) {
            List<ConvChain.Link> depthFirst = CpuInferenceConv.depthFirst(x, links);     // the CPU runs it depth first
            assertTrue(depthFirst != null && depthFirst.size() == 3, "the chain's route: " + depthFirst);
            assertEquals(2, depthFirst.get(0).shiftFold(), "C_in 6 / fold_div 3");
            Tensor chained = InferenceConv.applyChain(x, links, x);
            assertEquals(Shape.of(n, c, h, w), chained.shape());
            float[] fused = chained.toFloatArray();
            float[] composed = composedDefault(cpu).convInferenceChain(x, links, x).toFloatArray();
            List<InferenceConv.Link> unshifted = List.of(new InferenceConv.Link(expand, ConvActivation.RELU6, 0, 0), links.get(1), links.get(2));
            assertFalse(java.util.Arrays.equals(fused, InferenceConv.applyChain(x, unshifted, x).toFloatArray()), "the shift changes the output");
            Tensor t = x;
            for (InferenceConv.Link l : links) t = InferenceConv.apply(t, l.conv(), l == links.get(2) ? x : null, l.act(), l.shiftFrames(), l.shiftFoldDiv());
            assertArrayEquals(t.toFloatArray(), fused);
            double worst = 0;
            for (int i = 0; i < fused.length; i++) worst = Math.max(worst, Math.abs(fused[i] - composed[i]));
            assertTrue(worst <= 1e-5, "fused vs composed default: " + worst);

            var bad = assertThrows(ShapeException.class, () -> InferenceConv.applyChain(x, List.of(links.get(0), links.get(0)), null));
            assertTrue(bad.getMessage().contains("link 1"), bad.getMessage());
            bad = assertThrows(ShapeException.class, () -> InferenceConv.applyChain(x, links, Tensor.zeros(n, c, h, w + 1)));
            assertTrue(bad.getMessage().contains("residual"), bad.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> InferenceConv.applyChain(x, links, null), "gradients enabled");
    }

    /**
     * A bottleneck through the backend: depth first from a 529-position plane (not at 22 × 23), the 3×3 link by
     * Winograd's weights; into the shortcut's storage when it is x and nothing shifts, into a new output when conv1
     * shifts x; each the op-by-op floats (InferenceConv.apply per link, 3×3 by Winograd).
     */
    @Test
    void bottleneckThroughTheBackend() {
        CpuBackend cpu = new CpuBackend();
        SplittableRandom rng = new SplittableRandom(7);
        int n = 4, c = 32, m = 16;
        PreparedConv[] convs = ConvChainTest.preparedBottleneck(cpu, rng, c, m);
        PreparedConv c1 = convs[0], c2 = convs[1], c3 = convs[2];
        try (var noGrad = GradMode.disable()) {
            for (int frames : new int[] {0, 2}) {
                List<InferenceConv.Link> links = List.of(new InferenceConv.Link(c1, ConvActivation.RELU, frames, 8),
                        new InferenceConv.Link(c2, ConvActivation.RELU, 0, 0), new InferenceConv.Link(c3, ConvActivation.RELU, 0, 0));
                assertFalse(InferenceConv.runsDepthFirst(Tensor.zeros(n, c, 22, 23), links), "506 positions, T=" + frames);
                Tensor x = Tensor.uniform(rng, -1, 1, n, c, 23, 23);
                assertTrue(InferenceConv.runsDepthFirst(x, links), "529 positions, T=" + frames);
                assertTrue(CpuInferenceConv.depthFirst(x, links).get(1).winograd() != null, "the 3×3 link by Winograd");
                Tensor t = x;
                for (InferenceConv.Link l : links) t = InferenceConv.apply(t, l.conv(), l == links.get(2) ? x : null, l.act(), l.shiftFrames(), l.shiftFoldDiv());
                float[] want = t.toFloatArray();
                assertArrayEquals(want, InferenceConv.applyChain(x, links, x).toFloatArray(), "T=" + frames);
                Tensor own = x.add(0);                                                  // a shortcut of its own, also x
                Tensor out = InferenceConv.applyChainIntoResidual(own, links, own);
                assertEquals(frames == 0, InferenceConv.sharesStorage(out, own), "written into x's storage, T=" + frames);
                assertArrayEquals(want, out.toFloatArray(), "into the residual, T=" + frames);
            }
        }
    }
}
