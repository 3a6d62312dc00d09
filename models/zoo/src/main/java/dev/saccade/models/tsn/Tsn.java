package dev.saccade.models.tsn;

import dev.saccade.models.backbone.Backbone;
import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.flops.FlopTraceable;
import dev.saccade.nn.Init;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.BatchNorm;
import dev.saccade.nn.layers.Dropout;
import dev.saccade.nn.layers.Linear;
import dev.saccade.nn.layers.Pooling;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The TSN wrapper shared by TSN, TSM, ACTION-Net, M2A and W3: the clip's T frames run through a 2D backbone as one
 * (N·T, 3, H, W) batch, the last feature map goes through an optional feature refinement module (W3's AFR), global
 * average pooling, dropout and {@code new_fc}; per-frame logits (N, T, K) are averaged over T ("avg consensus").
 *
 * <p>Names follow the official wrapper so official checkpoints load (see {@link OfficialKeys}): the backbone is the
 * child {@code base_model} (without its own classifier, which the official code replaces by a parameter-free
 * Dropout), the classifier is {@code new_fc} with weight N(0, 0.001²) and zero bias.
 *
 * <p>Partial BN ({@link #setPartialBn}): in training mode every BatchNorm of the backbone but the first keeps its
 * running statistics frozen and its γ, β untrained. Reference: Wang et al., "Temporal Segment Networks", ECCV 2016;
 * TSM {@code ops/models.py} ({@code TSN.forward}, {@code TSN.train}, {@code _prepare_tsn}).
 *
 * <pre>{@code
 * Tsn model = new Tsn(ResNet.resnet50(new TsmHooks(8), 8, 0, rng), 8, 174, 0.5, rng);
 * Tensor logits = model.forward(clip);   // (N, 8, 3, 224, 224) → (N, 174)
 * }</pre>
 */
public final class Tsn extends Module implements FlopTraceable {
    private final Backbone baseModel;
    private final Pooling avgpool;
    private final Dropout dropout;
    private final Linear newFc;
    private final int frames, classes;
    private Module featureRefinement;
    private boolean partialBn;

    public Tsn(Backbone backbone, int frames, int classes, double dropout, SplittableRandom rng) {
        if (frames < 1) throw new IllegalArgumentException("Tsn: frames must be ≥ 1, got " + frames);
        if (classes < 1) throw new IllegalArgumentException("Tsn: classes must be ≥ 1, got " + classes);
        this.frames = frames;
        this.classes = classes;
        this.baseModel = register("base_model", backbone);
        this.avgpool = register("avgpool", Pooling.adaptiveAvg(1, 1));
        this.dropout = register("dropout", new Dropout(dropout, rng));
        this.newFc = register("new_fc", new Linear(backbone.featureChannels(), classes, true, rng));
        Init.assign(newFc.weight(), Init.normal(rng, 0.001, classes, backbone.featureChannels()));
        Init.assign(newFc.bias(), Tensor.zeros(classes));
    }

    /**
     * Puts {@code module} between the last feature map and the pooling; it must map (N·T, C, h, w) to the same shape.
     * Registered as {@code feature_refinement}; can be set once. Returns this.
     */
    public Tsn withFeatureRefinement(Module module) {
        if (featureRefinement != null) throw new IllegalStateException("Tsn: feature refinement is already set");
        featureRefinement = register("feature_refinement", module);
        return this;
    }

    public Backbone baseModel() { return baseModel; }
    public Linear newFc() { return newFc; }
    public Module featureRefinement() { return featureRefinement; }
    public int frames() { return frames; }
    public int classes() { return classes; }

    /** The refined last feature map: clip → (N·T, C, h, w). */
    public Tensor features(Tensor clip) {
        Tensor f = baseModel.features(frameBatch(clip));          // (N·T, C, h, w)
        return featureRefinement == null ? f : featureRefinement.forward(f);
    }

    /** Clip logits: (N, T, 3, H, W), (N, 3T, H, W) or (N·T, 3, H, W) → (N, K). */
    @Override public Tensor forward(Tensor clip) {
        return frameLogits(clip).reshape(-1, frames, classes).mean(1);   // (N, T, K) → (N, K)
    }

    /** Per-frame logits before the consensus: clip → (N·T, K), row n·T + t. */
    public Tensor frameLogits(Tensor clip) {
        Tensor f = features(clip);                                 // (N·T, C, h, w)
        Tensor pooled = avgpool.forward(f).flatten(1);             // (N·T, C)
        return newFc.forward(dropout.forward(pooled));             // (N·T, K)
    }

    /** The clip as the (N·T, 3, H, W) frame batch, with an error naming the expected shape. */
    public Tensor frameBatch(Tensor clip) {
        Shape s = clip.shape();
        int r = s.rank();
        if (r < 4 || r > 5 || (r == 5 && (s.dim(1) != frames || s.dim(2) != 3)) || (r == 4 && s.dim(1) != 3 && s.dim(1) != 3 * frames)
                || (s.numel() / (3L * s.dim(-1) * s.dim(-2))) % frames != 0) {
            throw new ShapeException("Tsn: input " + s + " must be (N, " + frames + ", 3, H, W), (N, " + 3 * frames
                    + ", H, W) or (N·" + frames + ", 3, H, W)");
        }
        return clip.reshape(-1, 3, s.dim(-2), s.dim(-1));
    }

    /** Enables or disables partial BN; takes effect at the next {@link #train(boolean)} (and now, if training). */
    public Tsn setPartialBn(boolean on) {
        this.partialBn = on;
        train(isTraining());
        return this;
    }

    public boolean partialBn() { return partialBn; }

    /** TSN's train(): in training mode with partial BN, every backbone BatchNorm but the first is frozen. */
    @Override public Module train(boolean on) {
        super.train(on);
        int count = 0;
        for (Module m : baseModel.namedModules().values()) {
            if (!(m instanceof BatchNorm bn)) continue;
            boolean freeze = partialBn && on && count++ > 0;
            bn.setFrozen(freeze);
            bn.weight().setRequiresGrad(!freeze);
            bn.bias().setRequiresGrad(!freeze);
        }
        return this;
    }

    @Override public Shape traceFlops(FlopCounter c, String name, Shape in) {
        int r = in.rank();
        Shape frameBatch = Shape.of((int) (in.numel() / (3L * in.dim(r - 2) * in.dim(r - 1))), 3, in.dim(r - 2), in.dim(r - 1));
        Shape f = baseModel.traceFeatures(c, FlopCounter.join(name, "base_model"), frameBatch);
        if (featureRefinement != null) f = c.trace(FlopCounter.join(name, "feature_refinement"), featureRefinement, f);
        Shape pooled = c.trace(FlopCounter.join(name, "avgpool"), avgpool, f);
        pooled = Shape.of(pooled.dim(0), pooled.dim(1));
        c.trace(FlopCounter.join(name, "new_fc"), newFc, pooled);
        return Shape.of(f.dim(0) / frames, classes);
    }

    @Override public String describe() { return "TSN(T=" + frames + ", K=" + classes + (partialBn ? ", partial BN" : "") + ")"; }
}
