package dev.saccade.kernels.cuda;

import dev.saccade.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Explicit ownership of device memory: the buffers the calling thread allocates while a scope is open (tensor
 * storages and temporaries, through {@link CudaAllocator#allocate}) belong to it, and {@link #close()} returns them
 * to the allocator's cache at once, instead of waiting for the garbage collector to find their storages unreachable
 * (the JVM does not see device memory). What must outlive the step is kept: {@link #keep(Tensor...)} hands those
 * buffers to the enclosing scope (or to no scope, where the collector's cleaner releases them as before).
 * A tensor whose memory was released fails on its next use with an error naming the scope, not with wrong data.
 * Scopes nest and are confined to the thread that opened them.
 *
 * <pre>{@code
 * for (Batch b : loader) {
 *     try (DeviceScope step = DeviceScope.open()) {
 *         Tensor loss = model.forward(b.clips()).crossEntropy(b.labels());
 *         loss.backward();
 *         optimizer.step();                   // parameters and momentum were allocated before the scope
 *         lossValue = loss.item();            // read what is needed before the scope closes
 *     }                                       // activations, gradients' temporaries, workspace copies: released
 * }
 * }</pre>
 */
public final class DeviceScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<DeviceScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final Thread owner = Thread.currentThread();
    private final Set<DeviceBuffer> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private DeviceScope() {}

    /** Opens a scope on the calling thread; buffers allocated until {@link #close()} belong to it. */
    public static DeviceScope open() {
        DeviceScope s = new DeviceScope();
        OPEN.get().push(s);
        return s;
    }

    /** The innermost open scope of the calling thread, or null. */
    static DeviceScope current() { return OPEN.get().peek(); }

    /** Registers {@code b} with the innermost open scope of this thread, if any; returns {@code b}. */
    static DeviceBuffer track(DeviceBuffer b) {
        DeviceScope s = current();
        if (s != null) s.owned.add(b);
        return b;
    }

    /** Number of buffers this scope would release now. */
    public int ownedCount() { return owned.size(); }

    /**
     * Keeps the device memory of {@code tensors} (their storages) alive past this scope: it moves to the enclosing
     * scope, or to none. Tensors on other devices, or not allocated in this scope, are ignored. Returns this.
     */
    public DeviceScope keep(Tensor... tensors) {
        for (Tensor t : tensors) if (t.storage() instanceof CudaStorage s) keep(s.buffer());
        return this;
    }

    /** Keeps one buffer (see {@link #keep(Tensor...)}). */
    DeviceScope keep(DeviceBuffer b) {
        checkOwner();
        if (owned.remove(b)) {
            DeviceScope parent = parent();
            if (parent != null) parent.owned.add(b);
        }
        return this;
    }

    private DeviceScope parent() {
        boolean found = false;
        for (DeviceScope s : OPEN.get()) {   // innermost first
            if (found) return s;
            if (s == this) found = true;
        }
        return null;
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner)
            throw new IllegalStateException("DeviceScope opened on thread " + owner.getName() + " used on " + Thread.currentThread().getName());
        if (closed) throw new IllegalStateException("DeviceScope is already closed");
    }

    /** Releases every buffer the scope still owns to the allocator's cache; must close the innermost scope first. */
    @Override
    public void close() {
        if (closed) return;
        checkOwner();
        ArrayDeque<DeviceScope> stack = OPEN.get();
        if (stack.peek() != this) throw new IllegalStateException("DeviceScopes must close innermost first");
        stack.pop();
        closed = true;
        List<DeviceBuffer> release = new ArrayList<>(owned);
        owned.clear();
        for (DeviceBuffer b : release) b.close();
    }
}
