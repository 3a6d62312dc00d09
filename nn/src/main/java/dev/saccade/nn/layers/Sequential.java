package dev.saccade.nn.layers;

import dev.saccade.nn.Module;
import dev.saccade.nn.inference.FoldedConv;
import dev.saccade.nn.inference.InferenceMode;
import dev.saccade.nn.inference.OwnsOutput;
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
 * shift) runs as one {@link FoldedConv}; everything else runs as it is.
 */
public final class Sequential extends Module implements OwnsOutput {
    private final List<Module> layers = new ArrayList<>();
    /** The fused plan for the current layers, built on the first inference forward; reset by {@link #add}. */
    private final AtomicReference<List<Step>> plan = new AtomicReference<>();

    public Sequential(Module... modules) { for (Module m : modules) add(m); }

    /** Appends a module under the next index and returns this. */
    public Sequential add(Module m) {
        layers.add(register(Integer.toString(layers.size()), m));
        plan.set(null);
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
        boolean ownInput = false;            // x was produced by the previous step and nothing else holds it
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            boolean lastConv = i == steps.size() - 1 && s.fused() != null && s.act() == ConvActivation.NONE;
            Tensor in = x;
            if (s.fused() != null) x = s.fused().forward(in, lastConv ? residual : null, s.act());
            else x = s.module().forward(in);
            boolean owned = s.owns();
            if (ownInput && owned) InferenceConv.recycle(in);          // consumed, and x is not a view of it
            ownInput = owned;
            if (lastConv) residual = null;
        }
        return residual == null ? x : x.add(residual);
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

    private List<Step> plan() {
        List<Step> p = plan.get();
        if (p != null) return p;
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            BatchNorm bn = i + 1 < layers.size() && layers.get(i + 1) instanceof BatchNorm b ? b : null;
            FoldedConv f = FoldedConv.of(m, bn);
            if (f == null) { steps.add(new Step(null, null, m)); continue; }
            if (bn != null) i++;
            ConvActivation act = ConvActivation.NONE;
            if (i + 1 < layers.size() && layers.get(i + 1) instanceof Activation a) {
                if (a.op() == UnaryOp.RELU) act = ConvActivation.RELU;
                else if (a.op() == UnaryOp.RELU6) act = ConvActivation.RELU6;
                if (act != ConvActivation.NONE) i++;
            }
            steps.add(new Step(f, act, null));
        }
        List<Step> built = List.copyOf(steps);
        plan.compareAndSet(null, built);
        return built;
    }

    @Override public String describe() { return "Sequential"; }
}
