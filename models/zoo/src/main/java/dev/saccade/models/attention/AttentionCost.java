package dev.saccade.models.attention;

/**
 * Extra parameters and multiply-accumulates (MACs) that one attention module adds to a block with C input channels
 * (C_out for W3/CBAM/NL) at H × W, T frames, counted from the layer shapes of the modules in this package. MACs are
 * per frame and count convolutions, linear layers and the attention products; elementwise ops, pooling and
 * normalisation are left out (as FLOP counters such as fvcore do for the papers' "FLOPs").
 * <pre>
 * M2A     params 2Cr + r + C                       = C²/4 + 9C/8                 (r = C/8)
 *         MACs   2Cr·HW + 2T·r·HW                  (conv_down + conv_up; QKᵀ and AV)
 * ACTION  params 3C + 27 + 4Cr + 3r² + 11r         = 0.26171875·C² + 3.6875·C + 27  (r = C/16; BN γ, β counted)
 *         MACs   3C·HW + 27·HW + (2Cr + 3r²) + (Cr + 9r)·HW + rC
 * W3      params 2Ch + h + C + 6C + 98 + 54        = C²/8 + 113C/16 + 152        (h = C/16)
 *         MACs   4Ch + 6C + 98·HW + 54·HW
 * CBAM    params 2Ch + h + C + 98                  = C²/8 + 17C/16 + 98
 *         MACs   4Ch + 98·HW
 * NL      params 4C·C' + 3C' + C + 2C              = 2C² + 4.5C                  (C' = C/2; BN γ, β counted)
 *         MACs   4C·C'·HW + 2·HW·(T·⌊H/2⌋⌊W/2⌋)·C'
 * AFR     params S·C_l + C_l (once per model, S stages);  MACs S·C_l·hw
 * </pre>
 *
 * <pre>{@code long p = AttentionCost.actionParams(256);   // 18123 }</pre>
 */
public final class AttentionCost {
    private AttentionCost() {}

    public static long m2aParams(int c) {
        long r = c / M2A.REDUCTION;
        return 2 * c * r + r + c;
    }

    public static long m2aMacsPerFrame(int c, int h, int w, int frames) {
        long r = c / M2A.REDUCTION, hw = (long) h * w;
        return 2 * c * r * hw + 2L * frames * r * hw;
    }

    public static long actionParams(int c) {
        long r = c / ActionModule.REDUCTION;
        return 3L * c + 27 + 4 * c * r + 3 * r * r + 11 * r;
    }

    public static long actionMacsPerFrame(int c, int h, int w) {
        long r = c / ActionModule.REDUCTION, hw = (long) h * w;
        return 3L * c * hw + 27 * hw + (2 * c * r + 3 * r * r) + (c * r + 9 * r) * hw + r * c;
    }

    public static long w3Params(int c, boolean spatial, boolean temporal) {
        long h = c / W3Attention.REDUCTION;
        long p = 2 * c * h + h + c;
        if (temporal) p += 6L * c;
        if (spatial) p += 2 * 49 + (temporal ? 54 : 0);
        return p;
    }

    public static long w3MacsPerFrame(int c, int h, int w) {
        long hid = c / W3Attention.REDUCTION, hw = (long) h * w;
        return 4 * c * hid + 6L * c + 98 * hw + 54 * hw;
    }

    public static long cbamParams(int c) {
        long h = c / Cbam.REDUCTION;
        return 2 * c * h + h + c + 98;
    }

    public static long cbamMacsPerFrame(int c, int h, int w) {
        long hid = c / Cbam.REDUCTION;
        return 4 * c * hid + 98L * h * w;
    }

    public static long nonLocalParams(int c) {
        long ci = Math.max(1, c / 2);
        return 4 * c * ci + 3 * ci + c + 2L * c;
    }

    public static long nonLocalMacsPerFrame(int c, int h, int w, int frames) {
        long ci = Math.max(1, c / 2), hw = (long) h * w, pooled = (long) frames * (h / 2) * (w / 2);
        return 4 * c * ci * hw + 2 * hw * pooled * ci;
    }

    public static long refinementParams(int stages, int channels) { return (long) stages * channels + channels; }
}
