package dev.saccade.cli;

import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.models.tsn.Tsn;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.InferenceProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a forward's time goes, op by op ({@code saccade bench --layers}): forwards of a model in evaluation mode
 * under an {@link InferenceProfile}, the median wall time of each convolution and fused attention op over them, and
 * the median of what each forward spent elsewhere (the max pool, the small attention maps, the head) — the figures
 * to set against ONNX Runtime's per-node profile of the same network.
 */
final class LayerProfile {
    private LayerProfile() {}

    /**
     * One op, numbered in call order from 1, with its median time over the profiled forwards; weight null and MACs 0
     * for an op without weights.
     */
    record Layer(int index, String op, Shape input, Shape weight, Shape output, long macs, double medianMs) {
        /** 2 · MACs / median time, in GFLOP/s. */
        double gflops() { return 2.0 * macs / (medianMs / 1000) / 1e9; }
    }

    /** The ops, and the medians of the whole forward and of its time outside them. */
    record Result(List<Layer> layers, double forwardMedianMs, double elsewhereMedianMs, int forwards) {
        Result { layers = List.copyOf(layers); }
    }

    /**
     * Profiles {@code forwards} forwards of {@code net} (put in eval mode) on {@code clip}, on at most {@code threads}
     * cores, after the caller's warm-up. Every forward must run the same convolutions in the same order.
     */
    static Result profile(Tsn net, Tensor clip, int threads, int forwards) {
        if (forwards < 1) throw new IllegalArgumentException("profiled forwards must be ≥ 1, got " + forwards);
        net.eval();
        List<List<InferenceProfile.Entry>> runs = new ArrayList<>();
        double[] total = new double[forwards], elsewhere = new double[forwards];
        try (CpuThreads.Limit limit = CpuThreads.limit(threads); GradMode.Scope noGrad = GradMode.disable()) {
            for (int f = 0; f < forwards; f++) {
                try (InferenceProfile p = InferenceProfile.record()) {
                    long t0 = System.nanoTime();
                    net.forward(clip).toFloatArray();                                  // (N, K), on the host
                    total[f] = (System.nanoTime() - t0) / 1e6;
                    List<InferenceProfile.Entry> entries = p.entries();
                    double inside = 0;
                    for (InferenceProfile.Entry e : entries) inside += e.nanos() / 1e6;
                    elsewhere[f] = total[f] - inside;
                    runs.add(entries);
                }
            }
        }
        List<InferenceProfile.Entry> first = runs.getFirst();
        for (List<InferenceProfile.Entry> r : runs) {
            if (r.size() != first.size()) {
                throw new IllegalStateException("the profiled forwards ran " + first.size() + " and " + r.size() + " profiled ops");
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            double[] ms = new double[forwards];
            for (int f = 0; f < forwards; f++) ms[f] = runs.get(f).get(i).nanos() / 1e6;
            InferenceProfile.Entry e = first.get(i);
            layers.add(new Layer(i + 1, e.op(), e.input(), e.weight(), e.output(), e.macs(), median(ms)));
        }
        return new Result(layers, median(total), median(elsewhere), forwards);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
