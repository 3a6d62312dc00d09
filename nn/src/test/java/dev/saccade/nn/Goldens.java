package dev.saccade.nn;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.saccade.nn.checkpoint.Checkpoints;
import dev.saccade.nn.io.Npy;
import dev.saccade.nn.io.RawArray;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.testing.Tolerance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/**
 * One PyTorch golden case: an {@code .npz} under {@code src/test/resources/goldens/nn/} written by
 * {@code scripts/make_nn_goldens.py}.
 *
 * <pre>{@code
 * Goldens g = Goldens.load("linear");
 * Tolerance.assertClose("y", g.floats("y"), y.toFloatArray(), Goldens.ATOL, Goldens.RTOL);
 * }</pre>
 */
public final class Goldens {
    /** Tolerances for F32 results compared with PyTorch's F32 results. */
    public static final double ATOL = 1e-5, RTOL = 1e-5;

    private final String name;
    private final Map<String, RawArray> arrays;

    private Goldens(String name, Map<String, RawArray> arrays) {
        this.name = name;
        this.arrays = arrays;
    }

    /** The golden case {@code name} ({@code <name>.npz}). */
    public static Goldens load(String name) {
        try {
            return new Goldens(name, Npy.readNpz(path(name + ".npz")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of a golden resource file, e.g. {@code sequential.pth}. */
    public static Path path(String file) {
        URL url = Goldens.class.getResource("/goldens/nn/" + file);
        assertNotNull(url, "missing test resource goldens/nn/" + file + "; run scripts/make_nn_goldens.py");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public RawArray raw(String key) {
        RawArray a = arrays.get(key);
        assertNotNull(a, name + ".npz has no entry '" + key + "' (has " + arrays.keySet() + ")");
        return a;
    }

    public boolean has(String key) { return arrays.containsKey(key); }
    public Tensor tensor(String key) { return Checkpoints.toTensor(raw(key)); }
    public float[] floats(String key) { return raw(key).toFloats(); }
    public double scalar(String key) { return raw(key).toDoubles()[0]; }
    public int integer(String key) { return (int) raw(key).toLongs()[0]; }

    /** Asserts {@code actual} matches entry {@code key} to {@link #ATOL}/{@link #RTOL}, printing the max difference. */
    public void assertMatches(String key, Tensor actual) {
        assertMatches(key, actual, ATOL, RTOL);
    }

    public void assertMatches(String key, Tensor actual, double atol, double rtol) {
        assertNotNull(actual, name + "/" + key + ": the tensor to compare is null");
        RawArray expected = raw(key);
        if (!java.util.Arrays.equals(expected.shape(), actual.shape().toArray())) {
            throw new AssertionError(name + "/" + key + ": shape " + actual.shape() + ", expected " + java.util.Arrays.toString(expected.shape()));
        }
        Tolerance.assertClose(name + "/" + key, expected.toDoubles(), actual.toDoubleArray(), atol, rtol);
    }
}
