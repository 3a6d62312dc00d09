package dev.saccade.tensor.ops;

import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/** Reorders axes as a view ({@code torch.permute}); backward applies the inverse permutation. */
public final class Permute extends Function {
    private final int[] order;

    public Permute(int[] order) { this.order = order.clone(); }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        return Tensor.wrap(x.storage(), x.layout().permute(order), x.backend());
    }

    @Override protected Tensor[] backward(Tensor g) {
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) inverse[Math.floorMod(order[i], order.length)] = i;
        return new Tensor[] {g.permute(inverse)};
    }
}
