package dev.saccade.kernels.cuda;

/**
 * Grid and block sizes of one kernel launch ({@code cuLaunchKernel}'s gridDim, blockDim, sharedMemBytes).
 *
 * <pre>{@code
 * LaunchConfig c = LaunchConfig.elementwise(n);      // 256 threads, grid-stride over n elements
 * LaunchConfig r = LaunchConfig.rowPerBlock(rows, cols);
 * }</pre>
 */
public record LaunchConfig(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {
    /** Threads per block of the elementwise kernels. */
    public static final int ELEMENTWISE_BLOCK = 256;

    public LaunchConfig {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || sharedBytes < 0)
            throw new IllegalArgumentException("bad launch configuration: grid (" + gridX + ", " + gridY + ", " + gridZ
                    + "), block (" + blockX + ", " + blockY + ", " + blockZ + "), shared " + sharedBytes);
        if ((long) blockX * blockY * blockZ > 1024)
            throw new IllegalArgumentException("block (" + blockX + ", " + blockY + ", " + blockZ + ") exceeds 1024 threads");
    }

    /** A 1-d launch. */
    public static LaunchConfig of(int grid, int block) { return new LaunchConfig(grid, 1, 1, block, 1, 1, 0); }

    /**
     * For the grid-stride elementwise kernels over {@code n} work items: 256 threads, enough blocks to cover n
     * but at most 32 per multiprocessor (132 SMs × 32 on an H100) so big tensors loop instead of over-launching.
     */
    public static LaunchConfig elementwise(long n) {
        int sms = Cuda.available() ? Cuda.multiprocessors() : 108;
        long blocks = Math.max(1, Math.min(Math.ceilDiv(n, ELEMENTWISE_BLOCK), 32L * sms));
        return of((int) blocks, ELEMENTWISE_BLOCK);
    }

    /**
     * For the row kernels (reductions, softmax, layer norm): one block per row (capped at 65535·32 blocks, the
     * kernels loop over rows), 32 threads for rows up to 64 elements, 128 up to 1024, 256 up to 16k and 1024
     * threads for rows over 16k elements.
     */
    public static LaunchConfig rowPerBlock(long rows, long cols) {
        int block = cols <= 64 ? 32 : cols <= 1024 ? 128 : cols <= 16384 ? 256 : 1024;
        long grid = Math.max(1, Math.min(rows, 65535L * 32));
        return of((int) grid, block);
    }
}
