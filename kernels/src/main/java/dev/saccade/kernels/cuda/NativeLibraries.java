package dev.saccade.kernels.cuda;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the CUDA shared libraries and their functions at run time (binding by name survives CUDA majors).
 *
 * <p>Search order for a library file name: each folder of the system property {@code saccade.cuda.libPath}
 * (path-separator list), then each folder of {@code LD_LIBRARY_PATH}, then the platform loader's default lookup
 * ({@code dlopen(name)}: ld.so.cache, RUNPATH...).
 *
 * <pre>{@code
 * SymbolLookup cuda = NativeLibraries.load("libcuda.so.1");
 * MethodHandle cuInit = NativeLibraries.downcall(cuda, "libcuda.so.1", "cuInit",
 *         FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
 * }</pre>
 */
public final class NativeLibraries {
    /** System property naming extra folders (path-separator list) searched before {@code LD_LIBRARY_PATH}. */
    public static final String LIB_PATH_PROPERTY = "saccade.cuda.libPath";

    private static final Linker LINKER = Linker.nativeLinker();

    private NativeLibraries() {}

    /** Folders searched before the default loader lookup, in order. */
    public static List<Path> searchFolders() {
        List<Path> folders = new ArrayList<>();
        for (String list : new String[] {System.getProperty(LIB_PATH_PROPERTY), System.getenv("LD_LIBRARY_PATH")}) {
            if (list == null || list.isBlank()) continue;
            for (String entry : list.split(File.pathSeparator)) {
                if (!entry.isBlank()) folders.add(Path.of(entry.trim()));
            }
        }
        return folders;
    }

    /**
     * Loads the first of {@code names} that can be found (e.g. {@code libcublas.so.13}, then {@code .12}).
     *
     * @throws CudaException naming every library and folder tried when none loads
     */
    public static SymbolLookup load(String... names) {
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            for (Path folder : searchFolders()) {
                Path file = folder.resolve(name);
                if (!Files.isRegularFile(file)) continue;
                try {
                    return SymbolLookup.libraryLookup(file, Arena.global());
                } catch (IllegalArgumentException e) {
                    failures.add(file + ": " + e.getMessage());
                }
            }
            try {
                return SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                failures.add(name + " (default loader): " + e.getMessage());
            }
        }
        throw new CudaException("cannot load " + String.join(" or ", names) + "; searched " + searchFolders()
                + " (-D" + LIB_PATH_PROPERTY + ", LD_LIBRARY_PATH) and the default loader: " + failures, null);
    }

    /**
     * A downcall handle for {@code symbol} in {@code library}.
     *
     * @throws CudaException naming the library and the symbol when it is missing
     */
    public static MethodHandle downcall(SymbolLookup library, String libraryName, String symbol,
                                        FunctionDescriptor descriptor) {
        MemorySegment address = library.find(symbol).orElseThrow(() ->
                new CudaException(libraryName + " has no symbol " + symbol, null));
        return LINKER.downcallHandle(address, descriptor);
    }

    /** A downcall handle for the first of {@code symbols} present, or empty when none is. */
    public static Optional<MethodHandle> optionalDowncall(SymbolLookup library, FunctionDescriptor descriptor,
                                                          String... symbols) {
        for (String symbol : symbols) {
            Optional<MemorySegment> address = library.find(symbol);
            if (address.isPresent()) return Optional.of(LINKER.downcallHandle(address.get(), descriptor));
        }
        return Optional.empty();
    }

    /** Reads a NUL-terminated C string at {@code address} (at most 4096 bytes); "" for NULL. */
    static String cString(MemorySegment address) {
        if (address == null || address.equals(MemorySegment.NULL)) return "";
        return address.reinterpret(4096).getString(0);
    }

    /** Turns a Throwable escaping {@code invokeExact} into an unchecked exception. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
