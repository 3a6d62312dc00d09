package dev.saccade.data.io;

import dev.saccade.data.RgbFrame;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one frame file (JPEG or PNG) with {@code javax.imageio} into 8-bit RGB, as PIL's
 * {@code Image.open(path).convert('RGB')} does (grey images are expanded to RGB). Any failure, including a
 * decoder warning about corrupt or truncated data, throws {@link FrameReadException} naming the file.
 *
 * <p>Limits, checked from the image header before any pixel is decoded: at most {@value #MAX_PIXELS} pixels
 * (a PNG header may claim 20000 × 20000, which would decode into 1.6 GB) and an aspect ratio of at most
 * {@value #MAX_ASPECT}:1 (a 30000 × 1 frame is small, but scaled to a shorter side of 256 it becomes 7.7 billion
 * pixels).
 *
 * <p>Decoded JPEG pixels may differ from libjpeg's (PIL) by a few grey levels: the IDCT and chroma upsampling of
 * the JDK decoder are not bit-identical to libjpeg-turbo's.
 *
 * <pre>{@code
 * RgbFrame f = FrameReader.read(Path.of("frames/123/00001.jpg"));
 * }</pre>
 */
public final class FrameReader {

    static {
        ImageIO.setUseCache(false); // decode from memory streams, never from temp files
    }

    /** Most pixels a frame may have (8K UHD is 33 million). */
    public static final long MAX_PIXELS = 1L << 26;
    /** Largest ratio of the longer to the shorter side. */
    public static final int MAX_ASPECT = 16;

    private FrameReader() {
    }

    /** The frame at {@code file}, as RGB bytes {@code (H, W, 3)}. */
    public static RgbFrame read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new FrameReadException(file, Files.exists(file) ? "not a regular file" : "missing frame", null);
        }
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new FrameReadException(file, "not a decodable image (no reader recognises its bytes)", null);
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                reader.setInput(in, true, true);
                checkSize(file, reader.getWidth(0), reader.getHeight(0));
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
            if (!warnings.isEmpty()) {
                // PIL refuses such files too ("image file is truncated", "broken data stream")
                throw new FrameReadException(file, "corrupt image data (" + String.join("; ", warnings) + ")", null);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof FrameReadException fre) {
                throw fre;
            }
            throw new FrameReadException(file, "corrupt image (" + e.getMessage() + ")", e);
        }
        return toRgb(img);
    }

    /** Refuses a frame whose header declares more than {@link #MAX_PIXELS} or an aspect beyond {@link #MAX_ASPECT}. */
    static void checkSize(Path file, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new FrameReadException(file, "header declares " + width + "x" + height + " pixels", null);
        }
        if ((long) width * height > MAX_PIXELS) {
            throw new FrameReadException(file, "header declares " + width + "x" + height + " = "
                    + (long) width * height + " pixels, more than the " + MAX_PIXELS + " a frame may have", null);
        }
        if (Math.max(width, height) > (long) MAX_ASPECT * Math.min(width, height)) {
            throw new FrameReadException(file, "header declares " + width + "x" + height + " pixels, an aspect "
                    + "ratio beyond " + MAX_ASPECT + ":1 (not a video frame)", null);
        }
    }

    /** A {@link BufferedImage} as RGB bytes {@code (H, W, 3)}. */
    public static RgbFrame toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3]; // (H, W, 3)
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int p = 0; p < w * h * 3; p += 3) {
                out[p] = bgr[p + 2];
                out[p + 1] = bgr[p + 1];
                out[p + 2] = bgr[p];
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int q = (y * w + x) * 3;
                    out[q] = (byte) (row[x] >> 16);
                    out[q + 1] = (byte) (row[x] >> 8);
                    out[q + 2] = (byte) row[x];
                }
            }
        }
        return new RgbFrame(out, w, h);
    }
}
