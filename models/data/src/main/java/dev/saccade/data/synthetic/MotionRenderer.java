package dev.saccade.data.synthetic;

import dev.saccade.data.RgbFrame;
import dev.saccade.data.synthetic.MotionClass.Motion;

/**
 * Renders the forward trajectory of one synthetic clip: a drifting value-noise background, distractor blobs on
 * random straight paths, the object(s) of the motion family, an occluder for covering, per-pixel noise; then
 * quantises to 8-bit RGB like a decoded video frame. Everything is a function of the seed.
 *
 * <p>Sizes are fractions of min(H, W). Classes told apart by an object's own detail (its turning, or the shape of a
 * control) draw it large, 0.3–0.36 in radius, so that the detail survives an ImageNet backbone's stride-4 stem: at
 * 32×32 a smaller ring or cross, or the texture of a smaller turning disc, is one or two cells of the first stage's
 * feature map, and narrow networks then confuse the controls with each other and the two rotations.
 *
 * <pre>{@code
 * RgbFrame[] forward = new MotionRenderer(options).render(Motion.HORIZONTAL, seed);
 * }</pre>
 */
final class MotionRenderer {

    private final int frames;
    private final int width;
    private final int height;
    private final double noise;
    private final double difficulty;
    private final double size; // min(H, W), the unit of every length below

    MotionRenderer(SyntheticMotion.Options o) {
        this.frames = o.frames();
        this.width = o.width();
        this.height = o.height();
        this.noise = o.noise();
        this.difficulty = o.difficulty();
        this.size = Math.min(o.width(), o.height());
    }

    /** The T frames of the forward trajectory of {@code motion} for {@code seed}. */
    RgbFrame[] render(Motion motion, long seed) {
        SplitMix rng = new SplitMix(seed);
        Background bg = new Background(rng);
        Distractors distractors = new Distractors(rng);
        Scene scene = scene(motion, rng);
        float[] canvas = new float[height * width * 3]; // (H, W, 3)
        RgbFrame[] out = new RgbFrame[frames];
        for (int t = 0; t < frames; t++) {
            bg.draw(canvas, t);
            distractors.draw(canvas, t);
            scene.draw(canvas, t);
            out[t] = quantise(canvas, rng);
        }
        return out;
    }

    /** Adds noise and rounds to bytes {@code (H, W, 3)}. */
    private RgbFrame quantise(float[] canvas, SplitMix rng) {
        byte[] rgb = new byte[canvas.length];
        // triangular noise (u1 + u2 − 1)·√6·σ has standard deviation σ; 3 pairs of 10-bit uniforms per 64-bit draw
        float scale = (float) (noise * Math.sqrt(6) / 1024.0);
        for (int q = 0; q < canvas.length; q += 3) {
            long bits = noise > 0 ? rng.nextLong() : 0;
            for (int ch = 0; ch < 3; ch++) {
                int u1 = (int) (bits >>> (ch * 20)) & 1023;
                int u2 = (int) (bits >>> (ch * 20 + 10)) & 1023;
                float v = canvas[q + ch] + (u1 + u2 - 1023) * scale;
                int b = (int) (v * 255f + 0.5f);
                rgb[q + ch] = (byte) (b < 0 ? 0 : Math.min(b, 255));
            }
        }
        return new RgbFrame(rgb, width, height);
    }

    // ---------------------------------------------------------------- background

    /** A value-noise texture larger than the frame, seen through a window that drifts at constant velocity. */
    private final class Background {
        final int margin;
        final int texW;
        final float[] texture; // (H + 2m, W + 2m, 3)
        final double vx;
        final double vy;

        Background(SplitMix rng) {
            double maxDrift = 0.5 + 1.5 * difficulty; // pixels per frame
            margin = (int) Math.ceil(maxDrift * (frames - 1)) + 1;
            texW = width + 2 * margin;
            int texH = height + 2 * margin;
            double angle = rng.uniform(0, 2 * Math.PI);
            double speed = rng.uniform(0, maxDrift);
            vx = Math.cos(angle) * speed;
            vy = Math.sin(angle) * speed;
            float[] a = Colours.hsv(rng.uniform(), rng.uniform(0, 0.4), rng.uniform(0.25, 0.75));
            float[] other = Colours.hsv(rng.uniform(), rng.uniform(0, 0.5), rng.uniform(0.1, 0.9));
            double contrast = 0.3 + 0.7 * difficulty;
            float[] b = new float[3];
            for (int c = 0; c < 3; c++) {
                b[c] = (float) (a[c] + (other[c] - a[c]) * contrast);
            }
            int cell = Math.max(3, (int) (size / 6));
            int gw = texW / cell + 2;
            int gh = texH / cell + 2;
            float[] grid = new float[gw * gh]; // (gh, gw) mixing weights at the cell corners
            for (int i = 0; i < grid.length; i++) {
                grid[i] = (float) rng.uniform();
            }
            float grain = (float) (0.08 * difficulty);
            texture = new float[texH * texW * 3];
            for (int y = 0; y < texH; y++) {
                int gy = y / cell;
                float fy = (float) (y % cell) / cell;
                for (int x = 0; x < texW; x++) {
                    int gx = x / cell;
                    float fx = (float) (x % cell) / cell;
                    float top = grid[gy * gw + gx] + (grid[gy * gw + gx + 1] - grid[gy * gw + gx]) * fx;
                    float bot = grid[(gy + 1) * gw + gx] + (grid[(gy + 1) * gw + gx + 1] - grid[(gy + 1) * gw + gx]) * fx;
                    float m = top + (bot - top) * fy + grain * (float) (rng.uniform() - 0.5);
                    int q = (y * texW + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        texture[q + c] = a[c] + (b[c] - a[c]) * m;
                    }
                }
            }
        }

        void draw(float[] canvas, int t) {
            int ox = margin + (int) Math.round(vx * t);
            int oy = margin + (int) Math.round(vy * t);
            for (int y = 0; y < height; y++) {
                System.arraycopy(texture, ((oy + y) * texW + ox) * 3, canvas, y * width * 3, width * 3);
            }
        }
    }

    // ---------------------------------------------------------------- distractors

    /** Small discs moving on straight lines in random directions (behind the objects). */
    private final class Distractors {
        final Sprite[] sprites;
        final double[] x0;
        final double[] y0;
        final double[] vx;
        final double[] vy;
        final double[] r;

        Distractors(SplitMix rng) {
            int n = (int) Math.round(difficulty * 4);
            sprites = new Sprite[n];
            x0 = new double[n];
            y0 = new double[n];
            vx = new double[n];
            vy = new double[n];
            r = new double[n];
            for (int i = 0; i < n; i++) {
                Sprite s = Sprite.random(rng, new Shape[] {Shape.DISC});
                sprites[i] = s;
                x0[i] = rng.uniform(0, width);
                y0[i] = rng.uniform(0, height);
                double a = rng.uniform(0, 2 * Math.PI);
                double speed = rng.uniform(0, 1.5) * size / 32;
                vx[i] = Math.cos(a) * speed;
                vy[i] = Math.sin(a) * speed;
                r[i] = rng.uniform(0.05, 0.09) * size;
            }
        }

        void draw(float[] canvas, int t) {
            for (int i = 0; i < sprites.length; i++) {
                sprites[i].draw(canvas, width, height, x0[i] + vx[i] * t, y0[i] + vy[i] * t, r[i], 0);
            }
        }
    }

    // ---------------------------------------------------------------- scenes

    /** What moves in the clip: per-frame centres, radii and angles of one or two sprites, plus an optional occluder. */
    private final class Scene {
        final Sprite[] sprites;
        final double[][] cx; // (sprites, T)
        final double[][] cy;
        final double[][] radius;
        final double[][] angle;
        Sprite occluder;
        double[] ocx;
        double[] ocy;
        double occluderRadius;

        Scene(Sprite[] sprites) {
            this.sprites = sprites;
            cx = new double[sprites.length][frames];
            cy = new double[sprites.length][frames];
            radius = new double[sprites.length][frames];
            angle = new double[sprites.length][frames];
        }

        void draw(float[] canvas, int t) {
            for (int i = 0; i < sprites.length; i++) {
                sprites[i].draw(canvas, width, height, cx[i][t], cy[i][t], radius[i][t], angle[i][t]);
            }
            if (occluder != null) {
                occluder.draw(canvas, width, height, ocx[t], ocy[t], occluderRadius, 0);
            }
        }
    }

    private Scene scene(Motion motion, SplitMix rng) {
        double jitter = 0.25 * size / 32; // per-frame position noise, pixels
        return switch (motion) {
            case HORIZONTAL, VERTICAL -> {
                Scene s = new Scene(new Sprite[] {Sprite.random(rng, Shape.MOVING)});
                double r = rng.uniform(0.14, 0.19) * size;
                double span = (motion == Motion.HORIZONTAL ? width : height);
                double across = (motion == Motion.HORIZONTAL ? height : width);
                double travel = rng.uniform(0.35, 0.6) * Math.min(size, span - 2 * r - 2);
                double start = rng.uniform(r + 1, span - r - 1 - travel);
                double other = rng.uniform(r + 1, across - r - 1);
                double theta = rng.uniform(0, 2 * Math.PI);
                for (int t = 0; t < frames; t++) {
                    double along = start + travel * t / Math.max(1, frames - 1) + jitter * rng.gaussian();
                    double perp = other + jitter * rng.gaussian();
                    s.cx[0][t] = motion == Motion.HORIZONTAL ? along : perp;
                    s.cy[0][t] = motion == Motion.HORIZONTAL ? perp : along;
                    s.radius[0][t] = r;
                    s.angle[0][t] = theta;
                }
                yield s;
            }
            case ROTATE -> {
                Scene s = new Scene(new Sprite[] {Sprite.random(rng, Shape.MOVING)});
                double r = rng.uniform(0.3, 0.36) * size;
                double x = rng.uniform(r + 1, width - r - 1);
                double y = rng.uniform(r + 1, height - r - 1);
                double omega = Math.toRadians(rng.uniform(20, 38)); // < 45° per frame: unambiguous even for 90°-symmetric sprites
                double theta = rng.uniform(0, 2 * Math.PI);
                for (int t = 0; t < frames; t++) {
                    s.cx[0][t] = x + jitter * rng.gaussian();
                    s.cy[0][t] = y + jitter * rng.gaussian();
                    s.radius[0][t] = r;
                    s.angle[0][t] = theta + omega * t; // positive = clockwise with y pointing down
                }
                yield s;
            }
            case ZOOM -> {
                Scene s = new Scene(new Sprite[] {Sprite.random(rng, Shape.MOVING)});
                double r0 = rng.uniform(0.07, 0.1) * size;
                double r1 = rng.uniform(0.26, 0.32) * size;
                double x = rng.uniform(0.7 * r1, width - 0.7 * r1);
                double y = rng.uniform(0.7 * r1, height - 0.7 * r1);
                double theta = rng.uniform(0, 2 * Math.PI);
                for (int t = 0; t < frames; t++) {
                    double f = (double) t / Math.max(1, frames - 1);
                    s.cx[0][t] = x + jitter * rng.gaussian();
                    s.cy[0][t] = y + jitter * rng.gaussian();
                    s.radius[0][t] = r0 * Math.pow(r1 / r0, f); // geometric growth
                    s.angle[0][t] = theta;
                }
                yield s;
            }
            case APPROACH -> {
                Scene s = new Scene(new Sprite[] {Sprite.random(rng, Shape.MOVING), Sprite.random(rng, Shape.MOVING)});
                double r = rng.uniform(0.12, 0.15) * size;
                double axis = rng.uniform(0, Math.PI);
                double ux = Math.cos(axis);
                double uy = Math.sin(axis);
                double x = width / 2.0 + rng.uniform(-0.08, 0.08) * size;
                double y = height / 2.0 + rng.uniform(-0.08, 0.08) * size;
                double d0 = rng.uniform(0.32, 0.38) * size;
                double d1 = r * 1.05;
                double th0 = rng.uniform(0, 2 * Math.PI);
                double th1 = rng.uniform(0, 2 * Math.PI);
                for (int t = 0; t < frames; t++) {
                    double d = d0 + (d1 - d0) * t / Math.max(1, frames - 1);
                    s.cx[0][t] = x - ux * d + jitter * rng.gaussian();
                    s.cy[0][t] = y - uy * d + jitter * rng.gaussian();
                    s.cx[1][t] = x + ux * d + jitter * rng.gaussian();
                    s.cy[1][t] = y + uy * d + jitter * rng.gaussian();
                    s.radius[0][t] = r;
                    s.radius[1][t] = r;
                    s.angle[0][t] = th0;
                    s.angle[1][t] = th1;
                }
                yield s;
            }
            case COVER -> {
                Scene s = new Scene(new Sprite[] {Sprite.random(rng, Shape.MOVING)});
                double r = rng.uniform(0.14, 0.18) * size;
                double x = rng.uniform(r + 1, width - r - 1);
                double y = rng.uniform(r + 1, height - r - 1);
                double theta = rng.uniform(0, 2 * Math.PI);
                double hue = rng.uniform();
                s.occluder = new Sprite(Shape.SQUARE, Sprite.Pattern.STRIPES, 3.0, Math.PI / 4,
                        Colours.hsv(hue, 0.15, 0.85), Colours.hsv(hue, 0.2, 0.35));
                s.occluderRadius = r * 1.6; // the square's half side is 0.72·radius > the object's radius
                int side = rng.nextInt(4);
                double dx = side == 0 ? -1 : side == 1 ? 1 : 0;
                double dy = side == 2 ? -1 : side == 3 ? 1 : 0;
                double start = r + 0.72 * s.occluderRadius + 1; // occluder just clear of the object
                s.ocx = new double[frames];
                s.ocy = new double[frames];
                for (int t = 0; t < frames; t++) {
                    double d = start * (1 - (double) t / Math.max(1, frames - 1));
                    s.cx[0][t] = x + jitter * rng.gaussian();
                    s.cy[0][t] = y + jitter * rng.gaussian();
                    s.radius[0][t] = r;
                    s.angle[0][t] = theta;
                    s.ocx[t] = x + dx * d;
                    s.ocy[t] = y + dy * d;
                }
                yield s;
            }
            case STATIC_RING, STATIC_CROSS -> {
                Shape shape = motion == Motion.STATIC_RING ? Shape.RING : Shape.CROSS;
                // a smooth gradient fill: stripes or checks would cut the silhouette that identifies the control
                Scene s = new Scene(new Sprite[] {Sprite.random(rng, new Shape[] {shape}, new Sprite.Pattern[] {Sprite.Pattern.GRADIENT})});
                double r = rng.uniform(0.3, 0.36) * size;
                double x = rng.uniform(r + 1, width - r - 1);
                double y = rng.uniform(r + 1, height - r - 1);
                double theta = rng.uniform(0, 2 * Math.PI);
                double shake = 2.5 * jitter;
                for (int t = 0; t < frames; t++) {
                    s.cx[0][t] = x + shake * rng.gaussian();
                    s.cy[0][t] = y + shake * rng.gaussian();
                    s.radius[0][t] = r;
                    s.angle[0][t] = theta + 0.05 * rng.gaussian();
                }
                yield s;
            }
        };
    }
}
