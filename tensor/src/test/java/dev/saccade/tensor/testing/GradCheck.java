package dev.saccade.tensor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.saccade.tensor.DType;
import dev.saccade.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Finite-difference gradient check in double precision (like {@code torch.autograd.gradcheck}): the analytic
 * gradient of {@code L = Σ f(inputs) ⊙ r}, for a fixed random r, against central differences
 * {@code (L(x + h) − L(x − h)) / 2h} for every element of every input.
 *
 * <pre>{@code
 * GradCheck.check("exp", in -> in[0].exp(), GradCheck.randomF64(rng, 3, 4));
 * }</pre>
 */
public final class GradCheck {
    private static final double H = 1e-6;
    private static final double ATOL = 1e-6, RTOL = 1e-5;

    private GradCheck() {}

    /** A fresh F64 tensor of uniform values in [−1, 1). */
    public static Tensor randomF64(SplittableRandom rng, int... shape) {
        double[] d = new double[dev.saccade.tensor.Shape.of(shape).numel()];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextDouble() * 2 - 1;
        return Tensor.of(d, shape);
    }

    /** Checks every input that requires grad (inputs are marked as requiring grad when floating and not yet marked). */
    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t.dtype().isFloating() && t.dtype() != DType.F64) throw new IllegalArgumentException(name + ": grad check inputs must be F64");
            if (t.dtype().isFloating()) t.setRequiresGrad(true);
        }
        Tensor out = f.apply(inputs);
        SplittableRandom rng = new SplittableRandom(42);
        double[] r = new double[out.numel()];
        for (int i = 0; i < r.length; i++) r[i] = rng.nextDouble() * 2 - 1;
        Tensor proj = Tensor.of(r, out.shape().toArray());
        for (Tensor t : inputs) t.zeroGrad();
        out.mul(proj).sum().backward();

        double worst = 0;
        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k];
            if (!in.dtype().isFloating()) continue;
            double[] base = in.toDoubleArray();
            double[] analytic = in.grad() == null ? new double[base.length] : in.grad().toDoubleArray();
            for (int i = 0; i < base.length; i++) {
                double lp = loss(f, inputs, k, base, i, base[i] + H, r);
                double lm = loss(f, inputs, k, base, i, base[i] - H, r);
                double numeric = (lp - lm) / (2 * H);
                double err = Math.abs(numeric - analytic[i]);
                worst = Math.max(worst, err);
                if (err > ATOL + RTOL * Math.abs(numeric)) {
                    fail(String.format("%s: gradient of input %d%s element %d: analytic %.10g vs numeric %.10g (|diff| %.3g)",
                            name, k, in.shape(), i, analytic[i], numeric, err));
                }
            }
        }
        System.out.printf("gradcheck %-32s max |analytic − numeric| = %.3g%n", name, worst);
    }

    private static double loss(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, double[] base, int i, double value, double[] r) {
        double[] moved = base.clone();
        moved[i] = value;
        Tensor[] args = inputs.clone();
        args[k] = Tensor.of(moved, inputs[k].shape().toArray());
        double[] out = f.apply(args).toDoubleArray();
        double l = 0;
        for (int j = 0; j < out.length; j++) l += out[j] * r[j];
        return l;
    }
}
