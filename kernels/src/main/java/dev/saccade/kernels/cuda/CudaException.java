package dev.saccade.kernels.cuda;

/**
 * A failed CUDA, cuBLAS or cuDNN call: names the call, the numeric status and its symbolic name.
 *
 * <pre>{@code
 * try { driver.memAlloc(1L << 50); }
 * catch (CudaException e) { System.out.println(e.call() + " -> " + e.errorName()); } // cuMemAlloc_v2 -> CUDA_ERROR_OUT_OF_MEMORY
 * }</pre>
 */
public final class CudaException extends RuntimeException {
    private final String call;
    private final int status;
    private final String errorName;

    /** A call that returned a non-success status. */
    public CudaException(String call, int status, String errorName) {
        super(call + " failed: " + errorName + " (" + status + ")");
        this.call = call;
        this.status = status;
        this.errorName = errorName;
    }

    /** A failure that is not a status code (library missing, symbol missing, bad argument). */
    public CudaException(String message, Throwable cause) {
        super(message, cause);
        this.call = "";
        this.status = -1;
        this.errorName = "";
    }

    /** The C function that failed, e.g. {@code cuMemAlloc_v2}; empty when not a status failure. */
    public String call() { return call; }

    /** The numeric status returned (CUresult, cublasStatus_t or cudnnStatus_t); -1 when not a status failure. */
    public int status() { return status; }

    /** The status's symbolic name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String errorName() { return errorName; }
}
