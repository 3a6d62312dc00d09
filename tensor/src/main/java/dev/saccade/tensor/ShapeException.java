package dev.saccade.tensor;

/** A shape, axis or dtype that an operation cannot accept; the message names the op and the shapes. */
public class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) { super(message); }
}
