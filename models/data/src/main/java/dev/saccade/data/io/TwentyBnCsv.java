package dev.saccade.data.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 20BN CSV datasets: Something-Something V1 and Jester (docs/MODELS.md §8.1). Files in the dataset root:
 * {@code <prefix>-labels.csv} (one class name per line), {@code <prefix>-train.csv} / {@code -validation.csv}
 * ({@code <id>;<class name>}, semicolon separated), {@code <prefix>-test.csv} (ids only), and frames
 * {@code <framesDir>/<id>/00001.jpg…}. As {@code gen_label_sthv1.py} does, class indices are the positions of the
 * names after sorting them alphabetically, and {@code num_frames} is counted in each folder. Test labels are 0.
 *
 * <pre>{@code
 * VideoAnnotations train = TwentyBnCsv.SOMETHING_V1.load(Path.of("/data/something/v1"), DatasetSplit.TRAIN);
 * }</pre>
 *
 * @param prefix    file-name prefix, e.g. {@code something-something-v1}
 * @param framesDir frame folder under the root
 * @param template  frame name pattern
 */
public record TwentyBnCsv(String prefix, String framesDir, String template) {

    /** Something-Something V1: 174 classes, {@code 00001.jpg}. */
    public static final TwentyBnCsv SOMETHING_V1 = new TwentyBnCsv("something-something-v1", "20bn-something-something-v1", "%05d.jpg");
    /** Jester: 27 classes, {@code 00001.jpg}. */
    public static final TwentyBnCsv JESTER = new TwentyBnCsv("jester-v1", "20bn-jester-v1", "%05d.jpg");

    /** Class names sorted alphabetically (the label order of the reference scripts). */
    public List<String> classNames(Path root) {
        Path file = root.resolve(prefix + "-labels.csv");
        List<String> names = new ArrayList<>();
        List<String> lines = TsnListFile.readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String n = lines.get(i).strip();
            if (n.isEmpty()) {
                continue;
            }
            if (names.contains(n)) {
                throw new AnnotationException(file, i + 1, "duplicate class name '" + n + "'");
            }
            names.add(n);
        }
        if (names.isEmpty()) {
            throw new AnnotationException(file, 0, "no class names");
        }
        names.sort(null);
        return names;
    }

    /** The videos of one split, with their frames counted; train/val drop videos of fewer than 3 frames. */
    public VideoAnnotations load(Path root, DatasetSplit split) {
        List<String> classes = classNames(root);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        String suffix = switch (split) {
            case TRAIN -> "-train.csv";
            case VAL -> "-validation.csv";
            case TEST -> "-test.csv";
            case TRAIN_PLUS_VAL -> throw new IllegalArgumentException(prefix + " has no train+val split; load TRAIN and VAL");
        };
        Path file = root.resolve(prefix + suffix);
        Path frames = root.resolve(framesDir);
        boolean test = split == DatasetSplit.TEST;
        List<VideoRecord> videos = new ArrayList<>();
        List<String> lines = TsnListFile.readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            String id;
            int label = 0;
            if (test) {
                id = line.split(";", 2)[0].strip();
            } else {
                int semi = line.indexOf(';');
                if (semi < 0) {
                    throw new AnnotationException(file, i + 1, "expected '<id>;<label>' but found no ';': '" + line + "'");
                }
                id = line.substring(0, semi).strip();
                String name = line.substring(semi + 1).strip();
                Integer l = index.get(name);
                if (l == null) {
                    throw new AnnotationException(file, i + 1, "unknown label '" + name + "' (not in "
                            + prefix + "-labels.csv)");
                }
                label = l;
            }
            if (id.isEmpty()) {
                throw new AnnotationException(file, i + 1, "empty video id: '" + line + "'");
            }
            int n = FrameCounter.count(frames.resolve(id), where);
            if (!test && n < TsnListFile.MIN_FRAMES) {
                continue;
            }
            videos.add(new VideoRecord(id, n, label, 1, where));
        }
        return new VideoAnnotations(videos, classes, template, framesDir);
    }
}
