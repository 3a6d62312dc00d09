package dev.saccade.jmh;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.io.IOException;

/**
 * One exported TorchScript model in libtorch 2.7.1 through DJL 0.35.1's PyTorch engine (oneDNN / MKL underneath),
 * inference through a {@link Predictor}, the benchmark clip created once. The thread counts are libtorch's
 * process-wide settings: set {@code ai.djl.pytorch.num_threads} and {@code ai.djl.pytorch.num_interop_threads}
 * before the first model is loaded (the benchmarks set them to saccade's thread count and 1).
 */
final class TorchModel implements AutoCloseable {
    private final ZooModel<NDList, NDList> zoo;
    private final Predictor<NDList, NDList> predictor;
    private final NDManager manager;
    private final NDArray input;

    TorchModel(String model, int clips) throws IOException, ModelNotFoundException, MalformedModelException {
        zoo = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(PeerFiles.require(PeerFiles.torchScript(model)))
                .optEngine("PyTorch").optDevice(Device.cpu()).build().loadModel();
        predictor = zoo.newPredictor();
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        input = manager.create(ModelInferenceBench.clip(model, clips),
                new Shape(clips, ModelInferenceBench.FRAMES, 3, ModelInferenceBench.SIZE, ModelInferenceBench.SIZE));
    }

    /** One inference: (N, 8, 3, 224, 224) → logits (N, 174), copied to the heap. */
    float[] run() throws TranslateException {
        NDList out = predictor.predict(new NDList(input));
        float[] logits = out.singletonOrThrow().toFloatArray();
        out.close();
        return logits;
    }

    @Override public void close() {
        predictor.close();
        zoo.close();
        manager.close();
    }
}
