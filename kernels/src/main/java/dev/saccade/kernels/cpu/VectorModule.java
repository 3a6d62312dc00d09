package dev.saccade.kernels.cpu;

/**
 * Whether the JVM was started with the Vector API module, which every CPU kernel needs. Without
 * {@code --add-modules jdk.incubator.vector} the first kernel dies with a bare {@code NoClassDefFoundError}; entry
 * points call {@link #require} first so that the user reads which flag to add instead.
 *
 * <pre>{@code
 * VectorModule.require("VideoClassifier");   // throws IllegalStateException naming the flag when it is missing
 * }</pre>
 */
public final class VectorModule {
    /** The module's name, as given to {@code --add-modules}. */
    public static final String NAME = "jdk.incubator.vector";

    private VectorModule() {}

    /** True when {@code jdk.incubator.vector} is in the boot layer. */
    public static boolean present() {
        return ModuleLayer.boot().findModule(NAME).isPresent();
    }

    /** Throws, naming the JVM flags to add, when the module is missing; {@code who} names the caller in the message. */
    public static void require(String who) {
        if (!present()) {
            throw new IllegalStateException(who + " needs the Vector API: start the JVM with --add-modules " + NAME
                    + " (and --enable-native-access=ALL-UNNAMED for the CUDA backend), e.g. java --add-modules " + NAME
                    + " -jar app.jar; with Maven Surefire or exec, put the flag in argLine / jvmArgs");
        }
    }
}
