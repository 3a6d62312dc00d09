package dev.saccade.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.Clip;
import dev.saccade.data.synthetic.Split;
import dev.saccade.data.synthetic.SyntheticMotion;
import dev.saccade.data.transform.TestProtocol;
import dev.saccade.nn.Module;
import dev.saccade.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    private static final SyntheticMotion DATA = new SyntheticMotion(SyntheticMotion.Options.defaults().withFrames(4)
            .withSize(32, 32).withSplitSizes(0, 0, 14).withSeed(5));

    /** Returns logits (x, 0, −x, 0, …) where x is the first pixel of the view; records the batch sizes it saw. */
    private static final class FirstPixelModel extends Module {
        final int classes;
        final List<int[]> shapes = new ArrayList<>();
        FirstPixelModel(int classes) { this.classes = classes; }
        @Override public Tensor forward(Tensor x) {
            shapes.add(x.shape().toArray());
            int n = x.dim(0);
            float[] d = x.toFloatArray();
            int per = d.length / n;
            float[] out = new float[n * classes];
            for (int i = 0; i < n; i++) { out[i * classes] = d[i * per]; out[i * classes + 2] = -d[i * per]; }
            return Tensor.of(out, n, classes);
        }
    }

    @Test
    void protocolsGiveTheirViewCounts() {
        SyntheticViews views = new SyntheticViews(DATA, Split.TEST);
        int[][] expected = {{1, 1}, {3, 2}, {3, 10}, {1, 10}};
        String[] keys = {"1x1", "3x2", "10x3", "10x1"};
        for (int i = 0; i < keys.length; i++) {
            TestProtocol p = EvalProtocol.parse(keys[i]).protocol(32);
            assertEquals(expected[i][0] * expected[i][1], p.views(), keys[i]);
            List<Clip> v = views.views(0, p);
            assertEquals(p.views(), v.size(), keys[i]);
            // Synthetic clips are rendered at the input size: every view is the whole 32×32 frame.
            for (Clip c : v) assertEquals(32, c.width(), keys[i] + " view width");
            assertEquals(4, v.get(0).frames());

            FirstPixelModel m = new FirstPixelModel(DATA.numClasses());
            EvalResult r = new Evaluator(m, 64).evaluate(views, p);
            assertEquals(14, r.videos());
            int seen = m.shapes.stream().mapToInt(s -> s[0]).sum();
            assertEquals(14 * p.views(), seen, keys[i] + ": the model scored every view once");
            for (int[] s : m.shapes) assertEquals(0, s[0] % p.views(), "videos are never split across forward passes");
        }
    }

    @Test
    void scoresAreSoftmaxAveragedOverViews() {
        float[] firstPixels = {1f, -2f, 3f};
        VideoViews fake = new VideoViews() {
            @Override public int size() { return 1; }
            @Override public int numClasses() { return 4; }
            @Override public List<String> classNames() { return List.of("a", "b", "c", "d"); }
            @Override public List<Clip> views(int index, TestProtocol protocol) {
                List<Clip> out = new ArrayList<>();
                for (float v : firstPixels) {
                    float[] d = new float[2 * 3 * 4 * 4];
                    d[0] = v;
                    out.add(new Clip(d, 2, 4, 4, 2, "fake"));
                }
                return out;
            }
        };
        // DENSE_TEST with 3 clips × 1 crop = the 3 fake views (the fake ignores the transform)
        TestProtocol p = new TestProtocol("3 views", dev.saccade.data.sampling.ClipSampling.DENSE_TEST, 3, f -> List.of());
        EvalResult r = new Evaluator(new FirstPixelModel(4)).evaluate(fake, p);
        double[] expected = new double[4];
        for (float x : firstPixels) {
            double z = Math.exp(x) + 1 + Math.exp(-x) + 1;
            expected[0] += Math.exp(x) / z / 3;
            expected[1] += 1 / z / 3;
            expected[2] += Math.exp(-x) / z / 3;
            expected[3] += 1 / z / 3;
        }
        for (int c = 0; c < 4; c++) assertEquals(expected[c], r.scores()[c], 1e-6, "class " + c);
        // averaged probabilities, not averaged logits: mean logit of class 0 would be 2/3 > 0, yet class 2 wins
        int predicted = TopK.argmax(r.scores(), 0, 4);
        assertEquals(expected[0] > expected[2] ? 0 : 2, predicted);
        assertEquals(r.labels()[0] == predicted ? 100.0 : 0.0, r.top1());
    }

    @Test
    void anEvaluationSetWithoutUsableClipsIsAnError() {
        VideoViews unusable = new VideoViews() {
            @Override public int size() { return 3; }
            @Override public int numClasses() { return 4; }
            @Override public List<String> classNames() { return List.of("a", "b", "c", "d"); }
            @Override public List<Clip> views(int index, TestProtocol protocol) { return null; } // every video skipped
        };
        TestProtocol p = new TestProtocol("1 view", dev.saccade.data.sampling.ClipSampling.VAL, 1, f -> List.of());
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Evaluator(new FirstPixelModel(4)).evaluate(unusable, p));
        assertTrue(e.getMessage().startsWith("none of the 3 videos of the evaluation set gave a usable clip"),
                e.getMessage());
    }

    @Test
    void pairAccuracyConfusionAndPerClass() {
        // 4 videos, classes 0..3 with pairs {0,1} and {2,3}; the scores put the right twin above the wrong one for
        // videos 0 and 2 only, while the argmax is right for video 0 only (video 2 prefers class 0)
        List<float[]> scores = List.of(
                new float[] {0.7f, 0.1f, 0.1f, 0.1f},    // label 0: top-1 hit, pair hit
                new float[] {0.5f, 0.2f, 0.2f, 0.1f},    // label 1: miss, pair miss (0 > 1)
                new float[] {0.5f, 0.0f, 0.3f, 0.2f},    // label 2: miss, pair hit (2 > 3)
                new float[] {0.1f, 0.1f, 0.5f, 0.3f});   // label 3: miss, pair miss
        EvalResult r = Evaluator.summarise("test", 1, 4, List.of("a", "b", "c", "d"), List.of(new int[] {0, 1}, new int[] {2, 3}),
                List.of(0, 1, 2, 3), scores);
        assertEquals(25.0, r.top1(), 1e-9);
        assertEquals(50.0, r.pairAccuracy(), 1e-9);
        assertEquals(100.0, r.perClass()[0], 1e-9);
        assertEquals(0.0, r.perClass()[3], 1e-9);
        assertEquals(2, r.confusion()[0][0] + r.confusion()[1][0] - 0 - 0 + r.confusion()[2][0] - 1);
        assertEquals(1, r.confusion()[3][2]);
        assertEquals(100.0, Evaluator.summarise("t", 1, 4, List.of(), List.of(), List.of(3), List.of(scores.get(3))).top5(), 1e-9);
    }

    @Test
    void confusionCsvAndPngAreWritten(@TempDir Path dir) throws Exception {
        EvalResult r = new Evaluator(new FirstPixelModel(DATA.numClasses())).evaluate(new SyntheticViews(DATA, Split.TEST),
                EvalProtocol.parse("1x1").protocol(32));
        ConfusionMatrixReport.write(dir, r);
        List<String> csv = Files.readAllLines(dir.resolve(ConfusionMatrixReport.CSV));
        assertEquals(1 + DATA.numClasses(), csv.size());
        assertTrue(csv.get(0).startsWith("true\\predicted,moving right,"), csv.get(0));
        long total = 0;
        for (int i = 1; i < csv.size(); i++) {
            String[] f = csv.get(i).split(",");
            assertEquals(1 + DATA.numClasses(), f.length);
            for (int j = 1; j < f.length; j++) total += Long.parseLong(f[j]);
        }
        assertEquals(14, total);
        BufferedImage img = ImageIO.read(dir.resolve(ConfusionMatrixReport.PNG).toFile());
        assertNotNull(img);
        assertTrue(img.getWidth() > 100 && img.getHeight() > 100);
    }
}
