package dev.saccade.tensor.ops;

import dev.saccade.tensor.Shape;
import dev.saccade.tensor.ShapeException;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.autograd.Function;

/**
 * Matrix product of operands of rank ≥ 2, batch axes broadcast ({@code torch.matmul}):
 * a (…, M, K) · b (…, K, N) → (…, M, N). Backward: {@code ga = g · bᵀ}, {@code gb = aᵀ · g}, each summed over the
 * batch axes it was broadcast along.
 */
public final class MatMul extends Function {
    private Tensor a, b;

    @Override protected Tensor forward(Tensor... in) {
        a = in[0];
        b = in[1];
        Checks.sameKind("matmul", a, b);
        if (a.rank() < 2 || b.rank() < 2) throw new ShapeException("matmul: operands need rank ≥ 2, got " + a.shape() + " and " + b.shape());
        int m = a.dim(-2), k = a.dim(-1), k2 = b.dim(-2), n = b.dim(-1);
        if (k != k2) throw new ShapeException("matmul: inner dimensions differ, " + a.shape() + " · " + b.shape());
        Shape batch = Shape.broadcast(batchShape(a), batchShape(b));
        int batchCount = batch.numel();
        Tensor a3 = flattenBatch(a, batch, m, k, batchCount);
        Tensor b3 = flattenBatch(b, batch, k, n, batchCount);
        Tensor out = a.backend().matmul(a3, b3);               // (B, M, N)
        MacCounter.report("matmul", out.shape(), (long) batchCount * m * n * k);
        int[] d = new int[batch.rank() + 2];
        System.arraycopy(batch.toArray(), 0, d, 0, batch.rank());
        d[d.length - 2] = m;
        d[d.length - 1] = n;
        return Reshape.viewAs(out, Shape.of(d));
    }

    private static Shape batchShape(Tensor t) {
        int[] d = new int[t.rank() - 2];
        for (int i = 0; i < d.length; i++) d[i] = t.dim(i);
        return Shape.of(d);
    }

    /** Views t as (B, rows, cols) with stride 0 over broadcast batch axes, copying only when unavoidable. */
    private static Tensor flattenBatch(Tensor t, Shape batch, int rows, int cols, int batchCount) {
        int[] full = new int[batch.rank() + 2];
        System.arraycopy(batch.toArray(), 0, full, 0, batch.rank());
        full[full.length - 2] = rows;
        full[full.length - 1] = cols;
        var expanded = t.layout().expand(Shape.of(full));
        var v = expanded.view(Shape.of(batchCount, rows, cols));
        if (v != null) return Tensor.wrap(t.storage(), v, t.backend());
        if (batchShape(t).numel() == 1) {
            // One matrix shared by every batch entry: keep stride 0 on the batch axis.
            Tensor m = Tensor.wrap(t.storage(), t.layout(), t.backend()).reshape(rows, cols);
            return Tensor.wrap(m.storage(), m.layout().expand(Shape.of(batchCount, rows, cols)), m.backend());
        }
        Tensor c = Contiguous.copy(Tensor.wrap(t.storage(), expanded, t.backend()));
        return Tensor.wrap(c.storage(), c.layout().view(Shape.of(batchCount, rows, cols)), c.backend());
    }

    @Override protected Tensor[] backward(Tensor g) {
        Tensor ga = needsGrad(0) ? Sum.sumTo(g.matmul(b.transpose(-1, -2)), a.shape()) : null;
        Tensor gb = needsGrad(1) ? Sum.sumTo(a.transpose(-1, -2).matmul(g), b.shape()) : null;
        return new Tensor[] {ga, gb};
    }

    @Override protected void releaseSaved() { a = null; b = null; }
}
