package dev.saccade.nn.layers;

import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Modules applied in order, named "0", "1", … as in {@code torch.nn.Sequential}. */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) { for (Module m : modules) add(m); }

    /** Appends a module under the next index and returns this. */
    public Sequential add(Module m) {
        layers.add(register(Integer.toString(layers.size()), m));
        return this;
    }

    public Module get(int i) { return layers.get(i); }
    public int size() { return layers.size(); }

    @Override public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }

    @Override public String describe() { return "Sequential"; }
}
