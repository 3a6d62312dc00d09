package dev.saccade.kernels.cpu;

import dev.saccade.tensor.ops.ConvActivation;
import java.util.List;

/**
 * A chain of inference convolutions run depth first: each thread takes a few images and carries them through every
 * link before it takes the next, the intermediate outputs held in per-thread scratch sized for those images.
 * MobileNetV2's inverted residual (1×1 expand → 3×3 depthwise → 1×1 project; Sandler et al., CVPR 2018, Table 1)
 * widens its input six times in between: run layer by layer over 8 frames of 112², the expanded tensor (38.5 MB)
 * goes out to memory and comes back for the depthwise convolution; one image's part (4.8 MB) stays in the cache,
 * and the threads meet once per block instead of once per layer. The floats are those of the layer-by-layer run:
 * every output element is accumulated in the same order ({@link ConvFused} blocks K the same way whatever the
 * columns; depthwise planes are independent).
 *
 * <p>ResNet's bottleneck (1×1 → 3×3 → 1×1 with the shortcut; He et al., CVPR 2016, Fig. 5) runs the same way
 * where its planes are large: over 8 frames of 56² its 256-channel input and output (25.7 MB each) do not stay in
 * the cache from conv1's read to conv3's residual read, one image's (3.2 MB) does, and the 64-channel
 * intermediates (0.8 MB an image) stay in L2. Its 3×3 link runs {@link WinogradConv}, as it does layer by layer
 * (per image, the same floats: each output tile's sums do not depend on the other images).
 *
 * <p>Links: any convolution {@link ConvFused} runs, and in the middle of the chain {@link WinogradConv}'s (a link
 * that carries its {@link Link#winograd} weights); the first and last depthwise ones only as {@link Depthwise3x3}
 * runs them; the first may read TSM's shift in place (1×1) and apply the temporal module before a block's conv1
 * as it packs x ({@link Link#gate}: ACTION-Net's gates, M2A's excitation), the last adds the residual, and may write y into the
 * residual's own array ({@link #forward}). Images per step: those of the last link's GEMM
 * ({@link ConvFused#imagesPerGemm}), so that small planes still give GEMMs of ~512 columns while every thread gets
 * work. Whether depth first pays: {@link #pays}. A {@link Tail} may follow the last link of a bottleneck whose
 * attention reads the branch before the shortcut: its output pooled as it is stored, for W3's attention after the
 * chain ({@link Pooled}), or CBAM run on each step's frames while they are in the cache ({@link Cbam}).
 *
 * <pre>{@code
 * ConvChain.forward(List.of(expand, depthwise, project), x, residual, y);
 * ConvChain.forward(List.of(conv1, conv3x3, conv3), x, shortcut, y, new ConvChain.Cbam(w1, b1, w2, b2, hidden, kernel, 7));
 * }</pre>
 */
final class ConvChain {
    /**
     * One convolution of the chain.
     *
     * @param g            its geometry over the whole batch (N images)
     * @param shiftFrames  T for TSM's shift read in place (the first link only, 1×1 ungrouped), else 0
     * @param winograd     the weights {@link WinogradConv} runs a 3×3 link with (a middle link that
     *                     {@link WinogradConv#supports} only), or null for {@link ConvFused}
     * @param gate         what the first link (1×1 ungrouped) applies to x as it packs it, as
     *                     {@link ConvFused#forwardExcited} (no shift) and {@link ConvFused#forwardUpGated} do — the
     *                     temporal module before a block's conv1 (ACTION-Net, M2A) — or null
     */
    record Link(ConvGeometry g, PackedConvWeights w, ConvActivation act, int shiftFrames, int shiftFold,
                WinogradWeights winograd, ConvFused.InputGate gate) {
        Link(ConvGeometry g, PackedConvWeights w, ConvActivation act, int shiftFrames, int shiftFold) {
            this(g, w, act, shiftFrames, shiftFold, null, null);
        }

        Link(ConvGeometry g, PackedConvWeights w, ConvActivation act, int shiftFrames, int shiftFold, WinogradWeights winograd) {
            this(g, w, act, shiftFrames, shiftFold, winograd, null);
        }

        /** This link reading its input through {@code gate}. */
        Link withGate(ConvFused.InputGate gate) { return new Link(g, w, act, shiftFrames, shiftFold, winograd, gate); }
    }

    /**
     * What a chain does with its last link's output besides storing it: the last link then has no activation and is
     * not depthwise, and its tiles are pooled as they are stored ({@link ConvFused#forwardPooled}'s epilogue).
     */
    sealed interface Tail permits Pooled, Cbam {}

    /**
     * The last link's spatial {@code [mean, max]} into {@code pooled} (2, N, C_out), as {@link ConvFused#forwardPooled}
     * writes them (the maxes the same, the means summed per step: last bits), for an attention that reads them
     * after the chain (W3's channel attention mixes frames, so it cannot run per step). No residual.
     */
    record Pooled(float[] pooled) implements Tail {}

    /**
     * CBAM after the last link, image by image ({@link dev.saccade.tensor.ops.AttendedChain}): the last link's output
     * F is pooled as it is stored (into scratch, never into y), then {@link CpuChannelAttentionGates} and
     * {@link CpuSpatialAttentionGate} write {@code y = relu(F·M_c·M_s + residual)} while F is in the cache. The
     * residual is required.
     *
     * @param w1 (hidden, C), b1 (hidden), w2 (C, hidden), b2 (C): the shared MLP
     * @param kernel (1, 2, k, k): the spatial attention's, no bias
     */
    record Cbam(float[] w1, float[] b1, float[] w2, float[] b2, int hidden, float[] kernel, int k) implements Tail {}

    /** Per-thread scratch for the intermediate outputs, grown on demand. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private ConvChain() {}

    /**
     * Whether {@link #forward} runs these links: two or more, 2-d, the first and last depthwise only if 3×3
     * ({@link Depthwise3x3}), the shift and an input gate only on a 1×1 ungrouped first link (an excitation without
     * a shift), each input the previous output; a link that
     * {@link WinogradConv} runs layer by layer only in the middle and with its Winograd weights (so that the floats
     * are the layer-by-layer ones), and Winograd weights on no other link.
     */
    static boolean supports(List<Link> links) {
        if (links.size() < 2) return false;
        Link first = links.get(0);
        for (Link end : List.of(first, links.get(links.size() - 1))) {
            if (end.g().isDepthwise() && !Depthwise3x3.supports(end.g())) return false;
            if (WinogradConv.supports(end.g())) return false;
        }
        if (first.shiftFrames() > 0 && (!first.g().isPointwise() || first.g().groups() != 1
                || first.g().n() % first.shiftFrames() != 0)) return false;
        if (first.gate() != null && (!first.g().isPointwise() || first.g().groups() != 1
                || first.gate() instanceof ConvFused.Excitation && first.shiftFrames() > 0)) return false;
        for (Link l : links) if (WinogradConv.supports(l.g()) != (l.winograd() != null)) return false;
        for (int i = 1; i < links.size(); i++) {
            ConvGeometry a = links.get(i - 1).g(), b = links.get(i).g();
            if (links.get(i).shiftFrames() != 0 || links.get(i).gate() != null || b.n() != a.n() || b.cIn() != a.cOut() || b.rank() != a.rank()) return false;
            int[] out = a.outputSize();
            if (b.rank() != 2 || out[0] != b.inH() || out[1] != b.inW()) return false;
        }
        return true;
    }

    /**
     * Whether running these links depth first pays off: always for chains with a depthwise link (MobileNetV2's,
     * whose expanded intermediate is six times the input); for others (ResNet's bottlenecks) only when the last
     * link's plane gives its GEMM {@link ConvFused#COLUMN_TARGET} columns or more from one image, so that a step is
     * one image and its part of the block's tensors stays in the cache. ResNet-50's bottlenecks at 8 frames, one
     * block alone (docs/PERF.md): 1.10–1.14× at 56², 1.03–1.08× at 28², 0.71× at 14² one image a step, 0.95× two.
     */
    static boolean pays(List<Link> links) {
        for (Link l : links) if (l.g().isDepthwise()) return true;
        return links.get(links.size() - 1).g().outPlane() >= ConvFused.COLUMN_TARGET;
    }

    /**
     * @param x        the first link's input (N, C_in, H, W)
     * @param residual added to the last link's output before its activation, (N, C_out, H', W'), or null
     * @param y        the last link's output, overwritten; may be the residual's own array when
     *                 {@link ConvFused#residualMayBeOutput} allows it for the last link and no link reads another
     *                 image than its own while y is written (y is not x when the first link shifts)
     */
    static void forward(List<Link> links, float[] x, float[] residual, float[] y) {
        forward(links, x, residual, y, null);
    }

    /**
     * As {@link #forward(List, float[], float[], float[])}, with a {@link Tail} after the last link when {@code tail}
     * is not null. With {@link Cbam}, y may be the residual's array whatever the last link (the gate reads each
     * residual element just before it writes the same element of y).
     */
    static void forward(List<Link> links, float[] x, float[] residual, float[] y, Tail tail) {
        if (!supports(links)) throw new IllegalArgumentException("ConvChain: links " + links + " do not chain");
        Link last = links.get(links.size() - 1);
        if (tail != null && (last.act() != ConvActivation.NONE || last.g().isDepthwise())) {
            throw new IllegalArgumentException("ConvChain: " + tail.getClass().getSimpleName() + " after the last link "
                    + last.g() + " needs a convolution without an activation that is not depthwise (act " + last.act() + ")");
        }
        if (tail instanceof Cbam && residual == null) throw new IllegalArgumentException("ConvChain: CBAM's gate needs the residual");
        if (tail instanceof Pooled p && (residual != null || p.pooled().length < 2 * last.g().n() * last.g().cOut())) {
            throw new IllegalArgumentException("ConvChain: a pooled chain takes no residual and a pooled array of (2, N, C_out) = "
                    + 2 * last.g().n() * last.g().cOut() + " floats");
        }
        if (y == residual && !(tail instanceof Cbam) && !ConvFused.residualMayBeOutput(last.g(), last.w())) {
            throw new IllegalArgumentException("ConvChain: y is the residual, which the last link " + last.g()
                    + " reads after it has written y");
        }
        checkGate(links.get(0));
        if (y == x && links.get(0).shiftFrames() > 0) {
            throw new IllegalArgumentException("ConvChain: y is x, whose neighbouring frames the first link's shift reads "
                    + "after another step has written them");
        }
        int n = links.get(0).g().n(), images = ConvFused.imagesPerGemm(last.g()), steps = (n + images - 1) / images;
        // steps handed out one at a time: a thread that finishes early (the other vCPU stolen, a cache-cold image)
        // takes the next one instead of waiting at the end; each step's floats do not depend on who runs it
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        CpuThreads.parallelFor(0, Math.min(steps, CpuThreads.threads()), 1, (lo, hi) -> {
            for (int step = next.getAndIncrement(); step < steps; step = next.getAndIncrement()) {
                int n0 = step * images, nb = Math.min(images, n - n0);
                run(links, x, residual, y, n0, nb, tail);
            }
        });
    }

    /** The first link's input gate against its geometry: the gates of every image of x, conv_up onto x's channels. */
    private static void checkGate(Link first) {
        ConvGeometry g = first.g();
        long planes = (long) g.n() * g.inPlane();
        if (first.gate() instanceof ConvFused.Excitation e && (e.channel().length < (long) g.n() * g.cIn() || e.pixel().length < planes)) {
            throw new IllegalArgumentException("ConvChain: the first link's gates have " + e.channel().length + " and "
                    + e.pixel().length + " elements, need (N, C_in) = " + (long) g.n() * g.cIn() + " and (N, P) = " + planes);
        }
        if (first.gate() instanceof ConvFused.UpGate u && (u.up().isDepthwise() || u.up().groups() != 1
                || u.up().cOut() != g.cIn() || u.attended().length < planes * u.up().k())) {
            throw new IllegalArgumentException("ConvChain: conv_up (C_out=" + u.up().cOut() + ", K=" + u.up().k() + ", groups="
                    + u.up().groups() + ") on " + u.attended().length + " elements does not make the first link's input "
                    + g + " (needs " + g.cIn() + " channels, ungrouped, from (N, K, P))");
        }
    }

    /** Images {@code [n0, n0 + nb)} through every link. */
    private static void run(List<Link> links, float[] x, float[] residual, float[] y, int n0, int nb, Tail tail) {
        float[][] scratch = SCRATCH.get();
        Link first = links.get(0);
        float[] in = buffer(scratch, 0, nb * first.g().cOut() * first.g().outPlane());
        ConvFused.forwardImages(first.g(), x, first.w(), null, first.act(), first.shiftFrames(), first.shiftFold(), first.gate(),
                n0, nb, in, 0);
        for (int i = 1; i < links.size() - 1; i++) {
            ConvGeometry g = links.get(i).g().withBatch(nb);
            float[] out = buffer(scratch, i & 1, g.outputLength());
            Link l = links.get(i);
            if (l.winograd() != null) WinogradConv.forward(g, in, l.winograd(), null, l.act(), out);
            else ConvFused.forward(g, in, l.w(), null, l.act(), 0, 0, out);
            in = out;
        }
        Link last = links.get(links.size() - 1);
        ConvGeometry g = last.g().withBatch(nb);
        if (tail instanceof Cbam cbam) {
            attend(g, in, last.w(), cbam, buffer(scratch, in == scratch[0] ? 1 : 0, g.outputLength()), residual, y, n0);
            return;
        }
        if (tail instanceof Pooled p) {
            TilePool pool = TilePool.onThreadScratch(n0, nb, g.cOut(), g.outPlane());
            ConvFused.forwardImagesPooled(g, in, last.w(), y, n0, pool);
            pool.finish(p.pooled(), last.g().n());
            return;
        }
        ConvFused.forwardImages(g, in, last.w(), residual, last.act(), 0, 0, 0, nb, y, n0);
    }

    /**
     * The last link g (nb images) into f, pooled as it stores, then CBAM and the block's epilogue from f into y's
     * images {@code [n0, n0 + nb)}, reading the residual's: one thread, f still in its cache.
     */
    private static void attend(ConvGeometry g, float[] in, PackedConvWeights w, Cbam cbam, float[] f, float[] residual,
                               float[] y, int n0) {
        int nb = g.n(), c = g.cOut(), plane = g.outPlane(), at = n0 * c * plane;
        TilePool pool = TilePool.onThreadScratch(0, nb, c, plane);
        ConvFused.forwardImagesPooled(g, in, w, f, 0, pool);
        float[] pooled = new float[2 * nb * c], mc = new float[nb * c];                   // (2, nb, C), (nb, C)
        pool.finish(pooled, nb);
        CpuChannelAttentionGates.forward(pooled, 0, nb, 1, c, cbam.hidden(), cbam.w1(), cbam.b1(), cbam.w2(), cbam.b2(),
                null, null, mc);
        CpuSpatialAttentionGate.forward(f, 0, mc, cbam.kernel(), cbam.k(), residual, at, ConvActivation.RELU, y, at,
                new float[nb * plane], nb, c, g.outputSize()[0], g.outputSize()[1]);
    }

    private static float[] buffer(float[][] scratch, int i, int length) {
        if (scratch[i].length < length) scratch[i] = new float[length];
        return scratch[i];
    }
}
