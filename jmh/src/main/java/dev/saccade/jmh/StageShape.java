package dev.saccade.jmh;

/**
 * A benchmark's {@code "CxH"} shape parameter — channels and the side of a square plane, as ResNet-50's stages give
 * them ({@code "256x56"}, {@code "2048x7"}) — parsed once, with an error that names the parameter when it is not of
 * that form.
 *
 * <pre>{@code
 * StageShape s = StageShape.parse("1024x14");   // s.channels() == 1024, s.size() == 14
 * }</pre>
 */
record StageShape(int channels, int size) {
    static StageShape parse(String shape) {
        String[] p = shape.split("x");
        try {
            if (p.length == 2) {
                StageShape s = new StageShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
                if (s.channels > 0 && s.size > 0) return s;
            }
        } catch (NumberFormatException e) {
            // reported below with the parameter's value
        }
        throw new IllegalArgumentException("shape '" + shape + "': expected CxH with positive C and H, e.g. 256x56");
    }
}
