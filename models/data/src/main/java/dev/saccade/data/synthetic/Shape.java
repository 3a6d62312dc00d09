package dev.saccade.data.synthetic;

/**
 * Object silhouettes as approximate signed distance functions in object units (the object's radius is 1;
 * negative inside). {@code v} points down the image.
 *
 * <pre>{@code
 * boolean inside = Shape.TRIANGLE.distance(0, 0) < 0;
 * }</pre>
 */
enum Shape {
    DISC, SQUARE, TRIANGLE, DIAMOND, ELL,
    /** Used only by the "static ring" control. */
    RING,
    /** Used only by the "static cross" control. */
    CROSS;

    /** Shapes the motion classes draw from (the controls' shapes are excluded). */
    static final Shape[] MOVING = {DISC, SQUARE, TRIANGLE, DIAMOND, ELL};

    double distance(double u, double v) {
        double au = Math.abs(u);
        double av = Math.abs(v);
        return switch (this) {
            case DISC -> Math.sqrt(u * u + v * v) - 0.9;
            case SQUARE -> Math.max(au, av) - 0.72;
            case TRIANGLE -> Math.max(v - 0.55, 0.866 * au - 0.5 * v - 0.5);
            case DIAMOND -> (au + av) * 0.7071 - 0.68;
            case ELL -> Math.min(Math.max(Math.abs(u + 0.5) - 0.32, av - 0.9), Math.max(au - 0.9, Math.abs(v - 0.58) - 0.32));
            case RING -> Math.abs(Math.sqrt(u * u + v * v) - 0.68) - 0.24;
            case CROSS -> Math.min(Math.max(au - 0.26, av - 0.92), Math.max(au - 0.92, av - 0.26));
        };
    }
}
