package dev.saccade.nn.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saccade.nn.io.Npy;
import dev.saccade.nn.io.RawArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One PyTorch golden case written by {@code scripts/make_op_goldens.py}: an entry of
 * {@code goldens/ops/cases.json} and the folder of {@code .npy} files beside it (inputs, {@code out},
 * {@code grad_out}, {@code grad_<input>} and any extra outputs).
 *
 * <pre>{@code
 * GoldenCase c = GoldenCase.all().get(0);        // e.g. "unary_neg"
 * RawArray x = c.array("x");                     // (3, 37) F32
 * }</pre>
 *
 * @param name          folder name, unique
 * @param op            the op family (see {@link SaccadeCalls})
 * @param params        op parameters in PyTorch's terms
 * @param inputs        input file names, in call order
 * @param grads         inputs with a stored gradient {@code grad_<input>.npy}
 * @param extraOutputs  side outputs compared after the forward (e.g. updated running statistics)
 * @param stridedInputs inputs fed to saccade as non-contiguous views of the same values
 * @param atol          absolute tolerance
 * @param rtol          relative tolerance
 * @param knownBug      a description when the case is known to disagree with PyTorch, else null
 */
record GoldenCase(String name, String op, JsonNode params, List<String> inputs, List<String> grads,
                  List<String> extraOutputs, List<String> stridedInputs, double atol, double rtol, String knownBug,
                  Path folder) {
    static final String ROOT = "/goldens/ops";
    static final double DEFAULT_ATOL = 1e-5, DEFAULT_RTOL = 1e-4;

    private static List<GoldenCase> cached;

    /** Every case of {@code cases.json}, in file order. */
    static synchronized List<GoldenCase> all() {
        if (cached == null) cached = load();
        return cached;
    }

    /** The folder of the golden files on the test class path. */
    static Path rootFolder() {
        URL url = GoldenCase.class.getResource(ROOT + "/cases.json");
        if (url == null) throw new IllegalStateException("missing test resource goldens/ops/cases.json; run scripts/make_op_goldens.py");
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("goldens/ops is not a folder: " + url, e);
        }
    }

    private static List<GoldenCase> load() {
        Path root = rootFolder();
        JsonNode json;
        try (InputStream in = Files.newInputStream(root.resolve("cases.json"))) {
            json = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root.resolve("cases.json"), e);
        }
        JsonNode cases = json.get("cases");
        if (cases == null || !cases.isArray()) throw new IllegalStateException(root.resolve("cases.json") + ": field 'cases' must be an array");
        List<GoldenCase> out = new ArrayList<>();
        for (JsonNode c : cases) out.add(parse(c, root));
        return List.copyOf(out);
    }

    private static GoldenCase parse(JsonNode c, Path root) {
        String name = text(c, "name", null);
        JsonNode tol = c.get("tol");
        return new GoldenCase(name, text(c, "op", name), c.path("params"), strings(c, "inputs", name), strings(c, "grads", name),
                strings(c, "extra_outputs", name), strings(c, "strided_inputs", name),
                tol == null ? DEFAULT_ATOL : tol.path("atol").asDouble(DEFAULT_ATOL),
                tol == null ? DEFAULT_RTOL : tol.path("rtol").asDouble(DEFAULT_RTOL),
                c.hasNonNull("knownBug") ? c.get("knownBug").asText() : null, root.resolve(name));
    }

    private static String text(JsonNode c, String field, String caseName) {
        JsonNode n = c.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalStateException("cases.json" + (caseName == null ? "" : " case '" + caseName + "'") + ": field '" + field + "' must be a string");
        }
        return n.asText();
    }

    private static List<String> strings(JsonNode c, String field, String caseName) {
        JsonNode n = c.get(field);
        if (n == null) return List.of();
        if (!n.isArray()) throw new IllegalStateException("cases.json case '" + caseName + "': field '" + field + "' must be an array");
        List<String> out = new ArrayList<>();
        for (JsonNode s : n) out.add(s.asText());
        return List.copyOf(out);
    }

    /** Reads {@code <folder>/<file>.npy}. */
    RawArray array(String file) {
        try {
            return Npy.read(folder.resolve(file + ".npy"));
        } catch (IOException e) {
            throw new UncheckedIOException("case '" + name + "': cannot read " + file + ".npy", e);
        }
    }

    /** An int parameter. */
    int intParam(String key) { return param(key).asInt(); }
    double doubleParam(String key) { return param(key).asDouble(); }
    boolean boolParam(String key) { return param(key).asBoolean(); }
    String stringParam(String key) { return param(key).asText(); }

    /** An int-array parameter. */
    int[] intsParam(String key) {
        JsonNode n = param(key);
        if (!n.isArray()) throw new IllegalStateException("case '" + name + "': parameter '" + key + "' must be an array, got " + n);
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get(i).asInt();
        return out;
    }

    boolean hasParam(String key) { return params.has(key); }

    private JsonNode param(String key) {
        JsonNode n = params.get(key);
        if (n == null) throw new IllegalStateException("case '" + name + "' (op " + op + "): missing parameter '" + key + "' in " + params);
        return n;
    }

    @Override public String toString() { return name; }
}
