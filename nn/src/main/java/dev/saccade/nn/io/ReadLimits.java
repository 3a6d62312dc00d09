package dev.saccade.nn.io;

/**
 * Budgets that bound the work and memory of reading a checkpoint or array file from an untrusted source. Every limit
 * is named in the error it raises ({@link ArrayFileException#limit()}), so a refused real file says which knob to
 * turn. The defaults are generous for real checkpoints (ResNet-101 TSM files of several hundred MB: a pickle of a
 * few hundred KB, some ten thousand objects, nesting below ten) and refuse hostile files long before they cost
 * gigabytes or minutes.
 *
 * <table>
 *   <caption>Limits and defaults</caption>
 *   <tr><th>limit</th><th>default</th><th>bounds</th></tr>
 *   <tr><td>{@code maxDepth}</td><td>100</td><td>nesting of lists, tuples, dicts and sets in a pickle (also refuses
 *       cycles), so code that walks the result recursively cannot overflow its stack</td></tr>
 *   <tr><td>{@code maxMemo}</td><td>1,000,000</td><td>entries of the pickle memo</td></tr>
 *   <tr><td>{@code maxObjects}</td><td>2,000,000</td><td>values pushed while unpickling, and the size of the result
 *       once shared (memoized) references are expanded: a billion-laughs structure is refused</td></tr>
 *   <tr><td>{@code maxStringBytes}</td><td>64 MiB</td><td>one {@code str} or {@code bytes} in a pickle</td></tr>
 *   <tr><td>{@code maxIntegerDigits}</td><td>4300</td><td>a text {@code INT}/{@code LONG} (CPython's own
 *       {@code sys.int_info.default_max_str_digits})</td></tr>
 *   <tr><td>{@code maxIntegerBytes}</td><td>2048</td><td>a binary {@code LONG1}/{@code LONG4}</td></tr>
 *   <tr><td>{@code maxPickleBytes}</td><td>256 MiB</td><td>the decompressed {@code data.pkl} entry</td></tr>
 *   <tr><td>{@code maxEntryBytes}</td><td>2 GiB − 16</td><td>any other zip entry, decompressed (a Java array)</td></tr>
 *   <tr><td>{@code maxCompressionRatio}</td><td>100</td><td>decompressed ÷ compressed size of a zip entry larger than
 *       {@value #RATIO_GRACE_BYTES} bytes</td></tr>
 *   <tr><td>{@code maxViewExpansion}</td><td>4</td><td>bytes of tensors copied out of a {@code .pth} ÷ bytes of the
 *       storages they view, beyond a {@value #VIEW_GRACE_BYTES}-byte allowance (stride-0 views of a tiny storage
 *       claiming gigabytes)</td></tr>
 * </table>
 *
 * <pre>{@code
 * Map<String, RawArray> sd = PthReader.readStateDict(path, ReadLimits.DEFAULT.withMaxPickleBytes(1L << 30));
 * }</pre>
 */
public record ReadLimits(int maxDepth, int maxMemo, long maxObjects, int maxStringBytes, int maxIntegerDigits,
        int maxIntegerBytes, long maxPickleBytes, long maxEntryBytes, int maxCompressionRatio, int maxViewExpansion) {

    /** Entries up to this size are never refused for their compression ratio (small, highly compressible arrays). */
    public static final long RATIO_GRACE_BYTES = 1L << 20;

    /** Tensor bytes a {@code .pth} may copy out beyond {@code maxViewExpansion} × its storage bytes. */
    public static final long VIEW_GRACE_BYTES = 64L << 20;

    /** The defaults in the class comment. */
    public static final ReadLimits DEFAULT = new ReadLimits(100, 1_000_000, 2_000_000, 64 << 20, 4300, 2048,
            256L << 20, Integer.MAX_VALUE - 16, 100, 4);

    /** @throws IllegalArgumentException when a limit is not positive */
    public ReadLimits {
        if (maxDepth <= 0 || maxMemo <= 0 || maxObjects <= 0 || maxStringBytes <= 0 || maxIntegerDigits <= 0
                || maxIntegerBytes <= 0 || maxPickleBytes <= 0 || maxEntryBytes <= 0 || maxCompressionRatio <= 0
                || maxViewExpansion <= 0) {
            throw new IllegalArgumentException("every read limit must be positive: " + this);
        }
    }

    public ReadLimits withMaxDepth(int v) {
        return new ReadLimits(v, maxMemo, maxObjects, maxStringBytes, maxIntegerDigits, maxIntegerBytes,
                maxPickleBytes, maxEntryBytes, maxCompressionRatio, maxViewExpansion);
    }

    public ReadLimits withMaxMemo(int v) {
        return new ReadLimits(maxDepth, v, maxObjects, maxStringBytes, maxIntegerDigits, maxIntegerBytes,
                maxPickleBytes, maxEntryBytes, maxCompressionRatio, maxViewExpansion);
    }

    public ReadLimits withMaxObjects(long v) {
        return new ReadLimits(maxDepth, maxMemo, v, maxStringBytes, maxIntegerDigits, maxIntegerBytes,
                maxPickleBytes, maxEntryBytes, maxCompressionRatio, maxViewExpansion);
    }

    public ReadLimits withMaxStringBytes(int v) {
        return new ReadLimits(maxDepth, maxMemo, maxObjects, v, maxIntegerDigits, maxIntegerBytes,
                maxPickleBytes, maxEntryBytes, maxCompressionRatio, maxViewExpansion);
    }

    public ReadLimits withMaxPickleBytes(long v) {
        return new ReadLimits(maxDepth, maxMemo, maxObjects, maxStringBytes, maxIntegerDigits, maxIntegerBytes,
                v, maxEntryBytes, maxCompressionRatio, maxViewExpansion);
    }

    public ReadLimits withMaxEntryBytes(long v) {
        return new ReadLimits(maxDepth, maxMemo, maxObjects, maxStringBytes, maxIntegerDigits, maxIntegerBytes,
                maxPickleBytes, v, maxCompressionRatio, maxViewExpansion);
    }

    public ReadLimits withMaxCompressionRatio(int v) {
        return new ReadLimits(maxDepth, maxMemo, maxObjects, maxStringBytes, maxIntegerDigits, maxIntegerBytes,
                maxPickleBytes, maxEntryBytes, v, maxViewExpansion);
    }

    public ReadLimits withMaxViewExpansion(int v) {
        return new ReadLimits(maxDepth, maxMemo, maxObjects, maxStringBytes, maxIntegerDigits, maxIntegerBytes,
                maxPickleBytes, maxEntryBytes, maxCompressionRatio, v);
    }
}
