package dev.saccade.nn.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cursor over a pickle held in memory. Every read is checked against what is left, so a length prefix that
 * claims more than the pickle holds is reported before anything is allocated, and a text line is searched for its
 * newline only up to a caller-given length.
 */
final class PickleInput {
    /** Thrown by the cursor; the unpickler turns it into an {@link ArrayFileException} naming file and offset. */
    static final class Truncated extends Exception {
        Truncated(String message) {
            super(message, null, false, false);
        }
    }

    /** A text line longer than allowed; carries the length so the caller can name its limit. */
    static final class LineTooLong extends Exception {
        LineTooLong() {
            super(null, null, false, false);
        }
    }

    private final byte[] bytes;
    private int position;

    PickleInput(byte[] bytes) {
        this.bytes = bytes;
    }

    int position() {
        return position;
    }

    int remaining() {
        return bytes.length - position;
    }

    int u8() throws Truncated {
        need(1, "a byte");
        return bytes[position++] & 0xFF;
    }

    /** Little-endian unsigned integer of {@code n} ≤ 8 bytes (an unsigned 64-bit value may come out negative). */
    long uLE(int n) throws Truncated {
        need(n, "a " + n + "-byte integer");
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (bytes[position + i] & 0xFF);
        }
        position += n;
        return v;
    }

    /** Little-endian signed 32-bit integer. */
    int i32() throws Truncated {
        return (int) uLE(4);
    }

    /** Big-endian IEEE-754 double (BINFLOAT). */
    double f64BE() throws Truncated {
        need(8, "an 8-byte float");
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[position + i] & 0xFF);
        }
        position += 8;
        return Double.longBitsToDouble(v);
    }

    /** The next {@code n} bytes; {@code n} was checked against the caller's limit already. */
    byte[] take(long n, String what) throws Truncated {
        if (n < 0 || n > remaining()) {
            throw new Truncated("truncated or corrupt pickle: " + what + " of " + Long.toUnsignedString(n)
                    + " bytes with only " + remaining() + " left");
        }
        byte[] out = Arrays.copyOfRange(bytes, position, position + (int) n);
        position += (int) n;
        return out;
    }

    /** A line without its {@code \n}, decoded as UTF-8; at most {@code max} bytes before the newline. */
    String line(int max, String what) throws Truncated, LineTooLong {
        int limit = (int) Math.min(bytes.length, (long) position + max + 1);
        for (int i = position; i < limit; i++) {
            if (bytes[i] == '\n') {
                String s = new String(bytes, position, i - position, StandardCharsets.UTF_8);
                position = i + 1;
                return s;
            }
        }
        if (limit == bytes.length) {
            throw new Truncated("truncated pickle: " + what + " has no end of line");
        }
        throw new LineTooLong();
    }

    private void need(int n, String what) throws Truncated {
        if (remaining() < n) {
            throw new Truncated("truncated pickle: " + what + " expected at byte " + position + " but only "
                    + remaining() + " bytes are left");
        }
    }
}
