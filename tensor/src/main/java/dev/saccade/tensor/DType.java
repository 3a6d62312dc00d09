package dev.saccade.tensor;

/**
 * Element types. F32 is the compute type; F64 serves reference computations and gradient checks;
 * I64 and I32 hold labels and indices.
 */
public enum DType {
    F32(4, true), F64(8, true), I32(4, false), I64(8, false);

    private final int bytes;
    private final boolean floating;

    DType(int bytes, boolean floating) { this.bytes = bytes; this.floating = floating; }

    /** Size of one element in bytes. */
    public int bytes() { return bytes; }

    /** True for F32 and F64. */
    public boolean isFloating() { return floating; }
}
