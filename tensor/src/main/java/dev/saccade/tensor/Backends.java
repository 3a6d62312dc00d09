package dev.saccade.tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The registry of backends, found with {@link ServiceLoader}. The default device is the best available backend,
 * or the one named by {@code -Dsaccade.device=cpu|cuda}.
 */
public final class Backends {
    private static volatile List<Backend> all;

    private Backends() {}

    /** All backends on the class path, available or not, best first. */
    public static List<Backend> all() {
        List<Backend> list = all;
        if (list == null) {
            synchronized (Backends.class) {
                if (all == null) {
                    List<Backend> found = new ArrayList<>();
                    ServiceLoader.load(Backend.class).forEach(found::add);
                    found.sort(Comparator.comparingInt(Backend::priority).reversed());
                    all = List.copyOf(found);
                }
                list = all;
            }
        }
        return list;
    }

    /** The backend for {@code device}; a clear error when none is installed or it is unavailable. */
    public static Backend forDevice(Device device) {
        for (Backend b : all()) {
            if (b.device().kind() == device.kind()) {
                if (!b.isAvailable()) throw new IllegalStateException("device " + device + " is unavailable: " + b.unavailableReason());
                return b;
            }
        }
        throw new IllegalStateException("no backend for device " + device + " on the class path (is saccade-kernels a dependency?)");
    }

    /** The device new tensors go to by default. */
    public static Device defaultDevice() {
        String asked = System.getProperty("saccade.device");
        if (asked != null && !asked.isBlank()) return Device.parse(asked);
        for (Backend b : all()) if (b.isAvailable()) return b.device();
        throw new IllegalStateException("no available backend on the class path (is saccade-kernels a dependency?)");
    }
}
