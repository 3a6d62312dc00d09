package dev.saccade.data.transform;

import dev.saccade.data.RgbFrame;

/**
 * Bilinear resize that reproduces Pillow's {@code Image.resize(size, Image.BILINEAR)} on 8-bit RGB byte for byte:
 * a separable convolution with the triangle filter whose support grows with the down-scaling factor (so it
 * anti-aliases), horizontal pass first into an 8-bit intermediate, then vertical, with Pillow's 22-bit fixed-point
 * coefficients and rounding.
 *
 * <p>Reference: Pillow {@code src/libImaging/Resample.c} ({@code precompute_coeffs}, {@code normalize_coeffs_8bpc},
 * {@code ImagingResampleHorizontal_8bpc}, {@code ImagingResampleVertical_8bpc}), the resize behind torchvision's
 * {@code Resize} on PIL images and TSM's {@code GroupScale}/{@code GroupMultiScaleCrop}.
 *
 * <pre>{@code
 * RgbFrame small = PilBilinear.resize(frame, 224, 224);
 * }</pre>
 */
public final class PilBilinear {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilBilinear() {
    }

    /** Resizes a whole frame to {@code outW × outH}. */
    public static RgbFrame resize(RgbFrame src, int outW, int outH) {
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("resize target " + outW + "x" + outH + " must be positive");
        }
        RgbFrame cur = src;
        if (outW != src.width()) {
            cur = horizontal(cur, outW);
        }
        if (outH != src.height()) {
            cur = vertical(cur, outH);
        }
        return cur == src ? new RgbFrame(src.rgb().clone(), src.width(), src.height()) : cur;
    }

    /** Coefficients of one pass: bounds {@code (out, 2)} as (first input, count), weights {@code (out, ksize)} fixed point. */
    record Coefficients(int ksize, int[] bounds, int[] weights) {
    }

    /** Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for the bilinear filter (support 1). */
    static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 1.0 * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = triangle((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                        : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Coefficients(ksize, bounds, weights);
    }

    private static double triangle(double x) {
        x = Math.abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static int clip8(int acc) {
        if (acc >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (acc <= 0) {
            return 0;
        }
        return acc >> PRECISION_BITS;
    }

    private static RgbFrame horizontal(RgbFrame src, int outW) {
        Coefficients c = coefficients(src.width(), outW);
        int h = src.height();
        int inW = src.width();
        byte[] in = src.rgb();        // (H, inW, 3)
        byte[] out = new byte[h * outW * 3]; // (H, outW, 3)
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < h; y++) {
            int row = y * inW * 3;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = c.bounds[xx * 2];
                int n = c.bounds[xx * 2 + 1];
                int kb = xx * c.ksize;
                int s0 = half, s1 = half, s2 = half;
                for (int x = 0; x < n; x++) {
                    int w = c.weights[kb + x];
                    int p = row + (xmin + x) * 3;
                    s0 += (in[p] & 0xFF) * w;
                    s1 += (in[p + 1] & 0xFF) * w;
                    s2 += (in[p + 2] & 0xFF) * w;
                }
                int q = (y * outW + xx) * 3;
                out[q] = (byte) clip8(s0);
                out[q + 1] = (byte) clip8(s1);
                out[q + 2] = (byte) clip8(s2);
            }
        }
        return new RgbFrame(out, outW, h);
    }

    private static RgbFrame vertical(RgbFrame src, int outH) {
        Coefficients c = coefficients(src.height(), outH);
        int w = src.width();
        byte[] in = src.rgb();          // (inH, W, 3)
        byte[] out = new byte[outH * w * 3]; // (outH, W, 3)
        int half = 1 << (PRECISION_BITS - 1);
        int stride = w * 3;
        for (int yy = 0; yy < outH; yy++) {
            int ymin = c.bounds[yy * 2];
            int n = c.bounds[yy * 2 + 1];
            int kb = yy * c.ksize;
            for (int xc = 0; xc < stride; xc++) {
                int s = half;
                for (int y = 0; y < n; y++) {
                    s += (in[(ymin + y) * stride + xc] & 0xFF) * c.weights[kb + y];
                }
                out[yy * stride + xc] = (byte) clip8(s);
            }
        }
        return new RgbFrame(out, w, outH);
    }
}
