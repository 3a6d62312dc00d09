package dev.saccade.tensor.ops;

/**
 * The activation an inference convolution applies in its epilogue, after the bias and the residual add, before its
 * single store: {@code y = act(conv(x, w) + b + residual)}. References: {@code torch.nn.ReLU},
 * {@code torch.nn.ReLU6} ({@code min(max(v, 0), 6)}); ONNX Runtime's {@code FusedConv} activation attribute.
 */
public enum ConvActivation {
    /** The identity. */
    NONE,
    /** {@code max(v, 0)}. */
    RELU,
    /** {@code min(max(v, 0), 6)} (MobileNetV2). */
    RELU6;

    /** The scalar definition, as {@link UnaryOp#RELU} and {@link UnaryOp#RELU6} compute it. */
    public float apply(float v) {
        return switch (this) {
            case NONE -> v;
            case RELU -> v > 0f ? v : 0f;
            case RELU6 -> v <= 0f ? 0f : Math.min(v, 6f);
        };
    }
}
