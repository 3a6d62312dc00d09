package dev.saccade.kernels.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Choosing and running a cuDNN convolution algorithm: the candidates are cuDNN's ranking ({@code _v7} heuristics or
 * {@code Find} timings) with status SUCCESS, each with the math type cuDNN returned for it (which must be set on the
 * convolution descriptor before the call); tensor-op math types are dropped unless TF32 is allowed. A call that
 * fails because the algorithm is not supported for these descriptors (a cuDNN 9 NOT_SUPPORTED status, 3000…) or
 * because its workspace cannot be allocated moves on to the next candidate; any other failure is an error. The
 * first candidate that ran is remembered by the caller and tried first next time.
 *
 * <pre>{@code
 * List<CudnnAlgorithms.Candidate> cs = CudnnAlgorithms.usable(dnn.convolutionForwardAlgorithms(h, x, w, conv, y), false);
 * int ran = CudnnAlgorithms.runFirstWorking("conv forward", cs, 0, c -> { ...set math type, workspace, call... });
 * }</pre>
 */
final class CudnnAlgorithms {
    private CudnnAlgorithms() {}

    /** One usable algorithm: its cuDNN enum value, the math type to set with it, and the workspace it reported. */
    record Candidate(int algo, int mathType, long memory) {}

    /** One attempt at running a candidate; throws {@link CudaException} when the call fails. */
    @FunctionalInterface
    interface Attempt {
        void run(Candidate candidate);
    }

    /** The candidates of a ranking, best first: status 0, and no tensor-op math unless {@code allowTensorOps}. */
    static List<Candidate> usable(Cudnn.AlgoPerf[] ranking, boolean allowTensorOps) {
        List<Candidate> out = new ArrayList<>();
        for (Cudnn.AlgoPerf p : ranking) {
            if (p.status() != 0) continue;
            boolean tensorOps = p.mathType() == Cudnn.TENSOR_OP_MATH || p.mathType() == Cudnn.TENSOR_OP_MATH_ALLOW_CONVERSION;
            if (tensorOps && !allowTensorOps) continue;
            out.add(new Candidate(p.algo(), p.mathType(), p.memory()));
        }
        return out;
    }

    /**
     * Whether a failed attempt should move on to the next candidate: the algorithm is not supported here (cuDNN 9
     * NOT_SUPPORTED category), or memory for it could not be had (our workspace allocation, or cuDNN's own device
     * allocation failing).
     */
    static boolean tryNext(CudaException e) {
        if (e.call().startsWith("cudnn") && Cudnn.statusCategory(e.status()) == Cudnn.STATUS_NOT_SUPPORTED) return true;
        if (e.call().startsWith("cuMemAlloc")) return true;
        return e.errorName().contains("ALLOC_FAILED") || e.errorName().contains("ALLOCATION_FAILED")
                || e.errorName().contains("OUT_OF_MEMORY");
    }

    /**
     * Runs {@code attempt} on the candidates from {@code first} on, wrapping round to those before it; returns the
     * index of the candidate that ran.
     *
     * @throws CudaException naming {@code what} and every candidate's failure when none ran, or the first failure
     *                       that is not a reason to try the next candidate
     */
    static int runFirstWorking(String what, List<Candidate> candidates, int first, Attempt attempt) {
        if (candidates.isEmpty()) throw new CudaException(what + ": cuDNN offered no usable algorithm", null);
        List<String> failures = new ArrayList<>();
        CudaException last = null;
        for (int t = 0; t < candidates.size(); t++) {
            int i = (first + t) % candidates.size();
            Candidate c = candidates.get(i);
            try {
                attempt.run(c);
                return i;
            } catch (CudaException e) {
                if (!tryNext(e)) throw e;
                failures.add("algo " + c.algo() + " (math " + c.mathType() + ", workspace " + c.memory() + " B): " + e.getMessage());
                last = e;
            }
        }
        throw new CudaException(what + ": no algorithm ran; " + String.join("; ", failures), last);
    }
}
