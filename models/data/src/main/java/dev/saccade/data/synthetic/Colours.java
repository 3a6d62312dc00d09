package dev.saccade.data.synthetic;

/**
 * Colour helpers for the synthetic renderer.
 *
 * <pre>{@code
 * float[] red = Colours.hsv(0.0, 1.0, 1.0);   // {1, 0, 0}
 * }</pre>
 */
final class Colours {

    private Colours() {
    }

    /** HSV (hue wraps, saturation and value in [0, 1]) to RGB in [0, 1] (the standard hexcone model). */
    static float[] hsv(double h, double s, double v) {
        h = h - Math.floor(h);
        double f = h * 6;
        int i = (int) f;
        double fr = f - i;
        double p = v * (1 - s);
        double q = v * (1 - s * fr);
        double t = v * (1 - s * (1 - fr));
        double r;
        double g;
        double b;
        switch (i % 6) {
            case 0 -> { r = v; g = t; b = p; }
            case 1 -> { r = q; g = v; b = p; }
            case 2 -> { r = p; g = v; b = t; }
            case 3 -> { r = p; g = q; b = v; }
            case 4 -> { r = t; g = p; b = v; }
            default -> { r = v; g = p; b = q; }
        }
        return new float[] {(float) r, (float) g, (float) b};
    }
}
