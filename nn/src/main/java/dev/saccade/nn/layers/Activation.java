package dev.saccade.nn.layers;

import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.UnaryOp;

/** A parameter-free elementwise activation: {@code ReLU}, {@code ReLU6}, {@code Sigmoid}, {@code Tanh}. */
public final class Activation extends Module {
    private final UnaryOp op;

    private Activation(UnaryOp op) { this.op = op; }

    public static Activation relu() { return new Activation(UnaryOp.RELU); }
    public static Activation relu6() { return new Activation(UnaryOp.RELU6); }
    public static Activation sigmoid() { return new Activation(UnaryOp.SIGMOID); }
    public static Activation tanh() { return new Activation(UnaryOp.TANH); }

    /** The elementwise op applied. */
    public UnaryOp op() { return op; }

    @Override public Tensor forward(Tensor x) { return x.unary(op); }

    @Override public String describe() {
        return switch (op) {
            case RELU -> "ReLU";
            case RELU6 -> "ReLU6";
            case SIGMOID -> "Sigmoid";
            default -> op.kernelName();
        };
    }
}
