package dev.saccade.models.attention;

/**
 * Chooses between the fused attention ops ({@link dev.saccade.tensor.ops.TemporalConv},
 * {@link dev.saccade.tensor.ops.BroadcastGate}) and the composed ops the modules are defined by (permute copies,
 * grouped convolutions, one elementwise op per term). Both compute the same function; the composed form stays as
 * the reference the parity tests and {@code TemporalModuleBench} compare against. On by default; property
 * {@code saccade.attention.fused=false} turns it off.
 */
public final class FusedAttention {
    private static volatile boolean enabled = !"false".equalsIgnoreCase(System.getProperty("saccade.attention.fused", "true"));

    private FusedAttention() {}

    /** True when the attention modules run the fused ops. */
    public static boolean enabled() { return enabled; }

    /** Switches the fused ops on or off for every module (tests and benchmarks). */
    public static void setEnabled(boolean on) { enabled = on; }
}
