package dev.saccade.kernels.cuda;

/**
 * Element types our kernels are built for: the kernel name suffix and the element size.
 *
 * <pre>{@code
 * String name = "relu_" + KernelDType.F32.suffix();   // "relu_f32"
 * }</pre>
 */
public enum KernelDType {
    /** 32-bit float, kernels {@code <op>_f32}. */
    F32("f32", 4),
    /** 64-bit float, kernels {@code <op>_f64}. */
    F64("f64", 8);

    private final String suffix;
    private final int bytes;

    KernelDType(String suffix, int bytes) {
        this.suffix = suffix;
        this.bytes = bytes;
    }

    /** Kernel name suffix, "f32" or "f64". */
    public String suffix() { return suffix; }

    /** Bytes per element. */
    public int bytes() { return bytes; }

    /** The kernel name {@code <op>_<suffix>}. */
    public String kernel(String op) { return op + "_" + suffix; }

    /** Throws naming {@code what} unless {@code buffer} holds at least {@code elements} elements. */
    void requireElements(DeviceBuffer buffer, long elements, String what) {
        if (buffer.bytes() < elements * bytes)
            throw new IllegalArgumentException(what + ": device buffer of " + buffer.bytes() + " bytes is smaller than "
                    + elements + " " + suffix + " elements (" + elements * bytes + " bytes)");
    }
}
