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
 * <p>Links: any convolution {@link ConvFused} runs except Winograd's (layer by layer would run those there), the
 * first and last depthwise ones only as {@link Depthwise3x3} runs them; the first may read TSM's shift in place
 * (1×1), the last adds the residual. Images per step: those of the last
 * link's GEMM ({@link ConvFused#imagesPerGemm}), so that small planes still give GEMMs of ~512 columns while every
 * thread gets work.
 *
 * <pre>{@code
 * ConvChain.forward(List.of(expand, depthwise, project), x, residual, y);
 * }</pre>
 */
final class ConvChain {
    /**
     * One convolution of the chain.
     *
     * @param g            its geometry over the whole batch (N images)
     * @param shiftFrames  T for TSM's shift read in place (the first link only, 1×1 ungrouped), else 0
     */
    record Link(ConvGeometry g, PackedConvWeights w, ConvActivation act, int shiftFrames, int shiftFold) {}

    /** Per-thread scratch for the intermediate outputs, grown on demand. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private ConvChain() {}

    /**
     * Whether {@link #forward} runs these links: two or more, 2-d, the first and last depthwise only if 3×3
     * ({@link Depthwise3x3}), the shift only on a 1×1 first link, none that {@link WinogradConv} would run layer by layer, each input the previous output.
     */
    static boolean supports(List<Link> links) {
        if (links.size() < 2) return false;
        Link first = links.get(0);
        for (Link end : List.of(first, links.get(links.size() - 1))) {
            if (end.g().isDepthwise() && !Depthwise3x3.supports(end.g())) return false;
        }
        if (first.shiftFrames() > 0 && (!first.g().isPointwise() || first.g().groups() != 1
                || first.g().n() % first.shiftFrames() != 0)) return false;
        for (Link l : links) if (WinogradConv.supports(l.g())) return false;   // layer by layer runs Winograd there
        for (int i = 1; i < links.size(); i++) {
            ConvGeometry a = links.get(i - 1).g(), b = links.get(i).g();
            if (links.get(i).shiftFrames() != 0 || b.n() != a.n() || b.cIn() != a.cOut() || b.rank() != a.rank()) return false;
            int[] out = a.outputSize();
            if (b.rank() != 2 || out[0] != b.inH() || out[1] != b.inW()) return false;
        }
        return true;
    }

    /**
     * @param x        the first link's input (N, C_in, H, W)
     * @param residual added to the last link's output before its activation, (N, C_out, H', W'), or null
     * @param y        the last link's output, overwritten
     */
    static void forward(List<Link> links, float[] x, float[] residual, float[] y) {
        if (!supports(links)) throw new IllegalArgumentException("ConvChain: links " + links + " do not chain");
        Link last = links.get(links.size() - 1);
        int n = links.get(0).g().n(), images = ConvFused.imagesPerGemm(last.g()), steps = (n + images - 1) / images;
        // steps handed out one at a time: a thread that finishes early (the other vCPU stolen, a cache-cold image)
        // takes the next one instead of waiting at the end; each step's floats do not depend on who runs it
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        CpuThreads.parallelFor(0, Math.min(steps, CpuThreads.threads()), 1, (lo, hi) -> {
            for (int step = next.getAndIncrement(); step < steps; step = next.getAndIncrement()) {
                int n0 = step * images, nb = Math.min(images, n - n0);
                run(links, x, residual, y, n0, nb);
            }
        });
    }

    /** Images {@code [n0, n0 + nb)} through every link. */
    private static void run(List<Link> links, float[] x, float[] residual, float[] y, int n0, int nb) {
        float[][] scratch = SCRATCH.get();
        Link first = links.get(0);
        float[] in = buffer(scratch, 0, nb * first.g().cOut() * first.g().outPlane());
        ConvFused.forwardImages(first.g(), x, first.w(), null, first.act(), first.shiftFrames(), first.shiftFold(), n0, nb, in, 0);
        for (int i = 1; i < links.size() - 1; i++) {
            ConvGeometry g = links.get(i).g().withBatch(nb);
            float[] out = buffer(scratch, i & 1, g.outputLength());
            ConvFused.forward(g, in, links.get(i).w(), null, links.get(i).act(), 0, 0, out);
            in = out;
        }
        Link last = links.get(links.size() - 1);
        ConvFused.forwardImages(last.g().withBatch(nb), in, last.w(), residual, last.act(), 0, 0,
                0, nb, y, n0);
    }

    private static float[] buffer(float[][] scratch, int i, int length) {
        if (scratch[i].length < length) scratch[i] = new float[length];
        return scratch[i];
    }
}
