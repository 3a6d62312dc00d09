package dev.saccade.data.synthetic;

/**
 * The classes of {@link SyntheticMotion}. Each motion class has a time-reversed twin rendered from the very same
 * forward trajectory with the frame order reversed, so a model that sees frames without their order cannot tell the
 * two apart. The two controls are static objects of shapes no motion class uses: a model without temporal reasoning
 * can still recognise them.
 *
 * <pre>{@code
 * MotionClass c = MotionClass.values()[label];
 * boolean twin = c.reversed();   // MOVING_LEFT is MOVING_RIGHT played backwards
 * }</pre>
 */
public enum MotionClass {
    MOVING_RIGHT("moving right", Motion.HORIZONTAL, false),
    MOVING_LEFT("moving left", Motion.HORIZONTAL, true),
    MOVING_DOWN("moving down", Motion.VERTICAL, false),
    MOVING_UP("moving up", Motion.VERTICAL, true),
    ROTATING_CLOCKWISE("rotating clockwise", Motion.ROTATE, false),
    ROTATING_COUNTER_CLOCKWISE("rotating counter-clockwise", Motion.ROTATE, true),
    ZOOMING_IN("zooming in", Motion.ZOOM, false),
    ZOOMING_OUT("zooming out", Motion.ZOOM, true),
    APPROACHING("two objects approaching", Motion.APPROACH, false),
    SEPARATING("two objects separating", Motion.APPROACH, true),
    COVERING("covering an object", Motion.COVER, false),
    UNCOVERING("uncovering an object", Motion.COVER, true),
    STATIC_RING("static ring", Motion.STATIC_RING, false),
    STATIC_CROSS("static cross", Motion.STATIC_CROSS, false);

    /** Classes that form reversal pairs (the first 12). */
    public static final int MOTION_CLASSES = 12;

    private final String displayName;
    private final Motion motion;
    private final boolean reversed;

    MotionClass(String displayName, Motion motion, boolean reversed) {
        this.displayName = displayName;
        this.motion = motion;
        this.reversed = reversed;
    }

    /** Human-readable name. */
    public String displayName() {
        return displayName;
    }

    /** The forward trajectory family it is rendered from. */
    Motion motion() {
        return motion;
    }

    /** True when the clip is the forward trajectory played backwards. */
    public boolean reversed() {
        return reversed;
    }

    /** Forward trajectory families. */
    enum Motion {
        HORIZONTAL, VERTICAL, ROTATE, ZOOM, APPROACH, COVER, STATIC_RING, STATIC_CROSS
    }
}
