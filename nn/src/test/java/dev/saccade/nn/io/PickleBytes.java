package dev.saccade.nn.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes by hand (CPython {@code Lib/pickletools.py}), for hostile pickles no Python pickler would
 * produce: {@code new PickleBytes().proto(2).emptyDict().unicode("w")…stop().bytes()}.
 */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBytes op(int opcode) {
        out.write(opcode);
        return this;
    }

    PickleBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    PickleBytes ascii(String text) {
        return raw(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    PickleBytes u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    PickleBytes u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    PickleBytes proto(int version) {
        return op(0x80).op(version);
    }

    PickleBytes mark() {
        return op('(');
    }

    PickleBytes stop() {
        return op('.');
    }

    PickleBytes none() {
        return op('N');
    }

    PickleBytes emptyList() {
        return op(']');
    }

    PickleBytes emptyDict() {
        return op('}');
    }

    PickleBytes tuple() {
        return op('t');
    }

    PickleBytes global(String module, String name) {
        return op('c').ascii(module + "\n" + name + "\n");
    }

    /** BINUNICODE: u32 length and UTF-8 bytes. */
    PickleBytes unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').u32(b.length).raw(b);
    }

    /** LONG1: any long as little-endian two's complement. */
    PickleBytes integer(long v) {
        byte[] b = java.math.BigInteger.valueOf(v).toByteArray(); // big-endian
        op(0x8a).op(b.length);
        for (int i = b.length - 1; i >= 0; i--) {
            out.write(b[i]);
        }
        return this;
    }

    /** A tuple of longs: MARK, LONG1…, TUPLE. */
    PickleBytes longs(long... values) {
        mark();
        for (long v : values) {
            integer(v);
        }
        return tuple();
    }

    /**
     * {@code _rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', numel), offset, size, stride, False,
     * OrderedDict())}: one F32 tensor on the stack.
     */
    PickleBytes tensor(String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark().mark().unicode("storage")
                .global("torch", "FloatStorage").unicode(key).unicode("cpu").integer(numel).tuple().op('Q')
                .integer(offset).longs(size).longs(stride).op(0x89).global("collections", "OrderedDict")
                .op(')').op('R').tuple().op('R');
        return this;
    }

    /** SETITEM: key and value pushed by the caller. */
    PickleBytes setitem() {
        return op('s');
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
