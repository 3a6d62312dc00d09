package dev.saccade.models.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.nn.Module;
import dev.saccade.nn.io.ArrayDType;
import dev.saccade.nn.io.PthReader;
import dev.saccade.nn.io.RawArray;
import dev.saccade.tensor.Tensor;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Golden files written by scripts/make_attention_goldens.py, read with PthReader, compared by relative error. */
final class Goldens {
    static final double RTOL = 1e-4;

    private Goldens() {}

    /** The tensors of {@code goldens/attention/<file>}. */
    static Map<String, Tensor> load(String file) {
        URL url = Goldens.class.getResource("/goldens/attention/" + file);
        assertNotNull(url, "missing golden file goldens/attention/" + file + " (run scripts/make_attention_goldens.py)");
        try {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (var e : PthReader.readStateDict(Path.of(url.toURI())).entrySet()) out.put(e.getKey(), tensor(e.getValue()));
            return out;
        } catch (Exception e) {
            throw new AssertionError("cannot read golden " + file + ": " + e.getMessage(), e);
        }
    }

    /** RawArray → Tensor: floating arrays as F32, integer ones as I64. */
    static Tensor tensor(RawArray a) {
        int[] shape = a.shape();
        if (a.dtype() == ArrayDType.I64 || a.dtype() == ArrayDType.I32) return Tensor.of(a.toLongs(), shape);
        return Tensor.of(a.toFloats(), shape);
    }

    /** The golden tensor named {@code key}; a failure naming the file's keys when absent. */
    static Tensor get(Map<String, Tensor> io, String key) {
        Tensor t = io.get(key);
        assertNotNull(t, "golden has no '" + key + "'; keys " + io.keySet());
        return t;
    }

    /** max |actual − expected| / max |expected| ≤ RTOL; prints the figures. */
    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertNotNull(actual, what + ": no value (gradient not computed?)");
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < e.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - e[i]));
            maxRef = Math.max(maxRef, Math.abs(e[i]));
        }
        double rel = maxDiff / Math.max(maxRef, 1e-30);
        System.out.printf("%-48s max|diff| %.3g  max|ref| %.3g  rel %.3g%n", what, maxDiff, maxRef, rel);
        assertTrue(maxRef > 0 || maxDiff == 0, what + ": reference is all zero");
        assertTrue(rel <= RTOL, what + ": relative error " + rel + " > " + RTOL);
    }

    /** Loads {@code <case>.weights.pth} into {@code m} strictly (every name must match). */
    static void loadWeights(Module m, String caseName) {
        m.loadStateDict(load(caseName + ".weights.pth"), true);
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.toDoubleArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    /**
     * Compares every parameter's gradient with {@code grad.<name>} of the golden. A gradient that is zero in exact
     * arithmetic (e.g. the Non-local phi/g biases: a per-row constant added before a softmax, or before train-mode
     * BN, changes nothing) is float noise in both, so when its reference is below 1e-5 of the largest gradient of
     * the case both must stay below that bound instead of agreeing relatively.
     */
    static void assertParamGrads(String caseName, Module m, Map<String, Tensor> io) {
        double scale = 0;
        for (var e : io.entrySet()) if (e.getKey().startsWith("grad.")) scale = Math.max(scale, maxAbs(e.getValue()));
        double zeroBound = 1e-5 * scale;
        int checked = 0;
        for (var e : m.namedParameters().entrySet()) {
            Tensor ref = io.get("grad." + e.getKey());
            if (ref == null) continue;
            Tensor mine = e.getValue().grad();
            if (maxAbs(ref) < zeroBound) {
                assertNotNull(mine, caseName + " grad " + e.getKey() + ": not computed");
                System.out.printf("%-48s ≈0: max|mine| %.3g  max|ref| %.3g  bound %.3g%n", caseName + " grad " + e.getKey(), maxAbs(mine), maxAbs(ref), zeroBound);
                assertTrue(maxAbs(mine) < zeroBound, caseName + " grad " + e.getKey() + " should be ≈0, is " + maxAbs(mine));
            } else {
                assertClose(caseName + " grad " + e.getKey(), ref, mine);
            }
            checked++;
        }
        long expected = io.keySet().stream().filter(k -> k.startsWith("grad.") && !k.equals("grad.input") && !k.startsWith("grad.mask")).count();
        assertEquals(expected, checked, caseName + ": parameter gradients compared");
        assertTrue(checked > 0, caseName + ": no parameter gradients in the golden");
    }
}
