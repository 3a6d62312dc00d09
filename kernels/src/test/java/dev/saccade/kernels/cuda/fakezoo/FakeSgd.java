package dev.saccade.kernels.cuda.fakezoo;

import dev.saccade.tensor.Tensor;
import java.util.List;

/** Stand-in for {@code dev.saccade.nn.optim.Sgd}'s constructor and methods; counts the calls. */
public final class FakeSgd {
    public final List<Tensor> params;
    public final double lr, momentum, weightDecay;
    public int steps, zeroGrads;

    public FakeSgd(List<Tensor> params, double lr, double momentum, double weightDecay) {
        this.params = params;
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    public void zeroGrad() { zeroGrads++; }

    public void step() { steps++; }
}
