package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saccade.inference.VideoClassifier;
import dev.saccade.nn.io.Npy;
import dev.saccade.nn.io.RawArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The library and the CLI give one answer: {@code VideoClassifier.logits} equals {@code saccade predict}'s dumped
 * logits on the same .npy clip, frame folder and video. Videos go through a stand-in ffmpeg that "decodes" by copying
 * a prepared frame folder, so that the test needs no ffmpeg install yet runs the same decoding path.
 */
class PredictLibraryParityTest {
    private static final Path WEIGHTS = CliTest.modelGoldens().resolve("tsm_mobilenetv2.pth");

    @Test void predictAndVideoClassifierAgree(@TempDir Path tmp) throws IOException {
        Path frames = Files.createDirectory(tmp.resolve("frames"));
        for (int f = 0; f < 9; f++) {
            BufferedImage img = new BufferedImage(80, 72, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 72; y++) for (int x = 0; x < 80; x++) img.setRGB(x, y, ((x * 7 + f * 13) & 255) << 16 | ((y * 3 + f) & 255) << 8 | ((x ^ y) & 255));
            ImageIO.write(img, "png", frames.resolve(String.format("%05d.png", f)).toFile());
        }
        Path video = Files.writeString(tmp.resolve("clip.mp4"), frames.toString());
        Path ffmpeg = tmp.resolve("fake-ffmpeg");
        Files.writeString(ffmpeg, "#!/bin/sh\n# args: ... -i VIDEO ... OUT/%05d.jpg — copy the frames the VIDEO file points to\n"
                + "while [ $# -gt 0 ]; do [ \"$1\" = -i ] && src=$(cat \"$2\"); last=$1; shift; done\n"
                + "cp \"$src\"/*.png \"$(dirname \"$last\")/\"\n");
        Files.setPosixFilePermissions(ffmpeg, PosixFilePermissions.fromString("rwxr-xr-x"));
        float[] npy = Arrays.copyOf(Npy.read(CliTest.modelGoldens().resolve("clip.npy")).toFloats(), 4 * 3 * 64 * 64);
        Path clip = tmp.resolve("clip.npy");
        Npy.write(clip, RawArray.ofFloats(npy, 1, 4, 3, 64, 64));

        try (VideoClassifier clf = VideoClassifier.builder().model("tsm-mobilenetv2").frames(4).inputSize(64)
                .weights(WEIGHTS).ffmpeg(ffmpeg.toString()).build()) {
            for (Path input : new Path[] {clip, frames, video}) {
                Path dump = tmp.resolve("logits.npy");
                PredictCommand cmd = new PredictCommand();
                cmd.ffmpeg = ffmpeg.toString();
                int code = new CommandLine(cmd).execute("--model", "tsm-mobilenetv2", "--frames", "4", "--classes", "10",
                        "--size", "64", "--weights", WEIGHTS.toString(), "--input", input.toString(), "--dump-logits", dump.toString());
                assertEquals(0, code, input.toString());
                assertArrayEquals(Npy.read(dump).toFloats(), clf.logits(input), input.toString());
            }
        }
    }
}
