package dev.saccade.tensor.ops;

/**
 * Elementwise binary functions with NumPy broadcasting; comparisons return 1 or 0 in the input dtype.
 * References: {@code torch.add/sub/mul/div/maximum/minimum/gt/lt/eq}.
 */
public enum BinaryOp {
    ADD("add") { public double apply(double a, double b) { return a + b; } },
    SUB("sub") { public double apply(double a, double b) { return a - b; } },
    MUL("mul") { public double apply(double a, double b) { return a * b; } },
    DIV("div") { public double apply(double a, double b) { return a / b; } },
    MAXIMUM("maximum") { public double apply(double a, double b) { return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b); } },
    MINIMUM("minimum") { public double apply(double a, double b) { return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b); } },
    GT("gt") { public double apply(double a, double b) { return a > b ? 1 : 0; } },
    LT("lt") { public double apply(double a, double b) { return a < b ? 1 : 0; } },
    EQ("eq") { public double apply(double a, double b) { return a == b ? 1 : 0; } };

    private final String kernel;

    BinaryOp(String kernel) { this.kernel = kernel; }

    /** The scalar reference. */
    public abstract double apply(double a, double b);

    /** Base name of the CUDA kernel. */
    public String kernelName() { return kernel; }
}
