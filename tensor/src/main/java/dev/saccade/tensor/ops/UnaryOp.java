package dev.saccade.tensor.ops;

/**
 * Elementwise unary functions: each carries its scalar reference {@code f(x; α)}, its derivative
 * {@code f'(x, y; α)} (written with the output {@code y} where that is cheaper), and its CUDA kernel name.
 * {@code α} is the scalar of the scalar variants ({@code x + α}, {@code x · α}, {@code x^α}, {@code α − x}).
 * References: the matching {@code torch.*} functions.
 */
public enum UnaryOp {
    NEG("neg", (x, a) -> -x, (x, y, a) -> -1),
    EXP("exp", (x, a) -> Math.exp(x), (x, y, a) -> y),
    LOG("log", (x, a) -> Math.log(x), (x, y, a) -> 1 / x),
    SQRT("sqrt", (x, a) -> Math.sqrt(x), (x, y, a) -> 0.5 / y),
    RSQRT("rsqrt", (x, a) -> 1 / Math.sqrt(x), (x, y, a) -> -0.5 * y * y * y),
    ABS("abs", (x, a) -> Math.abs(x), (x, y, a) -> Math.signum(x)),
    RELU("relu", (x, a) -> x > 0 ? x : 0, (x, y, a) -> x > 0 ? 1 : 0),
    RELU6("relu6", (x, a) -> x <= 0 ? 0 : Math.min(x, 6), (x, y, a) -> x > 0 && x < 6 ? 1 : 0),
    SIGMOID("sigmoid", (x, a) -> 1 / (1 + Math.exp(-x)), (x, y, a) -> y * (1 - y)),
    TANH("tanh", (x, a) -> Math.tanh(x), (x, y, a) -> 1 - y * y),
    SQUARE("square", (x, a) -> x * x, (x, y, a) -> 2 * x),
    RECIPROCAL("reciprocal", (x, a) -> 1 / x, (x, y, a) -> -y * y),
    ADD_SCALAR("add_scalar", (x, a) -> x + a, (x, y, a) -> 1),
    MUL_SCALAR("mul_scalar", (x, a) -> x * a, (x, y, a) -> a),
    RSUB_SCALAR("rsub_scalar", (x, a) -> a - x, (x, y, a) -> -1),
    POW_SCALAR("pow_scalar", (x, a) -> Math.pow(x, a), (x, y, a) -> a * Math.pow(x, a - 1));

    /** {@code y = f(x; α)}. */
    @FunctionalInterface public interface Fn { double apply(double x, double alpha); }
    /** {@code dy/dx} given x, y and α. */
    @FunctionalInterface public interface Derivative { double apply(double x, double y, double alpha); }

    private final String kernel;
    private final Fn fn;
    private final Derivative derivative;

    UnaryOp(String kernel, Fn fn, Derivative derivative) {
        this.kernel = kernel;
        this.fn = fn;
        this.derivative = derivative;
    }

    /** The scalar reference. */
    public double apply(double x, double alpha) { return fn.apply(x, alpha); }

    /** The derivative at x (with y = f(x)). */
    public double derivative(double x, double y, double alpha) { return derivative.apply(x, y, alpha); }

    /** Base name of the CUDA kernels ({@code <name>_f32}, {@code <name>_backward_f32}). */
    public String kernelName() { return kernel; }
}
