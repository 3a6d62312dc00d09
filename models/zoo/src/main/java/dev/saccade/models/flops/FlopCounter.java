package dev.saccade.models.flops;

import dev.saccade.nn.Module;
import dev.saccade.tensor.ops.MacCounter;
import dev.saccade.nn.layers.Activation;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Conv;
import dev.saccade.nn.layers.Dropout;
import dev.saccade.nn.layers.Identity;
import dev.saccade.nn.layers.Linear;
import dev.saccade.nn.layers.Pooling;
import dev.saccade.nn.layers.Sequential;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.GradMode;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.PoolParams;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Counts multiply-accumulates (MACs) and parameters of a model for one input shape, layer by layer.
 *
 * <p><b>Convention</b> (the one the TSM / TSN / ACTION-Net / W3 papers report as "FLOPs", and fvcore's default):
 * one multiply-add is one FLOP, and only convolutions and fully connected layers are counted:
 * <ul>
 * <li>Conv: {@code N · C_out · h' · w' · (C_in / groups) · k_h · k_w} (bias additions not counted);</li>
 * <li>Linear: {@code rows · in · out};</li>
 * <li>BatchNorm, activations, pooling, dropout, the temporal shift, additions: 0.</li>
 * </ul>
 * mmcv's {@code get_model_complexity_info} (used for mmaction2's model tables) also counts BatchNorm (2 per input
 * element), activation modules (1 per output element), pooling (1 per input element) and biases; the rows carry
 * those counts separately and {@link Report#mmcvFlops()} adds them, so both conventions can be compared.
 *
 * <p>The count is a <b>shape-only dry run</b>: modules that implement {@link FlopTraceable} (the backbones, their
 * blocks, the TSN head, TSM) propagate shapes analytically, and the nn layers above are handled here, so a full
 * ResNet-50 at 8×224² is counted in milliseconds. Any other module (for example an attention module plugged in
 * through block hooks) is run once on a zero tensor of its input shape with a {@link MacCounter} listener that
 * records every Conv and Linear it calls.
 *
 * <pre>{@code
 * Tsn model = ModelRegistry.standard().create(ModelConfig.of("tsm-resnet50", 8, 174, 224));
 * FlopCounter.Report r = FlopCounter.count(model, Shape.of(1, 8, 3, 224, 224));
 * System.out.println(r.table());   // per-layer rows, then totals: 32.88 G MACs, 23.87 M params
 * }</pre>
 */
public final class FlopCounter {
    /**
     * One counted layer: dotted name, type, output shape, its own parameters, its MACs, and its elementwise
     * operations under mmcv's convention (BatchNorm 2 per input element, activations 1 per output element, pooling
     * 1 per input element, bias 1 per output element).
     */
    public record Row(String name, String type, Shape output, long params, long macs, long elementwise) {}

    /** All rows plus the totals (parameters counted once over the whole model). */
    public record Report(List<Row> rows, long macs, long params, Shape input, Shape output) {
        public Report { rows = List.copyOf(rows); }

        /** MACs plus the elementwise operations mmcv's {@code get_model_complexity_info} also counts. */
        public long mmcvFlops() {
            long e = 0;
            for (Row r : rows) e += r.elementwise();
            return macs + e;
        }

        /** A fixed-width table, one row per layer, then the totals. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-48s %-14s %-22s %12s %16s%n", "layer", "type", "output", "params", "MACs"));
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "%-48s %-14s %-22s %,12d %,16d%n", r.name(), r.type(), r.output(), r.params(), r.macs()));
            }
            sb.append(String.format(Locale.ROOT, "total: %.4f G MACs (%.4f G with mmcv's elementwise ops), %.4f M params, input %s → output %s%n",
                    macs / 1e9, mmcvFlops() / 1e9, params / 1e6, input, output));
            return sb.toString();
        }
    }

    private final List<Row> rows = new ArrayList<>();

    private FlopCounter() {}

    /** Counts {@code model} for one forward on an input of shape {@code input}. */
    public static Report count(Module model, Shape input) {
        FlopCounter c = new FlopCounter();
        Shape out = c.trace("", model, input);
        long macs = 0;
        for (Row r : c.rows) macs += r.macs();
        return new Report(c.rows, macs, model.parameterCount(), input, out);
    }

    /** {@code prefix.child}, or {@code child} at the root. */
    public static String join(String prefix, String child) { return prefix.isEmpty() ? child : prefix + "." + child; }

    /** Records one row directly (for modules that compute something the counter does not know). */
    public void record(String name, String type, Shape output, long params, long macs) {
        rows.add(new Row(name, type, output, params, macs, 0));
    }

    /** Records a parameter-free elementwise step (an inline ReLU, for example) of {@code perElement} ops per element. */
    public void elementwise(String name, String type, Shape shape, int perElement) {
        rows.add(new Row(name, type, shape, 0, 0, (long) perElement * shape.numel()));
    }

    /** Traces {@code m} under {@code name} for an input of shape {@code in}; returns its output shape. */
    public Shape trace(String name, Module m, Shape in) {
        if (m instanceof FlopTraceable t) return t.traceFlops(this, name, in);
        if (m instanceof Conv conv) return conv(name, conv, in);
        if (m instanceof Linear lin) return linear(name, lin, in);
        if (m instanceof BatchNorm bn) {
            rows.add(new Row(name, "BatchNorm", in, ownParams(bn), 0, 2L * in.numel()));
            return in;
        }
        if (m instanceof Activation a) {
            elementwise(name, a.describe(), in, 1);
            return in;
        }
        if (m instanceof Dropout || m instanceof Identity) return in;
        if (m instanceof Pooling p) return pooling(name, p, in);
        if (m instanceof Sequential seq) {
            Shape s = in;
            for (var e : seq.children().entrySet()) s = trace(join(name, e.getKey()), e.getValue(), s);
            return s;
        }
        return runOnce(name, m, in);
    }

    private Shape conv(String name, Conv conv, Shape in) {
        int rank = conv.kernel().length;
        if (in.rank() != rank + 2 || in.dim(1) != conv.inChannels()) {
            throw new IllegalArgumentException(name + ": " + conv.describe() + " cannot take input " + in);
        }
        ConvParams p = conv.params();
        int[] k = conv.kernel();
        int[] out = new int[rank + 2];
        out[0] = in.dim(0);
        out[1] = conv.outChannels();
        long perPosition = (long) (conv.inChannels() / p.groups()) * conv.outChannels();
        long positions = in.dim(0);
        for (int a = 0; a < rank; a++) {
            out[a + 2] = p.outputSize(a, in.dim(a + 2), k[a]);
            perPosition *= k[a];
            positions *= out[a + 2];
        }
        Shape s = Shape.of(out);
        rows.add(new Row(name, "Conv" + rank + "d", s, ownParams(conv), positions * perPosition, conv.bias() == null ? 0 : s.numel()));
        return s;
    }

    private Shape linear(String name, Linear lin, Shape in) {
        if (in.dim(-1) != lin.inFeatures()) throw new IllegalArgumentException(name + ": " + lin.describe() + " cannot take input " + in);
        int[] out = in.toArray();
        out[out.length - 1] = lin.outFeatures();
        long rowsCount = in.numel() / lin.inFeatures();
        Shape s = Shape.of(out);
        rows.add(new Row(name, "Linear", s, ownParams(lin), rowsCount * lin.inFeatures() * lin.outFeatures(), 0));
        return s;
    }

    private Shape pooling(String name, Pooling p, Shape in) {
        int[] out = in.toArray();
        int[] adaptive = p.outputSize();
        PoolParams pp = p.params();
        int spatial = adaptive != null ? adaptive.length : pp.spatialRank();
        for (int a = 0; a < spatial; a++) {
            int axis = out.length - spatial + a;
            out[axis] = adaptive != null ? adaptive[a] : pp.outputSize(a, in.dim(axis));
        }
        Shape s = Shape.of(out);
        rows.add(new Row(name, p.isMax() ? "MaxPool" : "AvgPool", s, 0, 0, in.numel()));
        return s;
    }

    /**
     * Runs an unknown module once on zeros and records the multiply-accumulates of every convolution and matrix
     * product it performs (reported by the ops themselves, so modules written in functional form count too).
     */
    private Shape runOnce(String name, Module m, Shape in) {
        int[] index = {0};
        Tensor out;
        try (var noGrad = GradMode.disable();
             var listen = MacCounter.listen((op, output, macs) ->
                     rows.add(new Row(join(name, op + "#" + index[0]++), op, output, 0, macs, 0)))) {
            out = m.forward(Tensor.zeros(in.toArray()));
        }
        rows.add(new Row(name, m.getClass().getSimpleName(), out.shape(), ownParams(m), 0, 0));
        return out.shape();
    }

    private static long ownParams(Module m) { return m.parameterCount(); }
}
