package dev.saccade.data.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * EgoGesture (docs/MODELS.md §8.2): RGB frames {@code frames/SubjectXX/SceneY/Color/rgbZ/000001.jpg}, labels
 * {@code labels/SubjectXX/SceneY/GroupZ.csv} with headerless rows {@code class,start,end} (class 1-based). Each row
 * is one gesture whose frames are {@code range(start, end − 1)}, i.e. numbers {@code start … end − 2}. Subjects are
 * split as in ACTION-Net's builder.
 *
 * <pre>{@code
 * VideoAnnotations train = EgoGesture.load(Path.of("/data/EgoGesture"), DatasetSplit.TRAIN_PLUS_VAL);
 * }</pre>
 */
public final class EgoGesture {

    /** Number of gesture classes. */
    public static final int CLASSES = 83;
    /** Frame name pattern. */
    public static final String TEMPLATE = "%06d.jpg";

    public static final Set<Integer> TRAIN_SUBJECTS = Set.of(3, 4, 5, 6, 8, 10, 15, 16, 17, 20, 21, 22, 23, 25, 26,
            27, 30, 32, 36, 38, 39, 40, 42, 43, 44, 45, 46, 48, 49, 50);
    public static final Set<Integer> VAL_SUBJECTS = Set.of(1, 7, 12, 13, 24, 29, 33, 34, 35, 37);
    public static final Set<Integer> TEST_SUBJECTS = Set.of(2, 9, 11, 14, 18, 19, 28, 31, 41, 47);

    private static final Pattern SCENE = Pattern.compile("Scene(\\d+)");
    private static final Pattern GROUP = Pattern.compile("Group(\\d+)\\.csv");

    private EgoGesture() {
    }

    /** Subject numbers of a split. */
    public static Set<Integer> subjects(DatasetSplit split) {
        return switch (split) {
            case TRAIN -> TRAIN_SUBJECTS;
            case VAL -> VAL_SUBJECTS;
            case TEST -> TEST_SUBJECTS;
            case TRAIN_PLUS_VAL -> {
                var all = new java.util.TreeSet<>(TRAIN_SUBJECTS);
                all.addAll(VAL_SUBJECTS);
                yield Set.copyOf(all);
            }
        };
    }

    /** Class names: EgoGesture ships numbers only, so "gesture 1" … "gesture 83" (label = class − 1). */
    public static List<String> classNames() {
        List<String> out = new ArrayList<>(CLASSES);
        for (int c = 1; c <= CLASSES; c++) {
            out.add("gesture " + c);
        }
        return out;
    }

    /** The gestures of every subject of {@code split}, ordered by subject, scene, group, row. */
    public static VideoAnnotations load(Path root, DatasetSplit split) {
        List<VideoRecord> out = new ArrayList<>();
        for (int subject : new java.util.TreeSet<>(subjects(split))) {
            String subjectDir = String.format("Subject%02d", subject);
            Path labelDir = root.resolve("labels").resolve(subjectDir);
            if (!Files.isDirectory(labelDir)) {
                throw new AnnotationException(labelDir, 0, "missing label folder of subject " + subject);
            }
            for (Path scene : sorted(labelDir, SCENE)) {
                for (Path group : sorted(scene, GROUP)) {
                    Matcher m = GROUP.matcher(group.getFileName().toString());
                    m.matches();
                    String rgbDir = "frames/" + subjectDir + "/" + scene.getFileName() + "/Color/rgb" + Integer.parseInt(m.group(1));
                    readGroup(group, rgbDir, out);
                }
            }
        }
        return new VideoAnnotations(out, classNames(), TEMPLATE, ".");
    }

    private static void readGroup(Path csv, String rgbDir, List<VideoRecord> out) {
        List<String> lines = TsnListFile.readLines(csv);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 3) {
                throw new AnnotationException(csv, i + 1, "expected 'class,start,end' but found " + f.length
                        + " field(s): '" + line + "'");
            }
            int cls = TsnListFile.parseInt(csv, i + 1, "class", f[0]);
            int start = TsnListFile.parseInt(csv, i + 1, "start", f[1]);
            int end = TsnListFile.parseInt(csv, i + 1, "end", f[2]);
            if (cls < 1 || cls > CLASSES) {
                throw new AnnotationException(csv, i + 1, "class " + cls + " is outside 1.." + CLASSES);
            }
            int n = (end - 1) - start; // len(range(start, end − 1))
            if (start < 1 || n < 1) {
                throw new AnnotationException(csv, i + 1, "gesture frames range(" + start + ", " + (end - 1) + ") is empty or starts before frame 1");
            }
            out.add(new VideoRecord(rgbDir, n, cls - 1, start, csv + ":" + (i + 1)));
        }
    }

    private static List<Path> sorted(Path dir, Pattern name) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> name.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> Integer.compare(number(a, name), number(b, name)))
                    .toList();
        } catch (IOException e) {
            throw new AnnotationException(dir, 0, "cannot list (" + e + ")", e);
        }
    }

    private static int number(Path p, Pattern name) {
        Matcher m = name.matcher(p.getFileName().toString());
        m.matches();
        return Integer.parseInt(m.group(1));
    }
}
