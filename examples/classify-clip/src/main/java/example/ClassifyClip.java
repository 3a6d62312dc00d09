package example;

import dev.saccade.inference.Prediction;
import dev.saccade.inference.VideoClassifier;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies a generated clip (a square moving left to right over 16 frames) with a TSM-MobileNetV2 checkpoint in
 * the official format. The checkpoint is the first argument; the number of classes is read from it.
 */
public final class ClassifyClip {
    public static void main(String[] args) throws Exception {
        List<BufferedImage> video = movingSquare(16, 128, 96);

        try (VideoClassifier clf = VideoClassifier.builder()
                .model("tsm-mobilenetv2").frames(4).inputSize(64)
                .weights(Path.of(args[0]))
                .build()) {
            for (Prediction p : clf.classify(video, 3)) System.out.println(p);
        }
    }

    /** {@code frames} RGB frames of {@code width}×{@code height}: a white square crossing a dark background. */
    static List<BufferedImage> movingSquare(int frames, int width, int height) {
        List<BufferedImage> out = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(20, 30, 40));
            g.fillRect(0, 0, width, height);
            g.setColor(Color.WHITE);
            g.fillRect(8 + t * (width - 40) / frames, height / 2 - 12, 24, 24);
            g.dispose();
            out.add(img);
        }
        return out;
    }
}
