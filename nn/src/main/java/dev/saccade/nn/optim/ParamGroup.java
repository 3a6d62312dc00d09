package dev.saccade.nn.optim;

import dev.saccade.tensor.Tensor;
import java.util.List;

/**
 * Parameters that share a learning-rate multiplier and a weight-decay multiplier (TSN's {@code get_optim_policies}:
 * e.g. biases lr×2 decay×0, the new fc lr×5).
 */
public record ParamGroup(String name, List<Tensor> params, double lrMult, double decayMult) {
    public ParamGroup { params = List.copyOf(params); }

    /** One group with multipliers 1. */
    public static ParamGroup all(List<Tensor> params) { return new ParamGroup("all", params, 1, 1); }
}
