package dev.saccade.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whitelist of Python globals a PyTorch state-dict pickle may reference, and what each one becomes in Java.
 * Anything not listed here is refused by {@link StateDictUnpickler} before it can be called.
 *
 * <p>References: {@code torch/_utils.py} ({@code _rebuild_tensor_v2}, {@code _rebuild_parameter}),
 * {@code torch/_tensor.py} ({@code _rebuild_from_type_v2}), {@code torch/serialization.py}
 * ({@code persistent_id}: {@code ('storage', storage_type, key, location, numel)}).
 */
final class TorchGlobals {
    private TorchGlobals() {}

    /** A whitelisted global, as it sits on the unpickler stack. */
    sealed interface PickleGlobal permits Callable, StorageType, TensorType {
        String qualifiedName();
    }

    /** A whitelisted function or class that REDUCE may call. */
    record Callable(String qualifiedName, Body body) implements PickleGlobal {}

    /** {@code torch.FloatStorage} and friends: only meaningful inside a persistent id. */
    record StorageType(String qualifiedName, ArrayDType dtype) implements PickleGlobal {}

    /** {@code torch.Tensor}, {@code torch.nn.parameter.Parameter}: the {@code new_type} of _rebuild_from_type_v2. */
    record TensorType(String qualifiedName) implements PickleGlobal {}

    @FunctionalInterface
    interface Body {
        Object call(Object[] args, Context context) throws IOException;
    }

    /** What a call needs from the reader: where to report errors, and the budget for tensor copies. */
    interface Context {
        ArrayFileException error(String message);

        /** Counts {@code bytes} of a tensor about to be copied out; throws when over {@code maxViewExpansion}. */
        void chargeTensorBytes(long bytes) throws ArrayFileException;
    }

    /** A storage as named by a persistent id; its bytes are the zip entry {@code <archive>/data/<key>}. */
    record StorageRef(ArrayDType dtype, String key, long numel, ByteBuffer bytes) {}

    /** {@code collections.OrderedDict}: the only object BUILD may update (its state, {@code _metadata}, is dropped). */
    static final class OrderedDict extends LinkedHashMap<Object, Object> {}

    /** Most dimensions a tensor may have (PyTorch's own tensors stay far below; a tuple of millions is corruption). */
    static final int MAX_RANK = 64;

    private static final Map<String, PickleGlobal> ALLOWED = new LinkedHashMap<>();

    static {
        add(new Callable("collections.OrderedDict", TorchGlobals::orderedDict));
        add(new Callable("torch._utils._rebuild_tensor", TorchGlobals::rebuildTensor));
        add(new Callable("torch._utils._rebuild_tensor_v2", TorchGlobals::rebuildTensor));
        add(new Callable("torch._utils._rebuild_parameter", TorchGlobals::rebuildParameter));
        add(new Callable("torch._utils._rebuild_parameter_with_state", TorchGlobals::rebuildParameter));
        add(new Callable("torch._tensor._rebuild_from_type_v2", TorchGlobals::rebuildFromType));
        add(new TensorType("torch.Tensor"));
        add(new TensorType("torch.nn.parameter.Parameter"));
        storage("Float", ArrayDType.F32);
        storage("Double", ArrayDType.F64);
        storage("Half", ArrayDType.F16);
        storage("BFloat16", ArrayDType.BF16);
        storage("Long", ArrayDType.I64);
        storage("Int", ArrayDType.I32);
        storage("Short", ArrayDType.I16);
        storage("Char", ArrayDType.I8);
        storage("Byte", ArrayDType.U8);
        storage("Bool", ArrayDType.BOOL);
    }

    private static void add(PickleGlobal g) {
        ALLOWED.put(g.qualifiedName(), g);
    }

    private static void storage(String prefix, ArrayDType dtype) {
        add(new StorageType("torch." + prefix + "Storage", dtype));
    }

    /** The whitelisted global {@code module.name}, or null when it is not allowed. */
    static PickleGlobal lookup(String module, String name) {
        return ALLOWED.get(module + "." + name);
    }

    /** Names of all allowed globals, for documentation and error messages. */
    static List<String> allowedNames() {
        return List.copyOf(ALLOWED.keySet());
    }

    // ---- bodies ----

    private static Object orderedDict(Object[] args, Context ctx) throws IOException {
        OrderedDict d = new OrderedDict();
        if (args.length == 0) {
            return d;
        }
        if (args.length == 1 && args[0] instanceof Map<?, ?> m) {
            d.putAll(m);
            return d;
        }
        throw ctx.error("collections.OrderedDict called with unsupported arguments " + describe(args));
    }

    /** {@code _rebuild_parameter(data, requires_grad, backward_hooks[, state])}: the Parameter's data. */
    private static Object rebuildParameter(Object[] args, Context ctx) throws IOException {
        if (args.length < 3 || !(args[0] instanceof RawArray)) {
            throw ctx.error("_rebuild_parameter expects (tensor, requires_grad, hooks), got " + describe(args));
        }
        return args[0];
    }

    /** {@code _rebuild_from_type_v2(func, new_type, args, state)}: {@code func(*args)}, type and state dropped. */
    private static Object rebuildFromType(Object[] args, Context ctx) throws IOException {
        if (args.length != 4 || !(args[0] instanceof Callable func) || !(args[1] instanceof TensorType)
                || !(args[2] instanceof Object[] inner)) {
            throw ctx.error("_rebuild_from_type_v2 expects (func, torch.Tensor|Parameter, args, state), got "
                    + describe(args));
        }
        return func.body().call(inner, ctx);
    }

    /**
     * {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}:
     * element {@code (i0, …, ik)} of the tensor is storage element {@code offset + Σ i_d · stride_d}. The result is
     * a C-ordered copy, so transposed and sliced views come out as the values they show.
     *
     * <p>The view is checked against its storage as PyTorch's {@code checkInBoundsForStorage} does
     * ({@code aten/src/ATen/native/Resize.h}, via {@code computeStorageNbytes}): with overflow-checked arithmetic,
     * so a size or stride pattern whose extent overflows 64 bits is refused ("Storage size calculation
     * overflowed") instead of wrapping around to an in-bounds index; negative strides are refused too.
     */
    private static Object rebuildTensor(Object[] args, Context ctx) throws IOException {
        if (args.length < 4 || !(args[0] instanceof StorageRef storage)) {
            throw ctx.error("_rebuild_tensor_v2 expects (storage, offset, size, stride, …), got " + describe(args));
        }
        long offset = toLong(args[1], "storage_offset", ctx);
        int[] size = toInts(args[2], "size", ctx);
        long[] stride = toLongs(args[3], "stride", ctx);
        if (size.length != stride.length) {
            throw ctx.error("tensor has size " + Arrays.toString(size) + " but stride " + Arrays.toString(stride));
        }
        String view = "tensor view (offset " + offset + ", size " + Arrays.toString(size) + ", stride "
                + Arrays.toString(stride) + ") of storage '" + SafeText.excerpt(storage.key(), 100) + "'";
        int esize = storage.dtype().byteSize();
        long bytes;
        try {
            long numel = 1;
            for (int d : size) {
                numel = Math.multiplyExact(numel, d);
            }
            bytes = Math.multiplyExact(numel, esize);
        } catch (ArithmeticException e) {
            throw ctx.error(view + ": the element count overflows 64 bits");
        }
        if (bytes > Integer.MAX_VALUE - 16) {
            throw ctx.error(view + " is larger than 2 GiB");
        }
        if (offset < 0) {
            throw ctx.error(view + ": negative storage offset");
        }
        for (long s : stride) {
            if (s < 0) {
                throw ctx.error(view + ": negative stride");
            }
        }
        ByteBuffer out;
        if (bytes == 0) { // PyTorch: a tensor without elements needs no storage
            out = ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            return RawArray.wrapOwned(storage.dtype(), size, out);
        }
        long last; // largest storage element the view touches
        try {
            last = offset;
            for (int d = 0; d < size.length; d++) {
                last = Math.addExact(last, Math.multiplyExact(size[d] - 1L, stride[d]));
            }
        } catch (ArithmeticException e) {
            throw ctx.error(view + ": the extent offset + Σ (size-1)·stride overflows 64 bits (PyTorch refuses "
                    + "this too: storage size calculation overflowed)");
        }
        if (last >= storage.numel()) {
            throw ctx.error(view + " reaches element " + last + " but the storage has " + storage.numel()
                    + " elements");
        }
        ctx.chargeTensorBytes(bytes);
        out = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN); // (size…)
        ByteBuffer src = storage.bytes(); // (storage numel · esize)
        if (isContiguous(size, stride)) {
            out.put(0, src, (int) (offset * esize), out.capacity());
        } else {
            copyStrided(src, offset, size, stride, esize, out);
        }
        return RawArray.wrapOwned(storage.dtype(), size, out);
    }

    /** C-contiguous: stride[d] = Π size[d+1..]; dimensions of size 1 may have any stride. */
    static boolean isContiguous(int[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    /** Gathers a strided view into C order, odometer over the multi-index, innermost dimension as a loop. */
    static void copyStrided(ByteBuffer src, long offset, int[] size, long[] stride, int esize, ByteBuffer out) {
        int rank = size.length;
        int[] index = new int[rank]; // current multi-index over all but the innermost dimension
        int inner = size[rank - 1];
        long innerStride = stride[rank - 1];
        int dst = 0;
        while (true) {
            long base = offset;
            for (int d = 0; d < rank - 1; d++) {
                base += index[d] * stride[d];
            }
            for (int i = 0; i < inner; i++) {
                out.put(dst, src, (int) ((base + i * innerStride) * esize), esize);
                dst += esize;
            }
            int d = rank - 2;
            while (d >= 0 && ++index[d] == size[d]) {
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    private static long toLong(Object o, String what, Context ctx) throws IOException {
        if (o instanceof Integer || o instanceof Long) {
            return ((Number) o).longValue();
        }
        throw ctx.error(what + " is " + describe(o) + ", not an integer");
    }

    private static long[] toLongs(Object o, String what, Context ctx) throws IOException {
        if (!(o instanceof Object[] tuple)) {
            throw ctx.error(what + " is " + describe(o) + ", not a tuple");
        }
        if (tuple.length > MAX_RANK) {
            throw ctx.error(what + " has " + tuple.length + " dimensions, more than " + MAX_RANK);
        }
        long[] out = new long[tuple.length];
        for (int i = 0; i < tuple.length; i++) {
            out[i] = toLong(tuple[i], what, ctx);
        }
        return out;
    }

    private static int[] toInts(Object o, String what, Context ctx) throws IOException {
        long[] l = toLongs(o, what, ctx);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < 0 || l[i] > Integer.MAX_VALUE) {
                throw ctx.error(what + " " + Arrays.toString(l) + " has a dimension out of range");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** A bounded description for error messages ({@link PickleText}). */
    static String describe(Object o) {
        return PickleText.describe(o);
    }
}
