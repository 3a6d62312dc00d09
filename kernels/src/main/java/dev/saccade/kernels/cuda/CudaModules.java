package dev.saccade.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.saccade.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * saccade's own kernels: the fatbins built from {@code native/src/main/cuda} and shipped as classpath resources
 * {@code /dev/saccade/native/<file>.fatbin} by module {@code native}, with {@code kernels.index} mapping each
 * kernel name to its file. Modules load lazily ({@code cuModuleLoadData}) into the primary context; CUfunction
 * handles are cached by name.
 *
 * <p>Kernel arguments for {@link #launch}: {@code Long} ({@code long long} sizes and device pointers),
 * {@code Integer} ({@code int}), {@code Float}, {@code Double}, {@link DeviceBuffer} (its device address),
 * {@link Tensor} on CUDA (the device address of the view's first element) and {@link KernelStruct} (a struct passed
 * by value). Each must match the kernel's C parameter type exactly: the driver copies bytes, it does not convert.
 * Buffers and tensors passed as arguments stay reachable until the launch is queued (so their storage cannot go
 * back to the allocator, and be handed out again, between taking its address and queueing the kernel); prefer
 * them to raw {@code Long} addresses.
 *
 * <pre>{@code
 * // temporal_shift_f32(const float* x, float* y, long long N, long long T, long long C, long long HW, long long fold)
 * CudaModules.launch("temporal_shift_f32", LaunchConfig.elementwise(n), x, y, 2L, 8L, 64L, 196L, 8L);
 * }</pre>
 */
public final class CudaModules {
    /** Classpath folder of the fatbins. */
    public static final String RESOURCE_FOLDER = "/dev/saccade/native/";
    /** Classpath resource listing "{@code <file>.fatbin <kernel> <kernel> ...}" per line. */
    public static final String INDEX = RESOURCE_FOLDER + "kernels.index";
    /** Classpath resource with the CUDA version the fatbins were built with, as {@code cuDriverGetVersion} numbers it. */
    public static final String TOOLKIT_VERSION = RESOURCE_FOLDER + "toolkit.version";
    /**
     * System property of the debug mode: {@code -Dsaccade.cuda.sync=true} synchronises the context after every launch,
     * so that a kernel's execution error is raised by its own launch, naming the kernel and its grid.
     */
    public static final String SYNC_PROPERTY = "saccade.cuda.sync";

    private static final boolean SYNC = Boolean.getBoolean(SYNC_PROPERTY);
    private static volatile String lastLaunched = "(none)";

    private static volatile Map<String, String> kernelToFile;
    private static final Map<String, MemorySegment> MODULES = new ConcurrentHashMap<>();
    private static final Map<String, MemorySegment> FUNCTIONS = new ConcurrentHashMap<>();

    private CudaModules() {}

    /** Kernel name → fatbin file name, read from {@link #INDEX}. */
    public static Map<String, String> index() {
        Map<String, String> m = kernelToFile;
        if (m == null) {
            synchronized (CudaModules.class) {
                if (kernelToFile == null) kernelToFile = readIndex();
                m = kernelToFile;
            }
        }
        return m;
    }

    private static Map<String, String> readIndex() {
        try (InputStream in = resource(INDEX)) {
            if (in == null) throw new IllegalStateException("classpath resource " + INDEX
                    + " is missing: is module saccade-native on the classpath?");
            Map<String, String> map = new LinkedHashMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                String[] parts = line.trim().split("\\s+");
                if (!parts[0].endsWith(".fatbin"))
                    throw new IllegalStateException(INDEX + " line " + lineNo + ": expected '<file>.fatbin <kernels>', got: " + line);
                for (int i = 1; i < parts.length; i++) map.put(parts[i], parts[0]);
            }
            return Collections.unmodifiableMap(map);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + INDEX, e);
        }
    }

    /** The raw bytes of a fatbin resource, e.g. {@code readFatbin("temporal_shift.fatbin")}. */
    public static byte[] readFatbin(String file) {
        String path = RESOURCE_FOLDER + file;
        try (InputStream in = resource(path)) {
            if (in == null) throw new IllegalStateException("classpath resource " + path + " is missing");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /**
     * The CUDA version the fatbins need: the toolkit's, from {@link #TOOLKIT_VERSION} (e.g. 13000 for CUDA 13.0), which
     * the driver must support to load their SASS and JIT their PTX.
     */
    public static int requiredDriverVersion() {
        try (InputStream in = resource(TOOLKIT_VERSION)) {
            if (in == null) throw new IllegalStateException("classpath resource " + TOOLKIT_VERSION
                    + " is missing: is module saccade-native on the classpath?");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalStateException(TOOLKIT_VERSION + ": expected a version number such as 13000, got '" + text + "'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TOOLKIT_VERSION, e);
        }
    }

    /**
     * Loads every fatbin into the current context (called once at start-up by {@link Cuda}, so that a module that
     * cannot load makes CUDA unavailable with the reason, rather than failing in the middle of a step, and so that no
     * module load competes with tensors for device memory later).
     */
    static void loadAll(CudaDriver driver) {
        for (String file : new java.util.TreeSet<>(index().values())) module(file, driver);
    }

    private static MemorySegment module(String file, CudaDriver driver) {
        return MODULES.computeIfAbsent(file, f -> {
            byte[] image = readFatbin(f);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(image.length + 1L, 16);  // 16-byte aligned copy of the image
                host.copyFrom(MemorySegment.ofArray(image));
                return CollectAndRetry.run(() -> driver.moduleLoadData(host));
            }
        });
    }

    /**
     * The CUfunction of one of our kernels.
     *
     * @throws IllegalArgumentException when no fatbin declares {@code name}
     */
    public static MemorySegment function(String name) {
        MemorySegment f = FUNCTIONS.get(name);
        if (f != null) return f;
        String file = index().get(name);
        if (file == null) throw new IllegalArgumentException("no CUDA kernel named '" + name + "' in " + INDEX);
        return FUNCTIONS.computeIfAbsent(name, n -> Cuda.driver().moduleGetFunction(module(file, Cuda.driver()), n));
    }

    /** Launches kernel {@code name} on the default stream; see the class comment for argument types. */
    public static void launch(String name, LaunchConfig config, Object... args) {
        launch(name, config, MemorySegment.NULL, args);
    }

    /** Launches kernel {@code name} on {@code stream}. */
    public static void launch(String name, LaunchConfig config, MemorySegment stream, Object... args) {
        launchOn(Cuda.driver(), function(name), name, config, stream, SYNC, args);
    }

    /**
     * Packs the arguments and launches {@code function} through {@code driver}; with {@code sync} waits for it and
     * turns an execution failure into a {@link CudaException} naming the kernel and its launch configuration.
     */
    static void launchOn(CudaDriver driver, MemorySegment function, String name, LaunchConfig config, MemorySegment stream,
                         boolean sync, Object... args) {
        lastLaunched = name;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(ADDRESS, Math.max(1, args.length));  // void*[args]
            for (int i = 0; i < args.length; i++) params.setAtIndex(ADDRESS, i, argument(arena, name, i, args[i]));
            driver.launchKernel(function, config.gridX(), config.gridY(), config.gridZ(), config.blockX(),
                    config.blockY(), config.blockZ(), config.sharedBytes(), stream, params);
            if (sync) {
                try {
                    driver.ctxSynchronize();
                } catch (CudaException e) {
                    throw new CudaException("kernel " + name + " (grid " + config.gridX() + "×" + config.gridY() + "×"
                            + config.gridZ() + ", block " + config.blockX() + "×" + config.blockY() + "×" + config.blockZ()
                            + ")", e.status(), e.errorName());
                }
            }
        } finally {
            Reference.reachabilityFence(args);
        }
    }

    /** The name of the kernel queued last (named in asynchronous error messages). */
    static String lastLaunched() { return lastLaunched; }

    /** Packs one kernel argument into host memory owned by {@code arena}; returns a pointer to its value. */
    static MemorySegment argument(Arena arena, String kernel, int index, Object arg) {
        return switch (arg) {
            case Long v -> arena.allocateFrom(JAVA_LONG, v);
            case Integer v -> arena.allocateFrom(JAVA_INT, v);
            case Float v -> arena.allocateFrom(JAVA_FLOAT, v);
            case Double v -> arena.allocateFrom(JAVA_DOUBLE, v);
            case DeviceBuffer b -> arena.allocateFrom(JAVA_LONG, b.address());
            case Tensor t -> arena.allocateFrom(JAVA_LONG, CudaTensors.address(t));
            case KernelStruct s -> {
                MemorySegment bytes = arena.allocate(s.byteSize(), 8);
                s.writeTo(bytes);
                yield bytes;
            }
            case null -> throw new IllegalArgumentException("kernel " + kernel + " argument " + index
                    + " is null (pass 0L for a null device pointer)");
            default -> throw new IllegalArgumentException("kernel " + kernel + " argument " + index + " has type "
                    + arg.getClass().getName() + "; expected Long, Integer, Float, Double, DeviceBuffer, Tensor or KernelStruct");
        };
    }

    /**
     * A resource of saccade-native by its absolute path. Read through the class loader, not {@code Class}: on the
     * module path {@code Class.getResourceAsStream} searches only this jar, while the fatbins ship in saccade-native.
     */
    private static InputStream resource(String absolutePath) {
        ClassLoader loader = CudaModules.class.getClassLoader();
        return loader == null ? ClassLoader.getSystemResourceAsStream(absolutePath.substring(1)) : loader.getResourceAsStream(absolutePath.substring(1));
    }
}
