package dev.saccade.tensor.ops;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;

/** Argument checks shared by the ops; every message names the op and the offending shapes, dtypes or devices. */
public final class Checks {
    private Checks() {}

    /** Same dtype and device for all non-null tensors. */
    public static void sameKind(String op, Tensor... ts) {
        Tensor first = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (first == null) { first = t; continue; }
            if (t.dtype() != first.dtype()) {
                throw new ShapeException(op + ": dtype mismatch, " + first.dtype() + " " + first.shape() + " vs " + t.dtype() + " " + t.shape());
            }
            if (!t.device().equals(first.device())) {
                throw new ShapeException(op + ": device mismatch, " + first.device() + " " + first.shape() + " vs " + t.device() + " " + t.shape());
            }
        }
    }

    public static void rank(String op, String what, Tensor t, int... allowed) {
        for (int r : allowed) if (t.rank() == r) return;
        throw new ShapeException(op + ": " + what + " must have rank " + java.util.Arrays.toString(allowed) + ", got shape " + t.shape());
    }

    public static void floating(String op, Tensor t) {
        if (!t.dtype().isFloating()) throw new ShapeException(op + ": needs a floating-point tensor, got " + t.dtype() + " " + t.shape());
    }

    public static void integral(String op, String what, Tensor t) {
        if (t.dtype() != DType.I64 && t.dtype() != DType.I32) throw new ShapeException(op + ": " + what + " must be I64 or I32, got " + t.dtype() + " " + t.shape());
    }
}
