package dev.saccade.tensor.ops;

import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;

/**
 * A convolution's input given as {@code x·(offset + perChannel + perPosition)}, the SUM form of
 * {@link BroadcastGate}, for the convolution to apply as it reads x ({@link InferenceConv#applyGatedInput}) instead of
 * a pass that writes the gated tensor: ACTION-Net's {@code xs·p + xs + xs·q + xs + xs·s + xs} = {@code xs·(3 + (q + s)
 * + p)} in front of the block's first convolution (V-Sense/ACTION-Net {@code models/action.py}, {@code Action.forward}).
 *
 * @param x           (N, C, H, W)
 * @param perChannel  (N, C, 1, 1)
 * @param perPosition (N, 1, H, W)
 */
public record GatedConvInput(Tensor x, Tensor perChannel, Tensor perPosition, double offset) {
    public GatedConvInput {
        int n = x.dim(0), c = x.dim(1);
        boolean ok = x.rank() == 4 && perChannel.rank() == 4 && perPosition.rank() == 4
                && perChannel.dim(0) == n && perChannel.dim(1) == c && perChannel.dim(2) == 1 && perChannel.dim(3) == 1
                && perPosition.dim(0) == n && perPosition.dim(1) == 1 && perPosition.dim(2) == x.dim(2)
                && perPosition.dim(3) == x.dim(3);
        if (!ok) {
            throw new ShapeException("gated_conv_input: x " + x.shape() + " needs perChannel (N, C, 1, 1) and perPosition"
                    + " (N, 1, H, W), got " + perChannel.shape() + " and " + perPosition.shape());
        }
    }

    /** The gated tensor itself, {@link Functional#gateSum}: what the convolution reads. */
    public Tensor materialise() { return Functional.gateSum(x, perChannel, perPosition, offset); }
}
