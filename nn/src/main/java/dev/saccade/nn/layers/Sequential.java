package dev.saccade.nn.layers;

import dev.saccade.nn.Module;
import dev.saccade.nn.inference.ConsumesInput;
import dev.saccade.nn.inference.ExcitesThroughConv;
import dev.saccade.nn.inference.FoldedConv;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.nn.inference.LeadsIntoConv;
import dev.saccade.nn.inference.OwnsOutput;
import dev.saccade.nn.inference.TemporalShiftStep;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.ConvActivation;
import dev.saccade.tensor.ops.InferenceConv;
import dev.saccade.tensor.ops.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Modules applied in order, named "0", "1", … as in {@code torch.nn.Sequential}. In evaluation mode under no-grad
 * ({@link InferenceMode}) each run of {@code Conv [BatchNorm] [ReLU | ReLU6]} (the conv possibly behind TSM's
 * shift) runs as one {@link FoldedConv}; everything else runs as it is. A Sequential of fused convolutions only (an
 * inverted residual's expand, depthwise and project) runs as one {@link InferenceConv#applyChain}, which the backend
 * may carry out a few images at a time. In inference each step's output, once the next step has read it, goes back
 * to the backend's pool, or to the next step itself when that step {@link ConsumesInput} (a residual block then writes
 * its output into it). A Sequential that ends with a convolution
 * (possibly behind a {@link TemporalShiftStep}) {@link LeadsIntoConv}: a batch norm after it folds into that conv.
 */
public final class Sequential extends Module implements OwnsOutput, LeadsIntoConv, ConsumesInput {
    private final List<Module> layers = new ArrayList<>();
    /** The fused plan for the current layers, built on the first inference forward; reset by {@link #add}. */
    private final AtomicReference<List<Step>> plan = new AtomicReference<>();
    /** The plan of the layers before the last convolution (and its shift), for {@link #convInput}; reset by {@link #add}. */
    private final AtomicReference<List<Step>> prefixPlan = new AtomicReference<>();

    public Sequential(Module... modules) { for (Module m : modules) add(m); }

    /** Appends a module under the next index and returns this. */
    public Sequential add(Module m) {
        layers.add(register(Integer.toString(layers.size()), m));
        plan.set(null);
        prefixPlan.set(null);
        return this;
    }

    public Module get(int i) { return layers.get(i); }
    public int size() { return layers.size(); }

    @Override public Tensor forward(Tensor x) { return forwardAdding(x, null); }

    /**
     * {@code forward(x) + residual} (residual may be null); in inference, when the last layers are a convolution
     * and its batch norm, the add happens in that convolution's epilogue.
     */
    public Tensor forwardAdding(Tensor x, Tensor residual) {
        if (!InferenceMode.active(this)) {
            for (Module m : layers) x = m.forward(x);
            return residual == null ? x : x.add(residual);
        }
        List<Step> steps = plan();
        List<InferenceConv.Link> chain = chain(steps, x, residual);
        return chain != null ? InferenceConv.applyChain(x, chain, residual) : run(steps, x, residual);
    }

    /**
     * The plan as one {@link InferenceConv#applyChain}, when it is two or more fused convolutions, each one a plain
     * link, and the residual (if any) goes into the last one's epilogue (no activation after it); else null.
     */
    private static List<InferenceConv.Link> chain(List<Step> steps, Tensor x, Tensor residual) {
        if (steps.size() < 2) return null;
        if (residual != null && steps.get(steps.size() - 1).act() != ConvActivation.NONE) return null;
        List<InferenceConv.Link> links = new ArrayList<>(steps.size());
        for (Step s : steps) {
            InferenceConv.Link l = s.fused() == null ? null : s.fused().link(x.backend(), s.act());
            if (l == null) return null;
            links.add(l);
        }
        return links;
    }

    /**
     * In inference, the forward on an x this Sequential takes over ({@link ConsumesInput}): the first step gets to
     * consume x as later steps consume their predecessors' outputs, and x is recycled once consumed.
     */
    @Override public Tensor forwardConsuming(Tensor x) {
        if (!InferenceMode.active(this)) return forward(x);
        List<Step> steps = plan();
        List<InferenceConv.Link> chain = chain(steps, x, null);
        if (chain == null) return run(steps, x, null, true);
        Tensor y = InferenceConv.applyChain(x, chain, null);
        InferenceConv.recycle(x);                                    // consumed by the chain's first link
        return y;
    }

    private static Tensor run(List<Step> steps, Tensor x, Tensor residual) { return run(steps, x, residual, false); }

    /**
     * The inference steps in order; the residual goes into the last convolution's epilogue when it can. With
     * {@code ownInput}, x is this call's to consume; a step that {@link ConsumesInput} takes over an input nothing
     * else holds.
     */
    private static Tensor run(List<Step> steps, Tensor x, Tensor residual, boolean ownInput) {
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            boolean lastConv = i == steps.size() - 1 && s.fused() != null && s.act() == ConvActivation.NONE;
            Tensor in = x;
            boolean owned = s.owns();
            if (ownInput && s.fused() == null && s.module() instanceof ConsumesInput c) {
                x = c.forwardConsuming(in);                            // in is the step's now: not recycled here
                ownInput = owned;
                continue;
            }
            if (s.fused() != null) x = s.fused().forward(in, lastConv ? residual : null, s.act());
            else x = s.module().forward(in);
            if (ownInput && owned) InferenceConv.recycle(in);          // consumed, and x is not a view of it
            ownInput = owned;
            if (lastConv) residual = null;
        }
        return residual == null ? x : x.add(residual);
    }

    // ---- LeadsIntoConv: [layers…] [TemporalShiftStep] Conv, so that a batch norm after this folds into the conv

    @Override public Conv lastConv() {
        return !layers.isEmpty() && layers.get(layers.size() - 1) instanceof Conv c ? c : null;
    }

    /** Layers before the last convolution and its shift. */
    private int prefixEnd() {
        int end = layers.size() - 1;
        return end > 0 && layers.get(end - 1) instanceof TemporalShiftStep ? end - 1 : end;
    }

    @Override public int shiftFrames() { return prefixEnd() < layers.size() - 1 ? ((TemporalShiftStep) layers.get(layers.size() - 2)).frames() : 0; }

    @Override public int shiftFoldDiv() { return prefixEnd() < layers.size() - 1 ? ((TemporalShiftStep) layers.get(layers.size() - 2)).foldDiv() : 0; }

    @Override public Tensor convInput(Tensor x) {
        if (lastConv() == null) throw new IllegalStateException("Sequential: does not end with a convolution");
        return run(prefixPlan(), x, null);
    }

    /**
     * In inference, when the layers before the last convolution (and its shift) are one module that
     * {@link ExcitesThroughConv} (M2A), its output as parts the convolution computes as it reads them; else null.
     */
    @Override public UpGatedInput upGatedConvInput(Tensor x) {
        if (!InferenceMode.active(this) || lastConv() == null || prefixEnd() != 1) return null;
        return layers.get(0) instanceof ExcitesThroughConv e ? e.upGatedOutput(x) : null;
    }

    /** An excitation ({@link ExcitesThroughConv}, M2A) alone before the shift and the convolution keeps x's shape. */
    @Override public boolean convInputKeepsShape() {
        return lastConv() != null && prefixEnd() == 1 && layers.get(0) instanceof ExcitesThroughConv;
    }

    @Override public boolean ownsConvInput() {
        List<Step> p = prefixPlan();
        return !p.isEmpty() && p.get(p.size() - 1).owns();
    }

    /** One step of the inference plan: a fused convolution, or a module run as it is. */
    private record Step(FoldedConv fused, ConvActivation act, Module module) {
        /** Whether this step's output is fresh and held by no one else. */
        boolean owns() { return fused != null || module instanceof OwnsOutput o && o.ownsInferenceOutput(); }
    }

    /** In inference, the output is owned when the last step's is (an empty Sequential returns its input). */
    @Override public boolean ownsInferenceOutput() {
        if (!InferenceMode.active(this) || layers.isEmpty()) return false;
        List<Step> steps = plan();
        return steps.get(steps.size() - 1).owns();
    }

    private List<Step> plan() { return cached(plan, layers.size()); }

    private List<Step> prefixPlan() { return cached(prefixPlan, prefixEnd()); }

    private List<Step> cached(AtomicReference<List<Step>> cache, int end) {
        List<Step> p = cache.get();
        if (p != null) return p;
        List<Step> built = build(end);
        cache.compareAndSet(null, built);
        return built;
    }

    /** The plan of layers [0, end). */
    private List<Step> build(int end) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < end; i++) {
            Module m = layers.get(i);
            BatchNorm bn = i + 1 < end && layers.get(i + 1) instanceof BatchNorm b ? b : null;
            FoldedConv f = FoldedConv.of(m, bn);
            if (f == null) { steps.add(new Step(null, null, m)); continue; }
            if (bn != null) i++;
            ConvActivation act = ConvActivation.NONE;
            if (i + 1 < end && layers.get(i + 1) instanceof Activation a) {
                if (a.op() == UnaryOp.RELU) act = ConvActivation.RELU;
                else if (a.op() == UnaryOp.RELU6) act = ConvActivation.RELU6;
                if (act != ConvActivation.NONE) i++;
            }
            steps.add(new Step(f, act, null));
        }
        return List.copyOf(steps);
    }

    @Override public String describe() { return "Sequential"; }
}
