package dev.saccade.cli;

import dev.saccade.data.io.FrameFolderClip;
import dev.saccade.data.io.FfmpegFrames;
import dev.saccade.data.Clip;
import dev.saccade.nn.io.ArrayDType;
import dev.saccade.nn.io.Npy;
import dev.saccade.nn.io.RawArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code --input} of {@code saccade predict} as a float32 batch {@code (N, T, 3, H, W)}: a preprocessed
 * {@code .npy} clip batch as is, a folder of JPEG/PNG frames or a video file (decoded by {@link FfmpegFrames}) as
 * one clip preprocessed by {@link FrameFolderClip}.
 *
 * <pre>{@code
 * RawArray batch = PredictInput.load(Path.of("video.webm"), 8, 224, new FfmpegFrames("ffmpeg"));  // (1, 8, 3, 224, 224)
 * }</pre>
 */
public final class PredictInput {

    private PredictInput() {
    }

    /** The batch behind {@code input}; {@code size} applies to frame folders and videos only. */
    public static RawArray load(Path input, int frames, int size, FfmpegFrames ffmpeg) {
        if (Files.isDirectory(input)) {
            return batchOf(FrameFolderClip.load(input, frames, size));
        }
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException(input + ": no such file or folder (expected a .npy clip batch, a folder"
                    + " of JPEG/PNG frames or a video file)");
        }
        if (input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            return readNpy(input, frames);
        }
        return batchOf(ffmpeg.withFrames(input, dir -> FrameFolderClip.load(dir, frames, size)));
    }

    private static RawArray readNpy(Path input, int frames) {
        RawArray clip;
        try {
            clip = Npy.read(input);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e); // ArrayFileException: names the file and why
        }
        int[] s = clip.shape();
        if (s.length != 5 || s[1] != frames || s[2] != 3 || clip.dtype() != ArrayDType.F32) {
            throw new IllegalArgumentException(input + ": expected a float32 array of shape (N, " + frames + ", 3, H, W), got "
                    + clip.dtype() + " " + Arrays.toString(s) + " (use --frames to match T)");
        }
        checkFinite(input, clip);
        return clip;
    }

    /** NaN or ±Inf in a clip would come out as a confident-looking prediction; it is an error naming the element. */
    static void checkFinite(Path input, RawArray clip) {
        java.nio.FloatBuffer values = clip.data().asFloatBuffer();
        for (int i = 0; i < values.limit(); i++) {
            float v = values.get(i);
            if (!Float.isFinite(v)) {
                int[] s = clip.shape();
                int[] index = new int[s.length];
                for (int d = s.length - 1, r = i; d >= 0; d--) {
                    index[d] = r % s[d];
                    r /= s[d];
                }
                throw new IllegalArgumentException(input + ": element " + Arrays.toString(index) + " is " + v
                        + "; a clip must hold finite values");
            }
        }
    }

    private static RawArray batchOf(Clip c) {
        return RawArray.ofFloats(c.data(), 1, c.frames(), Clip.CHANNELS, c.height(), c.width()); // (1, T, 3, H, W)
    }
}
