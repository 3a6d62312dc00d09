package dev.saccade.nn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.saccade.kernels.cpu.Simd;
import dev.saccade.nn.io.ArrayDType;
import dev.saccade.nn.io.RawArray;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity of every tensor op with PyTorch: for each case of {@code goldens/ops/cases.json} (written by
 * {@code scripts/make_op_goldens.py}) runs the saccade op forward and backward on the CPU backend in F32, with the
 * Vector API kernels and again with their scalar twins, and compares the output, side outputs and the gradient of
 * every differentiable input with PyTorch's.
 *
 * <p>A case marked {@code knownBug} in the index documents a disagreement that is not fixed yet: it must still
 * disagree, so that fixing the op makes this test ask for the mark to be removed.
 */
class OpParityTest {

    @AfterEach void restoreSimd() { Simd.setEnabled(true); }

    static Stream<Arguments> cases() {
        return GoldenCase.all().stream().flatMap(c -> Stream.of(Arguments.of(c, true), Arguments.of(c, false)));
    }

    @ParameterizedTest(name = "{0} simd={1}")
    @MethodSource("cases")
    void matchesPyTorch(GoldenCase c, boolean simd) {
        Simd.setEnabled(simd);
        System.out.println(c.name() + " (" + c.op() + " " + c.params() + ", simd=" + simd + ")");
        List<String> problems;
        try {
            problems = run(c);
        } catch (RuntimeException e) {
            if (c.knownBug() == null) throw new AssertionError("case '" + c.name() + "' (simd=" + simd + ") threw " + e, e);
            problems = List.of("threw " + e);
        }
        if (c.knownBug() == null) {
            if (!problems.isEmpty()) fail("case '" + c.name() + "' (simd=" + simd + ") differs from PyTorch:\n  " + String.join("\n  ", problems));
        } else {
            if (problems.isEmpty()) {
                fail("case '" + c.name() + "' is marked knownBug (" + c.knownBug() + ") but now matches PyTorch: "
                        + "remove its entry from KNOWN_BUGS in scripts/make_op_goldens.py and regenerate");
            }
            System.out.println("  known bug still present: " + c.knownBug());
        }
    }

    /** Runs case {@code c}; returns the mismatches (empty when everything matches). */
    private static List<String> run(GoldenCase c) {
        Map<String, Tensor> leaves = new HashMap<>(), inputs = new HashMap<>();
        for (String name : c.inputs()) {
            Tensor t = toTensor(c, name, c.array(name));
            if (c.stridedInputs().contains(name)) {
                // Same values, non-contiguous: a contiguous copy with reversed axes, seen through the reverse permutation.
                int[] reverse = reversedAxes(t.rank());
                t = t.permute(reverse).contiguous().detach();
                if (c.grads().contains(name)) t.setRequiresGrad(true);
                leaves.put(name, t);
                Tensor view = t.permute(reverse);
                if (view.isContiguous()) throw new IllegalStateException("case '" + c.name() + "': strided input " + name + " " + view.shape() + " came out contiguous");
                inputs.put(name, view);
            } else {
                if (c.grads().contains(name)) t.setRequiresGrad(true);
                leaves.put(name, t);
                inputs.put(name, t);
            }
        }
        Map<String, Tensor> extras = new HashMap<>();
        Tensor out = SaccadeCalls.forward(c, inputs, extras);

        List<String> problems = new ArrayList<>();
        String p = Comparison.check("out", c.array("out"), out, c.atol(), c.rtol());
        if (p != null) return List.of(p);       // no meaningful backward from a wrong-shaped or wrong output
        for (String e : c.extraOutputs()) {
            Tensor actual = extras.get(e);
            if (actual == null) problems.add(e + ": not produced");
            else add(problems, Comparison.check(e, c.array(e), actual, c.atol(), c.rtol()));
        }

        RawArray gradOut = c.array("grad_out");
        out.backward(Tensor.of(gradOut.toFloats(), gradOut.shape()));
        for (String name : c.grads()) {
            Tensor g = leaves.get(name).grad();
            if (g == null) { problems.add("grad_" + name + ": no gradient reached the input"); continue; }
            if (c.stridedInputs().contains(name)) g = g.permute(reversedAxes(g.rank())).contiguous();
            add(problems, Comparison.check("grad_" + name, c.array("grad_" + name), g, c.atol(), c.rtol()));
        }
        return problems;
    }

    private static void add(List<String> problems, String p) { if (p != null) problems.add(p); }

    private static int[] reversedAxes(int rank) {
        int[] r = new int[rank];
        for (int i = 0; i < rank; i++) r[i] = rank - 1 - i;
        return r;
    }

    private static Tensor toTensor(GoldenCase c, String name, RawArray a) {
        if (a.dtype() == ArrayDType.F32) return Tensor.of(a.toFloats(), a.shape());
        if (a.dtype() == ArrayDType.I64) return Tensor.of(a.toLongs(), a.shape());
        throw new IllegalStateException("case '" + c.name() + "': input " + name + ".npy is " + a.dtype() + ", expected F32 or I64");
    }

    /** The index and the folders agree, and every case has the files its entry promises. */
    @Test void everyCaseFolderIsIndexedAndComplete() throws IOException {
        Path root = GoldenCase.rootFolder();
        Set<String> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(Files::isDirectory).map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> indexed = GoldenCase.all().stream().map(GoldenCase::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(folders, indexed, "folders under goldens/ops vs cases in cases.json");
        assertEquals(GoldenCase.all().size(), indexed.size(), "case names in cases.json must be unique");
        for (GoldenCase c : GoldenCase.all()) {
            List<String> files = new ArrayList<>(c.inputs());
            files.addAll(List.of("out", "grad_out"));
            files.addAll(c.extraOutputs());
            c.grads().forEach(g -> files.add("grad_" + g));
            for (String f : files) assertTrue(Files.isRegularFile(c.folder().resolve(f + ".npy")), "case '" + c.name() + "': missing " + f + ".npy");
            assertTrue(c.inputs().containsAll(c.grads()), "case '" + c.name() + "': grads " + c.grads() + " must be inputs " + c.inputs());
        }
    }

    /** A mistyped op or case fails loudly instead of being skipped. */
    @Test void unknownOpIsRejectedWithTheCaseName() {
        GoldenCase bogus = new GoldenCase("bogus_case", "no_such_op", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                List.of(), List.of(), List.of(), List.of(), 1e-5, 1e-4, null, Path.of("."));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SaccadeCalls.forward(bogus, Map.of(), new HashMap<>()));
        assertTrue(e.getMessage().contains("bogus_case") && e.getMessage().contains("no_such_op"), e.getMessage());
    }

    /** F.pad's last-axis-first pairs map to saccade's first-axis-first pairs. */
    @Test void torchPadOrderIsConverted() {
        assertEquals(List.of(2, 0, 0, 1, 1, 2), boxed(SaccadeCalls.fromTorchPad(new int[] {1, 2, 0, 1, 2, 0}, 3)));
        assertEquals(List.of(0, 0, 2, 1), boxed(SaccadeCalls.fromTorchPad(new int[] {2, 1}, 2)));
    }

    private static List<Integer> boxed(int[] a) { return java.util.Arrays.stream(a).boxed().toList(); }
}
