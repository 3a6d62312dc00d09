package dev.saccade.kernels.cpu;

/**
 * Walks a shape over several strided operands at once, handing the innermost run to a kernel: the workhorse of
 * every elementwise CPU kernel. Axes of size 1 are dropped and adjacent axes that are contiguous for every operand
 * are merged, so a contiguous tensor becomes a single run. Outer positions are split over {@link CpuThreads}.
 */
final class StridedLoop {
    /** Processes {@code length} elements starting at {@code offsets[k]} with stride {@code innerStrides[k]}. */
    @FunctionalInterface
    interface Run { void apply(int[] offsets, int[] innerStrides, int length); }

    private final int[] dims;        // collapsed dims, innermost last
    private final int[][] strides;   // [operand][axis]
    private final int[] base;        // start offset per operand

    StridedLoop(int[] shape, int[][] operandStrides, int[] offsets) {
        int ops = operandStrides.length;
        int[] d = new int[Math.max(1, shape.length)];
        int[][] s = new int[ops][Math.max(1, shape.length)];
        int r = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            if (r > 0 && mergeable(s, operandStrides, i, r, shape[i])) {
                d[r - 1] *= shape[i];
                for (int k = 0; k < ops; k++) s[k][r - 1] = operandStrides[k][i];
                continue;
            }
            d[r] = shape[i];
            for (int k = 0; k < ops; k++) s[k][r] = operandStrides[k][i];
            r++;
        }
        if (r == 0) { d[0] = 1; for (int k = 0; k < ops; k++) s[k][0] = 1; r = 1; }   // scalar or all-ones shape: one element
        this.dims = java.util.Arrays.copyOf(d, r);
        this.strides = new int[ops][];
        for (int k = 0; k < ops; k++) this.strides[k] = java.util.Arrays.copyOf(s[k], r);
        this.base = offsets.clone();
        for (int x : shape) if (x == 0) { this.dims[0] = 0; break; }
    }

    /** Axis i can join the previous collapsed axis when stride_prev == stride_i · dim_i for every operand. */
    private static boolean mergeable(int[][] collapsed, int[][] in, int i, int r, int dimI) {
        for (int k = 0; k < in.length; k++) {
            if (collapsed[k][r - 1] != in[k][i] * dimI) return false;
        }
        return true;
    }

    static StridedLoop of(int[] shape, int[][] operandStrides, int[] offsets) {
        return new StridedLoop(shape, operandStrides, offsets);
    }

    int innerLength() { return dims[dims.length - 1]; }

    /** Number of inner runs. */
    int outerCount() {
        long n = 1;
        for (int i = 0; i < dims.length - 1; i++) n *= dims[i];
        return dims[dims.length - 1] == 0 ? 0 : (int) n;
    }

    /** Runs the kernel over all elements on the calling thread. */
    void forEachSequential(Run run) { forRange(run, 0, outerCount()); }

    /** Runs the kernel over all elements, in parallel when the work is large. */
    void forEach(Run run) {
        int outer = outerCount();
        if (outer == 0) return;
        int inner = innerLength();
        long work = (long) outer * inner;
        int grain = (int) Math.max(1, (1 << 15) / Math.max(1, inner));
        if (work < (1 << 16)) grain = outer;
        CpuThreads.parallelFor(0, outer, grain, (lo, hi) -> forRange(run, lo, hi));
    }

    private void forRange(Run run, int lo, int hi) {
        if (hi <= lo) return;
        int ops = strides.length;
        int inner = innerLength();
        int[] innerStrides = new int[ops];
        for (int k = 0; k < ops; k++) innerStrides[k] = strides[k][dims.length - 1];
        int[] offs = new int[ops];
        int[] idx = new int[dims.length - 1];
        // Decompose lo into an odometer position.
        int rem = lo;
        for (int a = dims.length - 2; a >= 0; a--) { idx[a] = rem % dims[a]; rem /= dims[a]; }
        for (int k = 0; k < ops; k++) {
            int o = base[k];
            for (int a = 0; a < idx.length; a++) o += idx[a] * strides[k][a];
            offs[k] = o;
        }
        for (int p = lo; p < hi; p++) {
            run.apply(offs, innerStrides, inner);
            // Advance the odometer.
            for (int a = idx.length - 1; a >= 0; a--) {
                idx[a]++;
                for (int k = 0; k < ops; k++) offs[k] += strides[k][a];
                if (idx[a] < dims[a]) break;
                for (int k = 0; k < ops; k++) offs[k] -= strides[k][a] * dims[a];
                idx[a] = 0;
            }
        }
    }
}
