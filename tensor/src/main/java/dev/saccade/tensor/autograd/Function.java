package dev.saccade.tensor.autograd;

import dev.saccade.tensor.Tensor;

/**
 * One differentiable operation: {@link #forward} computes the output and saves in fields exactly what
 * {@link #backward} needs; {@link #backward} turns the output's gradient into one gradient per input
 * (null for inputs that need none). Like {@code torch.autograd.Function}. A Function instance is used once.
 *
 * <pre>{@code
 * final class Square extends Function {
 *     private Tensor x;
 *     protected Tensor forward(Tensor... in) { x = in[0]; return x.backend().unary(UnaryOp.SQUARE, x, 0); }
 *     protected Tensor[] backward(Tensor g) { return new Tensor[] { g.mul(x).mul(2) }; }
 * }
 * Tensor y = new Square().apply(x);
 * }</pre>
 */
public abstract class Function {
    private Tensor[] inputs;
    private boolean released;

    /** Computes the output from the inputs; runs with grad recording off. */
    protected abstract Tensor forward(Tensor... inputs);

    /** Gradients with respect to each input, given the gradient of the output; runs with grad recording off. */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /** A short name for error messages and graph dumps; the class name by default. */
    public String name() { return getClass().getSimpleName(); }

    /** Runs the operation and records it in the graph when an input requires grad and grad mode is on. */
    public final Tensor apply(Tensor... in) {
        if (inputs != null) throw new IllegalStateException(name() + ": a Function instance can be applied only once");
        boolean record = false;
        if (GradMode.isEnabled()) for (Tensor t : in) if (t != null && t.requiresGrad()) record = true;
        Tensor out;
        try (var noGrad = GradMode.disable()) {
            out = forward(in);
        }
        inputs = in.clone();
        if (!record) { release(); return out; }
        return out.withGradFn(this);
    }

    /** The inputs this function was applied to. */
    public final Tensor[] inputs() {
        if (released) throw new IllegalStateException(name() + ": the graph has been freed (backward was already called on it)");
        return inputs;
    }

    /** True when input {@code i} takes part in the graph. */
    protected final boolean needsGrad(int i) { return inputs[i] != null && inputs[i].requiresGrad(); }

    final Tensor[] runBackward(Tensor gradOutput) {
        if (released) throw new IllegalStateException(name() + ": the graph has been freed (backward was already called on it)");
        return backward(gradOutput);
    }

    /** Drops saved tensors and inputs so the graph can be collected. */
    final void release() {
        released = true;
        inputs = null;
        releaseSaved();
    }

    final boolean isReleased() { return released; }

    /** Subclasses override to null out the tensors they saved; called once after backward. */
    protected void releaseSaved() {}
}
