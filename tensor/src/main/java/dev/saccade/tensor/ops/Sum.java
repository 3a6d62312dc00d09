package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Sum over a set of axes (all axes when none are given). Backward broadcasts g back over the reduced axes.
 * Reference: {@code torch.sum(x, dim, keepdim)}.
 */
public final class Sum extends Function {
    private final int[] requestedAxes;
    private final boolean keepDim;
    private Shape inShape;
    private int[] axes;

    public Sum(int[] axes, boolean keepDim) { this.requestedAxes = axes.clone(); this.keepDim = keepDim; }

    /** Sorted distinct non-negative axes; all axes when {@code axes} is empty. */
    public static int[] normalize(Shape shape, int[] axes) {
        if (axes.length == 0) {
            int[] all = new int[shape.rank()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        TreeSet<Integer> set = new TreeSet<>();
        for (int a : axes) if (!set.add(shape.normalizeAxis(a))) throw new ShapeException("reduction repeats axis " + a + " for shape " + shape);
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Number of elements each output element of a reduction over {@code axes} combines. */
    public static int reducedCount(Shape shape, int[] axes) {
        int n = 1;
        for (int a : normalize(shape, axes)) n *= shape.dim(a);
        return n;
    }

    /** The keep-dim shape with the reduced axes dropped. */
    static Shape dropAxes(Shape keep, int[] axes) {
        int[] d = new int[keep.rank() - axes.length];
        for (int i = 0, j = 0; i < keep.rank(); i++) if (Arrays.binarySearch(axes, i) < 0) d[j++] = keep.dim(i);
        return Shape.of(d);
    }

    /** Sums a broadcast gradient {@code g} back to {@code target}, the shape of the input that was broadcast. */
    public static Tensor sumTo(Tensor g, Shape target) {
        if (g.shape().equals(target)) return g;
        int lead = g.rank() - target.rank();
        int count = 0;
        int[] tmp = new int[g.rank()];
        for (int i = 0; i < g.rank(); i++) {
            if (i < lead || (target.dim(i - lead) == 1 && g.dim(i) != 1)) tmp[count++] = i;
        }
        Tensor s = count == 0 ? g : g.sum(true, Arrays.copyOf(tmp, count));
        return s.reshape(target.toArray());
    }

    @Override protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        axes = normalize(inShape, requestedAxes);
        Tensor r = x.backend().reduce(ReduceOp.SUM, x, axes);
        return keepDim ? r : Reshape.viewAs(r, dropAxes(r.shape(), axes));
    }

    @Override protected Tensor[] backward(Tensor g) {
        int[] keep = inShape.toArray();
        for (int a : axes) keep[a] = 1;
        Tensor gk = g.reshape(keep);
        return new Tensor[] {gk.expand(inShape.toArray()).contiguous()};
    }
}
