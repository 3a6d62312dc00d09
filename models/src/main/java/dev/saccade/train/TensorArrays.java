package dev.saccade.train;

import dev.saccade.nn.io.ArrayDType;
import dev.saccade.nn.io.RawArray;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.Tensor;

/**
 * Converts between {@link Tensor} (any device) and the host {@link RawArray}s the checkpoint formats write.
 * F32, F64, I64 and I32 round-trip exactly.
 *
 * <pre>{@code
 * RawArray a = TensorArrays.toRaw(w);      // downloads from the GPU when needed
 * Tensor back = TensorArrays.toTensor(a);  // on the CPU
 * }</pre>
 */
public final class TensorArrays {
    private TensorArrays() {}

    public static RawArray toRaw(Tensor t) {
        int[] shape = t.shape().toArray();
        Tensor d = t.detach();
        return switch (t.dtype()) {
            case F64 -> RawArray.ofDoubles(d.toDoubleArray(), shape);
            case I64 -> RawArray.ofLongs(d.toLongArray(), shape);
            case I32 -> RawArray.ofInts(d.toHost().ints(), shape);
            default -> RawArray.ofFloats(d.toFloatArray(), shape);
        };
    }

    public static Tensor toTensor(RawArray a) {
        int[] shape = a.shape();
        ArrayDType dt = a.dtype();
        return switch (dt) {
            case F64 -> Tensor.of(a.toDoubles(), shape);
            case I64, I32, I16, I8, U8, BOOL -> {
                Tensor l = Tensor.of(a.toLongs(), shape);
                yield dt == ArrayDType.I32 ? l.to(DType.I32) : l;
            }
            default -> Tensor.of(a.toFloats(), shape);
        };
    }
}
