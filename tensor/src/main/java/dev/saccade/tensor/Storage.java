package dev.saccade.tensor;

/** A flat buffer of elements owned by one backend; tensors are views over it. */
public interface Storage {
    DType dtype();
    Device device();
    /** Number of elements. */
    int length();
}
