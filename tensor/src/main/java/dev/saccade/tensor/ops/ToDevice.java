package dev.saccade.tensor.ops;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Backends;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/** A copy on another device ({@code torch.Tensor.to(device)}); backward copies g back. */
public final class ToDevice extends Function {
    private final Device target;
    private Device source;

    public ToDevice(Device target) { this.target = target; }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0].contiguous();
        source = x.device();
        Backend to = Backends.forDevice(target);
        return Tensor.wrap(to.upload(x.toHost()), x.shape(), to);
    }

    @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.to(source)}; }
}
