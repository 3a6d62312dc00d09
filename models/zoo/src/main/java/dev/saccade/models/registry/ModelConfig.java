package dev.saccade.models.registry;

/**
 * What every model id is built from: {@code <modules>-<backbone>} (e.g. {@code tsm+m2a-resnet18}), frames T,
 * classes K, input size, dropout before the new fc, and a seed for initialisation. {@code options} carries
 * module-specific switches (e.g. W3 ablations {@code "w3.afr=false"}).
 */
public record ModelConfig(String id, int frames, int classes, int inputSize, double dropout, long seed,
                          java.util.Map<String, String> options) {
    public ModelConfig {
        options = java.util.Map.copyOf(options);
        if (frames < 1) throw new IllegalArgumentException("frames must be ≥ 1, got " + frames);
        if (classes < 1) throw new IllegalArgumentException("classes must be ≥ 1, got " + classes);
        if (inputSize < 32) throw new IllegalArgumentException("input size must be ≥ 32, got " + inputSize);
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

    public boolean option(String key, boolean fallback) {
        String v = options.get(key);
        return v == null ? fallback : Boolean.parseBoolean(v);
    }
}
