package dev.saccade.data.synthetic;

/**
 * A textured object: a {@link Shape} filled with a two-colour pattern fixed to the object (so it turns with it),
 * drawn anti-aliased onto an RGB float canvas.
 *
 * <pre>{@code
 * Sprite s = Sprite.random(rng, Shape.MOVING);
 * s.draw(canvas, width, height, cx, cy, radius, angle);
 * }</pre>
 */
final class Sprite {

    enum Pattern { STRIPES, CHECKER, GRADIENT }

    final Shape shape;
    final Pattern pattern;
    final double frequency;
    final double cosPhi;
    final double sinPhi;
    final float[] colourA;
    final float[] colourB;

    Sprite(Shape shape, Pattern pattern, double frequency, double phi, float[] colourA, float[] colourB) {
        this.shape = shape;
        this.pattern = pattern;
        this.frequency = frequency;
        this.cosPhi = Math.cos(phi);
        this.sinPhi = Math.sin(phi);
        this.colourA = colourA;
        this.colourB = colourB;
    }

    /** A random sprite with a shape from {@code shapes}, any pattern and saturated colours. */
    static Sprite random(SplitMix rng, Shape[] shapes) {
        return random(rng, shapes, Pattern.values());
    }

    /**
     * A random sprite with a shape from {@code shapes}, a pattern from {@code patterns} and saturated colours. The
     * pattern's period is 0.55 to 1 object radius per stripe, a few pixels at 32×32, so it survives the frame's
     * sampling and a turning object is seen to turn.
     */
    static Sprite random(SplitMix rng, Shape[] shapes, Pattern[] patterns) {
        Shape shape = shapes[rng.nextInt(shapes.length)];
        Pattern pattern = patterns[rng.nextInt(patterns.length)];
        double hue = rng.uniform();
        float[] a = Colours.hsv(hue, rng.uniform(0.55, 1.0), rng.uniform(0.6, 1.0));
        float[] b = Colours.hsv(hue + rng.uniform(0.25, 0.75), rng.uniform(0.4, 1.0), rng.uniform(0.15, 0.55));
        return new Sprite(shape, pattern, rng.uniform(0.5, 0.9), rng.uniform(0, Math.PI), a, b);
    }

    /**
     * Draws the sprite centred at pixel coordinates (cx, cy) with radius r (pixels), rotated by {@code angle}
     * radians clockwise on screen.
     *
     * @param canvas {@code (H, W, 3)} floats in [0, 1]
     */
    void draw(float[] canvas, int width, int height, double cx, double cy, double r, double angle) {
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double inv = 1.0 / r;
        int x0 = Math.max(0, (int) Math.floor(cx - r - 1));
        int x1 = Math.min(width - 1, (int) Math.ceil(cx + r + 1));
        int y0 = Math.max(0, (int) Math.floor(cy - r - 1));
        int y1 = Math.min(height - 1, (int) Math.ceil(cy + r + 1));
        for (int y = y0; y <= y1; y++) {
            double dy = y + 0.5 - cy;
            for (int x = x0; x <= x1; x++) {
                double dx = x + 0.5 - cx;
                // object coordinates: undo the rotation, scale to unit radius
                double u = (c * dx + s * dy) * inv;
                double v = (-s * dx + c * dy) * inv;
                double alpha = 0.5 - shape.distance(u, v) * r; // coverage from the distance in pixels
                if (alpha <= 0) {
                    continue;
                }
                if (alpha > 1) {
                    alpha = 1;
                }
                double p = pattern(u, v);
                int q = (y * width + x) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    double col = colourB[ch] + (colourA[ch] - colourB[ch]) * p;
                    canvas[q + ch] += (float) ((col - canvas[q + ch]) * alpha);
                }
            }
        }
    }

    private double pattern(double u, double v) {
        double along = u * cosPhi + v * sinPhi;
        return switch (pattern) {
            case STRIPES -> (Math.floor(along * frequency * 2) % 2 == 0) ? 1.0 : 0.0;
            case CHECKER -> ((((long) Math.floor(u * frequency * 1.5)) + ((long) Math.floor(v * frequency * 1.5))) & 1) == 0 ? 1.0 : 0.0;
            case GRADIENT -> Math.min(1.0, Math.max(0.0, 0.5 + 0.6 * along));
        };
    }
}
