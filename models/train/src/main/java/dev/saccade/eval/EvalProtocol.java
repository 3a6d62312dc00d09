package dev.saccade.eval;

import dev.saccade.data.sampling.ClipSampling;
import dev.saccade.data.transform.MultiViewTransform;
import dev.saccade.data.transform.TestProtocol;

/**
 * The test protocols by their command-line names (crops × clips), scaled to a model's input size: the reference
 * recipes use crop 224 after scaling the shorter side to 256 = 224·256/224, and full-res crops of 256.
 *
 * <pre>{@code
 * TestProtocol p = EvalProtocol.parse("3x2").protocol(224);   // 3 full-res 256² crops × 2 clips = 6 views
 * }</pre>
 */
public enum EvalProtocol {
    /** 1 clip (segment centres) × centre crop: TSM "efficient", every repo's validation. */
    ONE_CLIP_CENTRE_CROP("1x1"),
    /** TSM "accurate": 3 full-res crops × 2 clips (twice sample). */
    THREE_CROPS_TWO_CLIPS("3x2"),
    /** ACTION-Net SSv2/Jester test: 10 random clips × 3 full-res crops. */
    TEN_CLIPS_THREE_CROPS("10x3"),
    /** ACTION-Net EgoGesture test: 10 random clips × 1 centre crop. */
    TEN_CLIPS_ONE_CROP("10x1");

    private final String key;

    EvalProtocol(String key) { this.key = key; }

    public String key() { return key; }

    public static EvalProtocol parse(String key) {
        for (EvalProtocol p : values()) if (p.key.equals(key)) return p;
        throw new IllegalArgumentException("unknown protocol '" + key + "'; use 1x1, 3x2, 10x3 or 10x1 (crops x clips)");
    }

    /** The protocol for a network trained on {@code inputSize}² crops. */
    public TestProtocol protocol(int inputSize) {
        int scale = inputSize * 256 / 224;
        return switch (this) {
            case ONE_CLIP_CENTRE_CROP -> TestProtocol.efficient(scale, inputSize);
            case THREE_CROPS_TWO_CLIPS -> TestProtocol.accurate(scale);
            case TEN_CLIPS_THREE_CROPS -> TestProtocol.tenClipsThreeCrops(scale);
            case TEN_CLIPS_ONE_CROP -> new TestProtocol("10 clips x centre crop", ClipSampling.RANDOM_CLIPS, 10,
                    MultiViewTransform.centre(scale, inputSize));
        };
    }
}
