package dev.saccade.models.registry;

/**
 * What every model id is built from: {@code <modules>-<backbone>} (e.g. {@code tsm+m2a-resnet18}), frames T,
 * classes K, input size, dropout before the new fc, and a seed for initialisation. {@code options} carries
 * module-specific switches (e.g. W3 ablations {@code "w3.afr=false"}).
 */
public record ModelConfig(String id, int frames, int classes, int inputSize, double dropout, long seed,
                          java.util.Map<String, String> options) {
    /** Largest input height = width: beyond it a single (1, T, 3, H, W) clip no longer fits an array. */
    public static final int MAX_INPUT_SIZE = 4096;

    /** Most frames T per clip (the published models use 8 to 32). */
    public static final int MAX_FRAMES = 1024;

    public ModelConfig {
        options = java.util.Map.copyOf(options);
        if (frames < 1 || frames > MAX_FRAMES) {
            throw new IllegalArgumentException("frames must be in [1, " + MAX_FRAMES + "], got " + frames);
        }
        if (classes < 1) throw new IllegalArgumentException("classes must be ≥ 1, got " + classes);
        if (inputSize < 32 || inputSize > MAX_INPUT_SIZE) {
            throw new IllegalArgumentException("input size must be in [32, " + MAX_INPUT_SIZE + "], got " + inputSize);
        }
    }

    public static ModelConfig of(String id, int frames, int classes, int inputSize) {
        return new ModelConfig(id, frames, classes, inputSize, 0.5, 0, java.util.Map.of());
    }

    /** The part of the id before the last '-': e.g. {@code tsm+m2a}. */
    public String modules() {
        int i = id.lastIndexOf('-');
        if (i <= 0) throw new IllegalArgumentException("model id '" + id + "' must be <modules>-<backbone>, e.g. tsm-resnet50");
        return id.substring(0, i);
    }

    /** The backbone name after the last '-': {@code resnet18}, {@code resnet50} or {@code mobilenetv2}. */
    public String backbone() { return id.substring(id.lastIndexOf('-') + 1); }

    /** Option {@code key} as a boolean: {@code true} or {@code false} (any case); anything else is an error. */
    public boolean option(String key, boolean fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException("option " + key + " must be true or false, got '" + v + "'");
    }
}
