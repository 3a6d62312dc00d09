package dev.saccade.models.flops;

import dev.saccade.tensor.Shape;

/**
 * A module that can tell the {@link FlopCounter} its output shape and the MACs of its layers without running: it
 * walks its children in forward order, handing each one the shape it would receive.
 *
 * <pre>{@code
 * @Override public Shape traceFlops(FlopCounter c, String name, Shape in) {
 *     Shape h = c.trace(FlopCounter.join(name, "conv1"), conv1, in);
 *     return c.trace(FlopCounter.join(name, "bn1"), bn1, h);
 * }
 * }</pre>
 */
public interface FlopTraceable {
    /** Records this module's layers into {@code counter} for an input of shape {@code input}; returns the output shape. */
    Shape traceFlops(FlopCounter counter, String name, Shape input);
}
