package dev.saccade.tensor.autograd;

import dev.saccade.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation: walks the recorded graph from a root in reverse topological order, calling each
 * Function's backward once with the summed gradient of its output, accumulating into the {@code grad} of leaf
 * tensors that require grad, then frees the graph.
 */
public final class Autograd {
    private Autograd() {}

    /** Back-propagates {@code seed} (the gradient of {@code root}) through the graph that produced {@code root}. */
    public static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward(): tensor of shape " + root.shape()
                    + " does not require grad and has no graph (did an input have requiresGrad set, outside a no-grad scope?)");
        }
        if (!seed.shape().equals(root.shape())) {
            throw new IllegalArgumentException("backward(): gradient shape " + seed.shape() + " does not match tensor shape " + root.shape());
        }
        Function rootFn = root.gradFn();
        if (rootFn == null) { root.accumulateGrad(seed); return; }
        if (rootFn.isReleased()) {
            throw new IllegalStateException("backward(): the graph of " + rootFn.name() + " has been freed by an earlier backward()");
        }
        List<Function> order = topologicalOrder(rootFn);
        Map<Function, Tensor> grads = new IdentityHashMap<>();
        grads.put(rootFn, seed);
        try (var noGrad = GradMode.disable()) {
            for (Function fn : order) {
                Tensor g = grads.remove(fn);
                Tensor[] inputs = fn.inputs();
                if (g != null) {
                    Tensor[] gin = fn.runBackward(g);
                    if (gin.length != inputs.length) {
                        throw new IllegalStateException(fn.name() + ".backward returned " + gin.length + " gradients for " + inputs.length + " inputs");
                    }
                    for (int i = 0; i < inputs.length; i++) {
                        Tensor in = inputs[i];
                        if (in == null || !in.requiresGrad() || gin[i] == null) continue;
                        if (!gin[i].shape().equals(in.shape())) {
                            throw new IllegalStateException(fn.name() + ".backward: gradient " + i + " has shape " + gin[i].shape() + ", input has " + in.shape());
                        }
                        Function prev = in.gradFn();
                        if (prev == null) in.accumulateGrad(gin[i]);
                        else grads.merge(prev, gin[i], Tensor::add);
                    }
                }
                fn.release();
            }
        }
    }

    /** Functions reachable from {@code root}, each after every function that consumes its output. */
    private static List<Function> topologicalOrder(Function root) {
        List<Function> postOrder = new ArrayList<>();
        Set<Function> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // Iterative DFS: (function, next input index) frames.
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Function fn = (Function) frame[0];
            int i = (Integer) frame[1];
            Tensor[] ins = fn.inputs();
            if (i < ins.length) {
                frame[1] = i + 1;
                Tensor in = ins[i];
                if (in != null && in.gradFn() != null && !in.gradFn().isReleased() && visited.add(in.gradFn())) {
                    stack.push(new Object[] {in.gradFn(), 0});
                }
            } else {
                stack.pop();
                postOrder.add(fn);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }
}
