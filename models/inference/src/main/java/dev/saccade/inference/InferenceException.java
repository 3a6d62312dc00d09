package dev.saccade.inference;

/**
 * What a {@link VideoClassifier} or a {@code StreamingClassifier} throws for bad input: a missing or unreadable video,
 * a folder with no frames, a checkpoint that does not fit the model, a clip of the wrong shape. The message names the
 * file (or the argument) and what is wrong with it; the cause, when there is one, is the reader's own exception.
 */
public final class InferenceException extends RuntimeException {
    public InferenceException(String message) { super(message); }

    public InferenceException(String message, Throwable cause) { super(message, cause); }
}
