package dev.saccade.data.io;

import java.util.List;

/**
 * The parsed annotation of one split of a dataset: its videos, the class names, and the frame-file template.
 *
 * <pre>{@code
 * VideoAnnotations a = TwentyBnCsv.SOMETHING_V1.load(root, DatasetSplit.TRAIN);
 * FrameFolderDataset ds = FrameFolderDataset.builder(a).frameRoot(root.resolve(a.framesDir())).build();
 * }</pre>
 *
 * @param videos     the videos, in file order
 * @param classNames class names in label order
 * @param template   frame file name as a {@link String#format} pattern, e.g. {@code %05d.jpg}
 * @param framesDir  folder the video dirs are relative to (relative to the dataset root, or absolute)
 */
public record VideoAnnotations(List<VideoRecord> videos, List<String> classNames, String template, String framesDir) {

    public VideoAnnotations {
        videos = List.copyOf(videos);
        classNames = List.copyOf(classNames);
    }
}
