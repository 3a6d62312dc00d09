package dev.saccade.kernels.cuda.fakezoo;

/** Stand-in for the zoo's {@code ModelConfig} (same factory signature), for {@code ModelTimingTest}. */
public record ModelConfig(String id, int frames, int classes, int inputSize) {
    public static ModelConfig of(String id, int frames, int classes, int inputSize) {
        return new ModelConfig(id, frames, classes, inputSize);
    }
}
