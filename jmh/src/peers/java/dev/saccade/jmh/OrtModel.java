package dev.saccade.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * One exported model in ONNX Runtime (Java, CPU execution provider): all graph optimisations (level 3: BatchNorm
 * folding, fused convolutions, NCHWc layout), {@code threads} intra-op threads, one inter-op thread, sequential
 * execution, the benchmark clip bound once as input {@code clip}.
 */
final class OrtModel implements AutoCloseable {
    private final OrtSession session;
    private final OnnxTensor input;

    OrtModel(String model, int clips, int threads) throws OrtException, IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(PeerFiles.require(PeerFiles.onnx(model, clips)).toString(), options);
        }
        input = OnnxTensor.createTensor(env, FloatBuffer.wrap(ModelInferenceBench.clip(model, clips)),
                new long[] {clips, ModelInferenceBench.FRAMES, 3, ModelInferenceBench.SIZE, ModelInferenceBench.SIZE});
    }

    /** One inference: (N, 8, 3, 224, 224) → logits (N, 174), flattened. */
    float[] run() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of("clip", input))) {
            float[][] logits = (float[][]) r.get(0).getValue();
            float[] flat = new float[logits.length * logits[0].length];
            for (int n = 0; n < logits.length; n++) System.arraycopy(logits[n], 0, flat, n * logits[n].length, logits[n].length);
            return flat;
        }
    }

    @Override public void close() throws OrtException {
        input.close();
        session.close();
    }
}
