package dev.saccade.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ONNX Runtime's own per-node profile of an exported model ({@code SessionOptions.enableProfiling}), the peer's side
 * of a layer-by-layer comparison: all optimisations on, 2 intra-op threads, 20 untimed runs then 20 timed; prints the
 * median kernel time per node over the timed runs, the sum per operator type and the total. Needs the {@code peers}
 * profile (ONNX Runtime Java) and an exported file (see {@link PeerFiles}).
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.saccade.jmh.OrtNodeProfile jmh/target/onnx/tsm-mobilenetv2_b1.onnx
 * </pre>
 * {@code -Dtop=N} lists the N slowest nodes (default 25; 200 lists every convolution of TSM-MobileNetV2).
 */
public final class OrtNodeProfile {
    private static final Pattern DUR = Pattern.compile("\"dur\"\\s*:\\s*(\\d+)");
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)_kernel_time\"");
    private static final Pattern OP = Pattern.compile("\"op_name\"\\s*:\\s*\"([^\"]+)\"");
    private static final int WARMUP = 20, RUNS = 20;

    private OrtNodeProfile() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: OrtNodeProfile MODEL.onnx");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path prefix = Files.createTempDirectory("ort-profile").resolve("profile");
        Path profile;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.enableProfiling(prefix.toString());
            try (OrtSession session = env.createSession(args[0], options)) {
                String input = session.getInputNames().iterator().next();
                long[] shape = ((TensorInfo) session.getInputInfo().get(input).getInfo()).getShape();
                int n = 1;
                for (long d : shape) n = Math.multiplyExact(n, (int) d);
                float[] x = new float[n];
                Random r = new Random(1);
                for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
                    for (int i = 0; i < WARMUP + RUNS; i++) session.run(Map.of(input, t)).close();
                }
                profile = Path.of(session.endProfiling());
            }
        }
        // kernel time of each node, in run order: the last RUNS occurrences of each name are the timed runs
        Map<String, List<Long>> perNode = new HashMap<>();
        Map<String, String> opOf = new HashMap<>();
        for (String event : Files.readString(profile).split("\\{\"cat\"")) {      // one trace event each
            if (!event.replace(" ", "").startsWith(":\"Node\"")) continue;
            Matcher d = DUR.matcher(event), name = NAME.matcher(event), op = OP.matcher(event);
            if (!d.find() || !name.find() || !op.find()) continue;
            perNode.computeIfAbsent(name.group(1), k -> new ArrayList<>()).add(Long.parseLong(d.group(1)));
            opOf.put(name.group(1), op.group(1));
        }
        Map<String, Double> perOp = new TreeMap<>();
        List<Map.Entry<String, Double>> nodes = new ArrayList<>();
        double total = 0;
        for (var e : perNode.entrySet()) {
            List<Long> d = e.getValue().subList(Math.max(0, e.getValue().size() - RUNS), e.getValue().size());
            List<Long> sorted = new ArrayList<>(d);
            sorted.sort(null);
            double ms = sorted.get(sorted.size() / 2) / 1000.0;
            total += ms;
            perOp.merge(opOf.get(e.getKey()), ms, Double::sum);
            nodes.add(Map.entry(e.getKey(), ms));
        }
        nodes.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        System.out.printf("%s: %d nodes, sum of per-node medians %.2f ms (profile %s)%n", args[0], nodes.size(), total, profile);
        perOp.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> System.out.printf("  %-22s %7.2f ms%n", e.getKey(), e.getValue()));
        for (var e : nodes.subList(0, Math.min(Integer.getInteger("top", 25), nodes.size()))) System.out.printf("  %7.3f ms  %s%n", e.getValue(), e.getKey());
    }
}
