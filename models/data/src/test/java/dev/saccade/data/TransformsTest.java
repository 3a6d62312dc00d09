package dev.saccade.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.data.transform.Frames;
import dev.saccade.data.transform.GroupCenterCrop;
import dev.saccade.data.transform.GroupFullResSample;
import dev.saccade.data.transform.GroupMultiScaleCrop;
import dev.saccade.data.transform.GroupRandomHorizontalFlip;
import dev.saccade.data.transform.GroupScale;
import dev.saccade.data.transform.PilBilinear;
import dev.saccade.data.transform.TestProtocol;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Group transforms against TSM's ops/transforms.py semantics and Pillow's bilinear resize. */
class TransformsTest {

    static RgbFrame pattern(int w, int h, int salt) {
        byte[] b = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    b[(y * w + x) * 3 + c] = (byte) ((x * 37 + y * 91 + c * 53 + x * y * 11 + salt) % 256);
                }
            }
        }
        return new RgbFrame(b, w, h);
    }

    @Test
    void thirteenFixedOffsets() {
        // W=340, H=256, crop 224x224: steps (29, 8)
        List<int[]> o = GroupMultiScaleCrop.fixedOffsets(340, 256, 224, 224);
        int[][] expected = {
            {0, 0}, {116, 0}, {0, 32}, {116, 32}, {58, 16},
            {0, 16}, {116, 16}, {58, 32}, {58, 0},
            {29, 8}, {87, 8}, {29, 24}, {87, 24}};
        assertEquals(13, o.size());
        for (int i = 0; i < 13; i++) {
            assertArrayEquals(expected[i], o.get(i), "offset " + i);
        }
    }

    @Test
    void multiScaleCandidatesSnapWithinThreePixels() {
        GroupMultiScaleCrop m = new GroupMultiScaleCrop(224);
        // base 256: int(256·s) = 256, 224, 192, 168 → 224 stays; pairs |i − j| ≤ 1 give 10 (w, h)
        List<int[]> pairs = m.candidateSizes(340, 256);
        assertEquals(10, pairs.size());
        assertArrayEquals(new int[] {256, 256}, pairs.get(0));
        assertArrayEquals(new int[] {224, 256}, pairs.get(1));
        assertArrayEquals(new int[] {256, 224}, pairs.get(2));
        // base 254: int(254·0.875) = 222 is within 3 px of 224 → snapped
        Set<Integer> sizes = new HashSet<>();
        for (int[] p : m.candidateSizes(300, 254)) {
            sizes.add(p[0]);
        }
        assertTrue(sizes.contains(224) && !sizes.contains(222), "snapped sizes " + sizes);
        // every sampled box lies inside the frame, output is the target size
        Random r = new Random(3);
        RgbFrame[] clip = {pattern(60, 40, 0), pattern(60, 40, 1)};
        GroupMultiScaleCrop small = new GroupMultiScaleCrop(32);
        for (int i = 0; i < 100; i++) {
            int[] box = small.sampleBox(60, 40, r);
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 60 && box[1] + box[3] <= 40);
        }
        RgbFrame[] out = small.apply(clip, r);
        assertEquals(32, out[1].width());
        assertEquals(32, out[1].height());
    }

    @Test
    void multiScaleCropIsTheSameForEveryFrame() {
        RgbFrame f = pattern(50, 40, 7);
        RgbFrame[] clip = {f, f, f};
        RgbFrame[] out = new GroupMultiScaleCrop(24).apply(clip, new Random(9));
        assertArrayEquals(out[0].rgb(), out[1].rgb());
        assertArrayEquals(out[0].rgb(), out[2].rgb());
    }

    @Test
    void pilBilinearMatchesPillow() {
        // expected bytes from Pillow 9.4: Image.fromarray(pattern(7, 5)).resize((w, h), Image.BILINEAR)
        RgbFrame src = pattern(7, 5, 0);
        int[] down = {61, 114, 161, 126, 148, 144, 124, 146, 170, 158, 134, 125, 149, 141, 114, 134, 127, 121, 132,
            125, 104, 118, 110, 126, 102, 155, 140, 111, 133, 99, 113, 135, 112, 91, 144, 133};
        int[] mixed = {32, 85, 138, 111, 164, 202, 190, 152, 95, 89, 142, 164, 139, 131, 144, 128, 142, 148, 145, 167,
            154, 148, 117, 110, 98, 120, 157, 178, 121, 83, 118, 141, 134, 138, 81, 79, 106, 127, 115, 142, 111, 104,
            126, 147, 120, 97, 150, 124, 128, 120, 107, 98, 151, 129, 123, 176, 119, 95, 148, 126, 67, 120, 119};
        int[] upFirstRows = {0, 53, 106, 20, 73, 126, 46, 99, 152, 72, 125, 178, 98, 151, 204, 124, 177, 230, 150, 203,
            243, 176, 229, 90, 202, 139, 52, 222, 19, 72, 40, 93, 146, 62, 115, 168, 92, 145, 170, 121, 174, 121, 151,
            131, 145, 141, 121, 174, 97, 150, 196, 127, 180, 125, 156, 144, 118, 179, 88, 141};
        assertBytes(down, PilBilinear.resize(src, 4, 3), down.length);
        assertBytes(mixed, PilBilinear.resize(src, 3, 7), mixed.length);
        assertBytes(upFirstRows, PilBilinear.resize(src, 10, 8), upFirstRows.length);
    }

    private static void assertBytes(int[] expected, RgbFrame got, int n) {
        int maxDiff = 0;
        for (int i = 0; i < n; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - (got.rgb()[i] & 0xFF)));
        }
        System.out.println("PIL bilinear " + got.width() + "x" + got.height() + ": max |diff| = " + maxDiff);
        assertEquals(0, maxDiff, "max difference to Pillow");
    }

    @Test
    void groupScaleShorterSide() {
        GroupScale s = new GroupScale(256);
        assertArrayEquals(new int[] {450, 256}, s.outputSize(176, 100));  // int(256·176/100) = 450
        assertArrayEquals(new int[] {256, 341}, s.outputSize(480, 640));  // int(256·640/480) = 341
        assertArrayEquals(new int[] {256, 300}, s.outputSize(256, 300));  // already the right shorter side
        assertArrayEquals(new int[] {224, 224}, new GroupScale(224, 224).outputSize(320, 240));
        RgbFrame[] out = new GroupScale(10).apply(new RgbFrame[] {pattern(7, 5, 0)}, null);
        assertEquals(14, out[0].width());
        assertEquals(10, out[0].height());
    }

    @Test
    void centreCropRoundsHalfToEven() {
        // (W − w)/2 = 2.5 → round() = 2 in Python; (H − h)/2 = 1.5 → 2
        assertArrayEquals(new int[] {2, 2}, new GroupCenterCrop(3, 2).offset(8, 5));
        RgbFrame f = pattern(8, 5, 0);
        RgbFrame c = new GroupCenterCrop(3, 2).apply(new RgbFrame[] {f}, null)[0];
        assertEquals(f.get(2, 2, 0), c.get(0, 0, 0));
        assertEquals(f.get(4, 3, 2), c.get(2, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new GroupCenterCrop(9).apply(new RgbFrame[] {f}, null));
    }

    @Test
    void flipIsConsistentAcrossFrames() {
        RgbFrame[] clip = {pattern(9, 4, 0), pattern(9, 4, 50), pattern(9, 4, 100)};
        GroupRandomHorizontalFlip flip = new GroupRandomHorizontalFlip();
        Random r = new Random(1);
        int flipped = 0;
        for (int trial = 0; trial < 200; trial++) {
            RgbFrame[] out = flip.apply(clip, r);
            boolean first = out[0] != clip[0];
            for (int t = 0; t < clip.length; t++) {
                boolean thisOne = out[t] != clip[t];
                assertEquals(first, thisOne, "frame " + t + " of trial " + trial);
                if (thisOne) {
                    assertEquals(clip[t].get(0, 1, 1), out[t].get(8, 1, 1));
                    assertEquals(clip[t].get(3, 2, 0), out[t].get(5, 2, 0));
                }
            }
            flipped += first ? 1 : 0;
        }
        assertTrue(flipped > 60 && flipped < 140, "flips in 200 trials: " + flipped);
        assertFalse(GroupRandomHorizontalFlip.allowedFor("somethingv2"));
        assertFalse(GroupRandomHorizontalFlip.allowedFor("jester"));
        assertFalse(GroupRandomHorizontalFlip.allowedFor("synthetic-motion"));
        assertTrue(GroupRandomHorizontalFlip.allowedFor("kinetics"));
    }

    @Test
    void fullResSampleGivesLeftRightCentre() {
        RgbFrame f = pattern(20, 12, 3);
        List<RgbFrame[]> views = new GroupFullResSample(8, 0, false).views(new RgbFrame[] {f, f});
        assertEquals(3, views.size());
        // steps ((20 − 8)//4, (12 − 8)//4) = (3, 1): left (0, 2), right (12, 2), centre (6, 2)
        int[][] offsets = {{0, 2}, {12, 2}, {6, 2}};
        for (int v = 0; v < 3; v++) {
            RgbFrame crop = views.get(v)[1];
            assertEquals(f.get(offsets[v][0], offsets[v][1], 0), crop.get(0, 0, 0), "view " + v);
            assertEquals(f.get(offsets[v][0] + 7, offsets[v][1] + 7, 2), crop.get(7, 7, 2), "view " + v);
        }
        assertEquals(6, new GroupFullResSample(8, 0, true).views(new RgbFrame[] {f}).size());
        assertEquals(6, TestProtocol.accurate(256).views());
        assertEquals(30, TestProtocol.tenClipsThreeCrops(256).views());
        assertEquals(30, TestProtocol.dense(256).views());
        assertEquals(1, TestProtocol.efficient(256, 224).views());
    }

    @Test
    void cropAndFlipBasics() {
        RgbFrame f = pattern(6, 4, 0);
        assertNotEquals(f, Frames.flipHorizontal(f));
        assertArrayEquals(f.rgb(), Frames.flipHorizontal(Frames.flipHorizontal(f)).rgb());
        assertThrows(IllegalArgumentException.class, () -> Frames.crop(f, 3, 0, 4, 4));
    }

    @Test
    void imagenetNormalisation() {
        ImageNetNormalize n = ImageNetNormalize.IMAGENET;
        assertEquals((0f - 0.485f) / 0.229f, n.normalise(0, 0), 1e-6);
        assertEquals((1f - 0.406f) / 0.225f, n.normalise(255, 2), 1e-6);
        assertEquals((128f / 255f - 0.456f) / 0.224f, n.normalise(128, 1), 1e-6);
        // (T, 3, H, W) planar layout from (H, W, 3) frames
        RgbFrame a = pattern(3, 2, 0);
        RgbFrame b = pattern(3, 2, 9);
        Clip c = n.toClip(new RgbFrame[] {a, b}, 4, "x");
        assertEquals(2 * 3 * 2 * 3, c.data().length);
        for (int t = 0; t < 2; t++) {
            RgbFrame f = t == 0 ? a : b;
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        float expected = (f.get(x, y, ch) / 255f - ImageNetNormalize.MEAN[ch]) / ImageNetNormalize.STD[ch];
                        assertEquals(expected, c.data()[c.offset(t, ch, y, x)], 1e-6);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> n.toClip(new RgbFrame[] {a, pattern(2, 2, 0)}, 0, "bad"));
    }
}
