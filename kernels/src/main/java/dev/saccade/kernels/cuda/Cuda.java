package dev.saccade.kernels.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Entry point to the GPU: whether CUDA can be used here, which device, and the driver bound to the calling thread.
 *
 * <p>{@link #available()} never throws and never crashes: a missing {@code libcuda.so.1}, no device, a driver
 * older than the CUDA version the fatbins were built with ({@link CudaModules#requiredDriverVersion()}), fatbins
 * that cannot load on this GPU, or native access not enabled all make it {@code false}, with the reason kept in
 * {@link #unavailableReason()}. The first call initialises the driver, takes device 0's primary context, loads
 * every kernel module (eagerly, so that later steps never load modules) and keeps them for the life of the JVM.
 *
 * <p>Thread confinement: a CUDA context is current per CPU thread. {@link #driver()} makes the primary context
 * current on the calling thread the first time that thread asks (a ThreadLocal flag), so every thread that
 * touches CUDA through {@code Cuda.driver()} is set up.
 *
 * <pre>{@code
 * if (Cuda.available()) System.out.println(Cuda.deviceName() + ", driver " + Cuda.driverVersionString());
 * else System.out.println("CPU only: " + Cuda.unavailableReason());
 * }</pre>
 */
public final class Cuda {
    /** What the first initialisation found. */
    private record State(CudaDriver driver, int device, MemorySegment context, String deviceName, int driverVersion,
                         int computeMajor, int computeMinor, int multiprocessors, long totalMemory, String reason) {}

    private static volatile State state;
    private static final ThreadLocal<Boolean> CURRENT = ThreadLocal.withInitial(() -> false);

    private Cuda() {}

    private static State state() {
        State s = state;
        if (s == null) {
            synchronized (Cuda.class) {
                s = state;
                if (s == null) state = s = initialise();
            }
        }
        return s;
    }

    private static State initialise() {
        try {
            CudaDriver driver = CudaDriver.load();
            driver.init(0);
            int count = driver.deviceGetCount();
            if (count < 1) return unavailable("no CUDA device (cuDeviceGetCount = " + count + ")");
            int driverVersion = driver.driverGetVersion();
            String tooOld = driverTooOld(driverVersion, CudaModules.requiredDriverVersion());
            if (tooOld != null) return unavailable(tooOld);
            int device = driver.deviceGet(0);
            MemorySegment context = driver.devicePrimaryCtxRetain(device);
            driver.ctxSetCurrent(context);
            CURRENT.set(true);
            try {
                CudaModules.loadAll(driver);
            } catch (CudaException e) {
                return unavailable("saccade's kernels cannot be loaded on " + driver.deviceGetName(device) + " (sm_"
                        + driver.deviceGetAttribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device)
                        + driver.deviceGetAttribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device)
                        + "; the fatbins hold SASS for sm_80 and sm_90 and PTX for compute_90): " + e.getMessage());
            }
            return new State(driver, device, context, driver.deviceGetName(device), driverVersion,
                    driver.deviceGetAttribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
                    driver.deviceGetAttribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device),
                    driver.deviceGetAttribute(CudaDriver.ATTRIBUTE_MULTIPROCESSOR_COUNT, device),
                    driver.deviceTotalMem(device), "");
        } catch (IllegalCallerException e) {
            return unavailable("native access is not enabled (run with --enable-native-access=ALL-UNNAMED): "
                    + e.getMessage());
        } catch (Throwable e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return unavailable(message);
        }
    }

    /**
     * Null when a driver reporting CUDA {@code driverVersion} (cuDriverGetVersion: 1000·major + 10·minor) can run
     * kernels built with CUDA {@code required}; otherwise the reason, naming both versions.
     */
    static String driverTooOld(int driverVersion, int required) {
        if (driverVersion >= required) return null;
        return "the NVIDIA driver supports CUDA " + versionString(driverVersion) + ", but saccade's kernels were built with CUDA "
                + versionString(required) + " and need a driver for CUDA " + versionString(required) + " or newer";
    }

    /** "13.0" for 13000. */
    static String versionString(int v) { return (v / 1000) + "." + (v % 1000) / 10; }

    private static State unavailable(String reason) {
        return new State(null, -1, MemorySegment.NULL, "", 0, 0, 0, 0, 0, reason.isBlank() ? "unknown" : reason);
    }

    /** Whether a CUDA device can be used; never throws. */
    public static boolean available() { return state().driver() != null; }

    /** Why CUDA is not available (non-empty then); empty when it is. */
    public static String unavailableReason() { return state().reason(); }

    private static State require() {
        State s = state();
        if (s.driver() == null) throw new IllegalStateException("CUDA is not available: " + s.reason());
        return s;
    }

    /**
     * The driver, with the primary context made current on the calling thread.
     *
     * @throws IllegalStateException with {@link #unavailableReason()} when CUDA is not available
     */
    public static CudaDriver driver() {
        State s = require();
        if (!CURRENT.get()) {
            s.driver().ctxSetCurrent(s.context());
            CURRENT.set(true);
        }
        return s.driver();
    }

    /** The device in use (ordinal 0). */
    public static int device() { return require().device(); }

    /** Device 0's primary context. */
    public static MemorySegment context() { return require().context(); }

    /** The device name, e.g. "NVIDIA H100 80GB HBM3". */
    public static String deviceName() { return require().deviceName(); }

    /** The driver's CUDA version as an integer, e.g. 13000. */
    public static int driverVersion() { return require().driverVersion(); }

    /** The driver's CUDA version as text, e.g. "13.0". */
    public static String driverVersionString() { return versionString(driverVersion()); }

    /** Compute capability as {@code major·10 + minor}, e.g. 90 for Hopper. */
    public static int computeCapability() { State s = require(); return s.computeMajor() * 10 + s.computeMinor(); }

    /** Number of streaming multiprocessors. */
    public static int multiprocessors() { return require().multiprocessors(); }

    /** Device memory in bytes. */
    public static long totalMemory() { return require().totalMemory(); }

    /** One line describing the device, for logs and benchmark headers. */
    public static String describe() {
        if (!available()) return "CUDA unavailable: " + unavailableReason();
        return deviceName() + " (sm_" + computeCapability() + ", " + multiprocessors() + " SMs, "
                + totalMemory() / (1L << 20) + " MiB), driver CUDA " + driverVersionString();
    }
}
