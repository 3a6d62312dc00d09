package dev.saccade.models.attention;

import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;

/** A named group of child modules with no forward of its own (PyTorch's bare {@code nn.Module()} used as a namespace). */
final class Container extends Module {
    <M extends Module> M add(String name, M child) { return register(name, child); }

    @Override public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("Container holds parameters only; its owner runs the computation");
    }

    @Override public String describe() { return "Container"; }
}
