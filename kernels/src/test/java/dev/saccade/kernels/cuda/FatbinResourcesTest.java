package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.UnaryOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The fatbins shipped by module native are on the classpath, well-formed, and cover every kernel. */
class FatbinResourcesTest {
    /** fatbinary.h: FATBIN_CONTROL_SECTION magic, little-endian at offset 0. */
    private static final int FATBIN_MAGIC = 0xBA55ED50;

    @Test
    void everyIndexedFatbinStartsWithTheMagicNumber() {
        Set<String> files = new HashSet<>(CudaModules.index().values());
        assertTrue(files.size() >= 10, "fatbins listed in kernels.index: " + files);
        for (String file : files) {
            byte[] bytes = CudaModules.readFatbin(file);
            assertTrue(bytes.length > 64, file + " is too small: " + bytes.length + " bytes");
            int magic = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            assertEquals(FATBIN_MAGIC, magic, file + " magic 0x" + Integer.toHexString(magic));
        }
    }

    @Test
    void everyOpOfTheSharedRegistryHasItsKernels() {
        Map<String, String> index = CudaModules.index();
        for (KernelDType dt : KernelDType.values()) {
            for (UnaryOp op : UnaryOp.values()) {
                String fwd = ElementwiseKernels.unaryKernel(op, dt), bwd = ElementwiseKernels.unaryBackwardKernel(op, dt);
                assertTrue(index.containsKey(fwd), "UnaryOp." + op + ": kernel " + fwd + " missing from kernels.index");
                assertTrue(index.containsKey(bwd), "UnaryOp." + op + ": kernel " + bwd + " missing from kernels.index");
                assertEquals(index.get(fwd), index.get(bwd), op + ": forward and backward live in one file");
            }
            for (BinaryOp op : BinaryOp.values())
                assertTrue(index.containsKey(ElementwiseKernels.binaryKernel(op, dt)), "BinaryOp." + op + ": kernel missing");
        }
        List<String> ops = List.of("softmax", "log_softmax", "gather", "temporal_shift", "frame_diff_m2a", "frame_diff_me",
                "max_pool", "avg_pool", "adaptive_avg_pool");
        for (String op : ops) {
            for (String dt : List.of("f32", "f64")) {
                String fwd = op + "_" + dt, bwd = op + "_backward_" + dt;
                assertTrue(index.containsKey(fwd), "kernel " + fwd + " missing from kernels.index");
                assertTrue(index.containsKey(bwd), "kernel " + bwd + " missing from kernels.index");
                assertEquals(index.get(fwd), index.get(bwd), op + ": forward and backward live in one file");
            }
        }
        // the fused inference ops: one file per op family, every stage in it
        Map<String, List<String>> fused = Map.of(
                "motion_attention.fatbin", List.of("motion_attention_stats", "motion_attention_softmax",
                        "motion_attention_scores_t4", "motion_attention_scores_t8", "motion_attention_scores_t16",
                        "motion_attention_output_t4", "motion_attention_output_t8", "motion_attention_output_t16"),
                "pooled_temporal_conv.fatbin", List.of("pooled_temporal_conv", "pooled_temporal_conv_spatial"));
        for (var file : fused.entrySet())
            for (String op : file.getValue())
                for (String dt : List.of("f32", "f64"))
                    assertEquals(file.getKey(), index.get(op + "_" + dt), "kernel " + op + "_" + dt + " in kernels.index");
        for (String dt : List.of("f32", "f64")) {   // index_select's backward is the deterministic index_add
            assertTrue(index.containsKey("index_select_" + dt) && index.containsKey("index_add_" + dt), "index_select / index_add " + dt);
            assertEquals(index.get("index_select_" + dt), index.get("index_add_" + dt));
        }
    }

    /**
     * No kernel ships that nothing launches: every kernel in kernels.index is named by an op of the shared registry
     * ({@link UnaryOp}, {@link BinaryOp}) or by a string in the CUDA backend's sources (base name without the dtype
     * suffix, e.g. {@code "max_pool"}, {@code "convert_"}).
     */
    @Test
    void everyShippedKernelIsLaunched() throws IOException {
        Path sources = Path.of("src", "main", "java", "dev", "saccade", "kernels", "cuda");
        if (!Files.isDirectory(sources)) return;  // running outside the source tree (e.g. from a jar)
        Set<String> launched = new HashSet<>();
        for (UnaryOp op : UnaryOp.values()) { launched.add(op.kernelName()); launched.add(op.kernelName() + "_backward"); }
        for (BinaryOp op : BinaryOp.values()) launched.add(op.kernelName());
        try (Stream<Path> files = Files.list(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = Pattern.compile("\"([a-z0-9_]+)\"").matcher(Files.readString(f));
                while (m.find()) launched.add(m.group(1));
            }
        }
        List<String> unused = new ArrayList<>();
        for (String kernel : CudaModules.index().keySet()) {
            String base = kernel.startsWith("convert_") ? "convert_" : kernel.startsWith("fill_") ? "fill_"
                    : kernel.replaceAll("_(f32|f64|i32|i64)$", "");
            if (!launched.contains(base)) unused.add(kernel);
        }
        assertTrue(unused.isEmpty(), "kernels no Java code launches: " + unused);
    }

    @Test
    void everyCudaSourceHasAFatbin() throws IOException {
        Path sources = Path.of("..", "native", "src", "main", "cuda");
        if (!Files.isDirectory(sources)) return;  // running outside the source tree (e.g. from a jar)
        Set<String> files = new HashSet<>(CudaModules.index().values());
        try (Stream<Path> cu = Files.list(sources)) {
            for (Path p : cu.filter(f -> f.toString().endsWith(".cu")).toList()) {
                String fatbin = p.getFileName().toString().replace(".cu", ".fatbin");
                assertTrue(files.contains(fatbin), p + " has no " + fatbin + " in kernels.index: run native/build.sh");
            }
        }
    }
}
