package dev.saccade.nn.io;

import java.util.Locale;

/**
 * Element types an array file can hold, with their size and their names in the safetensors header and in a numpy
 * {@code .npy} {@code descr}.
 *
 * <p>Names follow the safetensors spec (huggingface/safetensors README, "Format": {@code F16, BF16, F32, F64, I8, U8,
 * I16, I32, I64, BOOL}) and the numpy array-interface type strings ({@code numpy.lib.format}: {@code <f4},
 * {@code |u1}, …). All multi-byte types are stored little-endian.
 *
 * <pre>{@code
 * ArrayDType t = ArrayDType.fromSafetensorsName("BF16");   // BF16, 2 bytes
 * String descr = ArrayDType.F32.npyDescr();                // "<f4"
 * }</pre>
 */
public enum ArrayDType {
    F16(2, "<f2", true),
    /** bfloat16: the upper 16 bits of an IEEE-754 float32; numpy has no such type. */
    BF16(2, null, true),
    F32(4, "<f4", true),
    F64(8, "<f8", true),
    I8(1, "|i1", false),
    U8(1, "|u1", false),
    I16(2, "<i2", false),
    I32(4, "<i4", false),
    I64(8, "<i8", false),
    /** One byte per element, 0 or 1. */
    BOOL(1, "|b1", false);

    private final int byteSize;
    private final String npyDescr;
    private final boolean floatingPoint;

    ArrayDType(int byteSize, String npyDescr, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.npyDescr = npyDescr;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for F16, BF16, F32 and F64. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The name used in a safetensors header, e.g. {@code "F32"}. */
    public String safetensorsName() {
        return name();
    }

    /**
     * The numpy type string written to a {@code .npy} header, e.g. {@code "<f4"}.
     *
     * @throws IllegalArgumentException for BF16, which numpy cannot represent
     */
    public String npyDescr() {
        if (npyDescr == null) {
            throw new IllegalArgumentException("dtype " + this + " has no numpy equivalent; convert to F32 first");
        }
        return npyDescr;
    }

    /** The dtype for a safetensors header name, or null when the name is not one we support. */
    public static ArrayDType fromSafetensorsName(String name) {
        for (ArrayDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /**
     * The dtype for a numpy type string ({@code "<f4"}, {@code "|u1"}, {@code "<i8"}, …), or null when unsupported.
     * Single-byte types are accepted with any byte-order mark ({@code |}, {@code <}, {@code =}); multi-byte types
     * must be little-endian ({@code <}).
     */
    public static ArrayDType fromNpyDescr(String descr) {
        if (descr.length() < 3) {
            return null;
        }
        char order = descr.charAt(0);
        String kindAndSize = descr.substring(1).toLowerCase(Locale.ROOT);
        for (ArrayDType t : values()) {
            if (t.npyDescr == null || !t.npyDescr.substring(1).equals(kindAndSize)) {
                continue;
            }
            boolean orderOk = t.byteSize == 1 ? (order == '|' || order == '<' || order == '=') : order == '<';
            return orderOk ? t : null;
        }
        return null;
    }
}
