package dev.saccade.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The peak heap occupancy over a stretch of work: heap use only grows between collections, so its peak is the
 * largest of the heap use just before each collection (summed over the heap pools at that moment, from the
 * collectors' JMX notifications) and the use at the end. It counts garbage not yet collected as well as live objects,
 * so it is the heap the work occupied under the JVM's -Xmx, not the least heap it can run in.
 *
 * <pre>{@code
 * try (HeapPeak peak = HeapPeak.start()) { model.forward(x); System.out.println(peak.bytes()); }
 * }</pre>
 */
public final class HeapPeak implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final Set<String> heapPools;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onCollection;

    private HeapPeak() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).collect(Collectors.toUnmodifiableSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
    }

    /** Collects garbage, then starts watching; the peak starts at the heap in use now. */
    public static HeapPeak start() {
        System.gc();
        HeapPeak p = new HeapPeak();
        p.peak.set(p.usedNow());
        return p;
    }

    /** The peak so far in bytes: the largest heap use seen before a collection, or now. */
    public long bytes() {
        try {
            Thread.sleep(100);                                   // the last collection's notification is asynchronous
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return peak.accumulateAndGet(usedNow(), Math::max);
    }

    private long usedNow() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (heapPools.contains(p.getName())) sum += p.getUsage().getUsed();
        }
        return sum;
    }

    private void onCollection(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long before = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
            if (heapPools.contains(e.getKey())) before += e.getValue().getUsed();
        }
        peak.accumulateAndGet(before, Math::max);
    }

    @Override public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already removed
            }
        }
    }
}
