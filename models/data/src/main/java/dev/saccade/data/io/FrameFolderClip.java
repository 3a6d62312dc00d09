package dev.saccade.data.io;

import dev.saccade.data.Clip;
import dev.saccade.data.ImageNetNormalize;
import dev.saccade.data.RgbFrame;
import dev.saccade.data.sampling.SegmentSampler;
import dev.saccade.data.transform.GroupCenterCrop;
import dev.saccade.data.transform.GroupScale;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * One evaluation clip from a folder of JPEG/PNG frames (frame order = file-name order), preprocessed as the TSM
 * validation pipeline does (docs/MODELS.md §2.1, §8.3): T frames at the segment centres ({@link SegmentSampler#val}),
 * {@code GroupScale(size·256/224)}, {@code GroupCenterCrop(size)}, ImageNet normalisation.
 *
 * <pre>{@code
 * Clip c = FrameFolderClip.load(Path.of("frames/video42"), 8, 224);   // (8, 3, 224, 224)
 * }</pre>
 */
public final class FrameFolderClip {

    private FrameFolderClip() {
    }

    /** The frame files of {@code dir} (extensions .jpg, .jpeg, .png, any case), sorted by file name. */
    public static List<Path> frameFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
                    })
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
            if (files.isEmpty()) {
                throw new IllegalArgumentException(dir + ": no .jpg, .jpeg or .png frames in this folder");
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list frame folder " + dir, e);
        }
    }

    /** Shorter side before the centre crop: {@code size·256/224} (256 for the 224 crop). */
    public static int scaleSize(int size) {
        return size * 256 / 224;
    }

    /** The clip {@code (T, 3, size, size)} of the frames in {@code dir}; a bad frame throws naming its file. */
    public static Clip load(Path dir, int frames, int size) {
        List<Path> files = frameFiles(dir);
        String id = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        return sample(files.size(), p -> FrameReader.read(files.get(p)), frames, size, id);
    }

    /**
     * The clip {@code (T, 3, size, size)} of a video of {@code count} decoded frames, preprocessed as {@link #load}
     * does; {@code frame} is asked only for the frames at the segment centres, each once.
     */
    public static Clip sample(int count, IntFunction<RgbFrame> frame, int frames, int size, String id) {
        if (count < 1) throw new IllegalArgumentException(id + ": a clip needs at least one frame");
        int[] positions = new SegmentSampler(frames, 0).val(count); // (T) 0-based list positions
        Map<Integer, RgbFrame> decoded = new HashMap<>();
        RgbFrame[] group = new RgbFrame[frames];
        for (int t = 0; t < frames; t++) {
            group[t] = decoded.computeIfAbsent(positions[t], frame::apply);
        }
        Random unused = new Random(0); // the validation transforms take no random decision
        RgbFrame[] crops = new GroupScale(scaleSize(size)).then(new GroupCenterCrop(size)).apply(group, unused);
        return ImageNetNormalize.IMAGENET.toClip(crops, 0, id);                 // (T, 3, size, size)
    }
}
