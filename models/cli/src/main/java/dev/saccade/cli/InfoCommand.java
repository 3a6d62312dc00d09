package dev.saccade.cli;

import dev.saccade.kernels.cpu.CpuThreads;
import dev.saccade.kernels.cuda.Cublas;
import dev.saccade.kernels.cuda.Cuda;
import dev.saccade.kernels.cuda.Cudnn;
import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Backends;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code saccade info}: the backends found and which one is the default, the JVM, the Vector API's preferred float
 * species, the CPU worker count, and for CUDA the GPU (name, memory, compute capability, SMs) with the driver, cuBLAS
 * and cuDNN versions, or why CUDA is unavailable. Never fails for lack of a GPU.
 *
 * <pre>{@code
 * $ saccade info
 * backends:      cpu (priority 0, available), cuda (priority 10, unavailable: cannot load libcuda.so.1 ...)
 * default:       cpu
 * }</pre>
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the compute backends, the JVM and SIMD setup, and the GPU (or why there is none).")
public final class InfoCommand implements Callable<Integer> {
    private final PrintStream out;

    public InfoCommand() { this(System.out); }

    /** A command that prints to {@code out} (tests). */
    public InfoCommand(PrintStream out) { this.out = out; }

    @Override
    public Integer call() {
        StringBuilder list = new StringBuilder();
        for (Backend b : Backends.all()) {
            if (!list.isEmpty()) list.append(", ");
            list.append(b.name()).append(" (priority ").append(b.priority()).append(", ")
                    .append(b.isAvailable() ? "available" : "unavailable: " + b.unavailableReason()).append(')');
        }
        line("backends", list.toString());
        String def;
        try { def = Backends.defaultDevice().toString(); } catch (RuntimeException e) { def = "none: " + e.getMessage(); }
        line("default", def + (System.getProperty("saccade.device") != null ? " (from -Dsaccade.device)" : ""));
        line("jvm", System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("os.arch") + ")");
        line("vector api", FloatVector.SPECIES_PREFERRED + " (" + FloatVector.SPECIES_PREFERRED.length() + " floats)");
        line("cpu threads", CpuThreads.threads() + " (of " + Runtime.getRuntime().availableProcessors() + " processors; -Dsaccade.threads)");
        if (!Cuda.available()) {
            line("cuda", "unavailable: " + Cuda.unavailableReason());
            return 0;
        }
        line("cuda", "available");
        line("gpu", Cuda.deviceName());
        line("gpu memory", Cuda.totalMemory() / (1L << 20) + " MiB");
        line("compute capability", (Cuda.computeCapability() / 10) + "." + (Cuda.computeCapability() % 10) + " (" + Cuda.multiprocessors() + " SMs)");
        line("driver cuda", Cuda.driverVersionString());
        line("cublas", cublasVersion());
        line("cudnn", cudnnVersion());
        return 0;
    }

    private void line(String key, String value) { out.printf("%-19s %s%n", key + ":", value); }

    private static String cublasVersion() {
        try {
            Cublas blas = Cublas.load();
            MemorySegment h = blas.create();
            int v = blas.version(h);
            blas.destroy(h);
            return (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100) + " (" + blas.library() + ")";
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    private static String cudnnVersion() {
        try {
            long v = Cudnn.load().version();
            return (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100);
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    /** Runs {@code info} on its own (the top-level {@code saccade} command registers it as a subcommand). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new InfoCommand()).execute(args));
    }
}
