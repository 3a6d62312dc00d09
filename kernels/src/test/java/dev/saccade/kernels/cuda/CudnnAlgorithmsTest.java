package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** cuDNN algorithm candidates and the fall-back to the next one, without a GPU. */
class CudnnAlgorithmsTest {
    private static final Cudnn.AlgoPerf[] RANKING = {
            new Cudnn.AlgoPerf(1, 3000, 0f, 0, 0, Cudnn.FMA_MATH),           // not supported: dropped
            new Cudnn.AlgoPerf(6, 0, 0f, 4096, 1, Cudnn.TENSOR_OP_MATH),     // tensor cores: only with TF32 allowed
            new Cudnn.AlgoPerf(0, 0, 0f, 0, 1, Cudnn.DEFAULT_MATH),
            new Cudnn.AlgoPerf(2, 0, 0f, 1 << 20, 1, Cudnn.FMA_MATH)};

    @Test
    void candidatesKeepRankAndMathTypeAndDropTensorOpsWithoutTf32() {
        assertEquals(List.of(new CudnnAlgorithms.Candidate(0, Cudnn.DEFAULT_MATH, 0), new CudnnAlgorithms.Candidate(2, Cudnn.FMA_MATH, 1 << 20)),
                CudnnAlgorithms.usable(RANKING, false));
        assertEquals(6, CudnnAlgorithms.usable(RANKING, true).getFirst().algo());
        assertEquals(Cudnn.TENSOR_OP_MATH, CudnnAlgorithms.usable(RANKING, true).getFirst().mathType());
    }

    @Test
    void notSupportedAndWorkspaceFailuresFallThroughToTheNextCandidate() {
        List<CudnnAlgorithms.Candidate> cs = CudnnAlgorithms.usable(RANKING, true);   // algos 6, 0, 2
        List<Integer> tried = new ArrayList<>();
        int ran = CudnnAlgorithms.runFirstWorking("conv forward", cs, 0, c -> {
            tried.add(c.algo());
            if (c.algo() == 6) throw new CudaException("cudnnConvolutionForward", 3001, "CUDNN_STATUS_NOT_SUPPORTED_SHAPE");
            if (c.algo() == 0) throw new CudaException("cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY");
        });
        assertEquals(List.of(6, 0, 2), tried);
        assertEquals(2, ran);
        // the remembered candidate is tried first next time, wrapping round
        tried.clear();
        assertEquals(2, CudnnAlgorithms.runFirstWorking("conv forward", cs, 2, c -> tried.add(c.algo())));
        assertEquals(List.of(2), tried);
    }

    @Test
    void otherFailuresAreErrorsAndExhaustionNamesEveryCandidate() {
        List<CudnnAlgorithms.Candidate> cs = CudnnAlgorithms.usable(RANKING, false);
        CudaException bad = new CudaException("cudnnConvolutionForward", 2000, "CUDNN_STATUS_BAD_PARAM");
        assertSame(bad, assertThrows(CudaException.class, () -> CudnnAlgorithms.runFirstWorking("conv", cs, 0, c -> { throw bad; })));
        CudaException none = assertThrows(CudaException.class, () -> CudnnAlgorithms.runFirstWorking("conv backward data", cs, 0,
                c -> { throw new CudaException("cudnnConvolutionBackwardData", 3000, "CUDNN_STATUS_NOT_SUPPORTED"); }));
        assertTrue(none.getMessage().contains("conv backward data") && none.getMessage().contains("algo 0")
                && none.getMessage().contains("algo 2"), none.getMessage());
        assertThrows(CudaException.class, () -> CudnnAlgorithms.runFirstWorking("conv", List.of(), 0, c -> { }));
    }
}
