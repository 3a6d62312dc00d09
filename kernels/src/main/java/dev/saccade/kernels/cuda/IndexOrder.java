package dev.saccade.kernels.cuda;

import java.util.Arrays;

/**
 * The counting sort of index_add's indices that lets the CUDA kernel gather instead of scatter: {@code order} lists
 * the positions j by increasing {@code idx[j]} (ties by increasing j, so sums run in a fixed order) and
 * {@code offsets[s] … offsets[s+1]} delimits the positions holding index s. Built on the host, where the indices are
 * read anyway (the ops range-check them there).
 *
 * <pre>{@code
 * IndexOrder o = IndexOrder.of(new long[] {2, 0, 2}, 3);   // order [1, 0, 2], offsets [0, 1, 1, 3]
 * }</pre>
 *
 * @param order   (k) positions sorted by index
 * @param offsets (dim + 1) start of each index's run in {@code order}; offsets[dim] = k
 */
record IndexOrder(long[] order, long[] offsets) {
    /**
     * @throws IllegalArgumentException naming the position and value of an index outside [0, dim)
     */
    static IndexOrder of(long[] idx, int dim) {
        long[] offsets = new long[dim + 1];
        for (int j = 0; j < idx.length; j++) {
            long s = idx[j];
            if (s < 0 || s >= dim)
                throw new IllegalArgumentException("index_add: index " + s + " at position " + j + " is outside [0, " + dim + ")");
            offsets[(int) s + 1]++;
        }
        for (int s = 0; s < dim; s++) offsets[s + 1] += offsets[s];
        long[] next = Arrays.copyOf(offsets, dim), order = new long[idx.length];
        for (int j = 0; j < idx.length; j++) order[(int) next[(int) idx[j]]++] = j;
        return new IndexOrder(order, offsets);
    }
}
