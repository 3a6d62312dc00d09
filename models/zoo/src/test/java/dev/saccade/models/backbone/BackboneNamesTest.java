package dev.saccade.models.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.models.temporal.TemporalShiftModule;
import dev.saccade.models.temporal.TsmHooks;
import dev.saccade.nn.Module;
import dev.saccade.nn.layers.Conv;
import dev.saccade.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** State-dict names and shapes against torchvision and the TSM repository. */
class BackboneNamesTest {
    /** "name shape" lines written from torchvision's resnet18().state_dict(). */
    private static List<String> torchvisionResNet18() throws IOException {
        try (InputStream in = BackboneNamesTest.class.getResourceAsStream("/keys/torchvision_resnet18.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static List<String> describe(Module m) {
        List<String> out = new ArrayList<>();
        for (var e : m.stateDict().entrySet()) {
            int[] s = e.getValue().shape().toArray();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < s.length; i++) sb.append(i == 0 ? "" : "x").append(s[i]);
            out.add(e.getKey() + " " + sb);
        }
        return out;
    }

    @Test void resnet18StateDictEqualsTorchvision() throws IOException {
        ResNet r18 = ResNet.resnet18(BlockHooks.NONE, 1, 1000, new SplittableRandom(0));
        assertEquals(torchvisionResNet18(), describe(r18));
        assertEquals(11_689_512L, r18.parameterCount(), "torchvision's documented resnet18 size");
    }

    @Test void resnet50HasTorchvisionSize() {
        assertEquals(25_557_032L, ResNet.resnet50(BlockHooks.NONE, 1, 1000, new SplittableRandom(0)).parameterCount());
    }

    @Test void tsmWrapsEveryFirstConvAsNet() throws IOException {
        ResNet r18 = ResNet.resnet18(new TsmHooks(8), 8, 1000, new SplittableRandom(0));
        List<String> expected = new ArrayList<>();
        for (String line : torchvisionResNet18()) expected.add(line.replaceFirst("^(layer\\d\\.\\d\\.conv1)\\.", "$1.net."));
        assertEquals(expected, describe(r18));
        assertTrue(r18.stateDict().containsKey("layer1.0.conv1.net.weight"));
        assertInstanceOf(TemporalShiftModule.class, module(r18, "layer3.1.conv1"));
    }

    /** The 10 MobileNetV2 blocks where TSM shifts, with their BlockContext. */
    @Test void mobileNetV2HooksTheTenResidualExpansionBlocks() {
        List<BlockContext> seen = new ArrayList<>();
        BlockHooks record = new BlockHooks() {
            @Override public Module wrapFirstConv(BlockContext block, Conv conv) { seen.add(block); return conv; }
        };
        MobileNetV2 m = new MobileNetV2(record, 8, 1000, new SplittableRandom(0));
        assertEquals(List.of("features.3", "features.5", "features.6", "features.8", "features.9", "features.10",
                             "features.12", "features.13", "features.15", "features.16"), seen.stream().map(BlockContext::name).toList());
        assertEquals(List.of(24, 32, 32, 64, 64, 64, 96, 96, 160, 160), seen.stream().map(BlockContext::inChannels).toList());
        assertEquals(List.of(0, 1, 1, 2, 2, 2, 2, 2, 3, 3), seen.stream().map(BlockContext::stage).toList());
        assertEquals(List.of("features.3", "features.6", "features.13", "features.16"),
                     seen.stream().filter(BlockContext::lastInStage).map(BlockContext::name).toList());
        assertEquals(3_504_872L, m.parameterCount(), "torchvision's documented mobilenet_v2 size");
        MobileNetV2 tsm = new MobileNetV2(new TsmHooks(8), 8, 0, new SplittableRandom(0));
        assertTrue(tsm.stateDict().containsKey("features.3.conv.0.net.weight"));
        assertTrue(tsm.stateDict().containsKey("features.2.conv.0.weight"), "non-residual blocks are not wrapped");
        assertTrue(tsm.stateDict().containsKey("features.1.conv.0.weight"), "t = 1 block: conv.0 is the depthwise conv");
    }

    @Test void featureShapes() {
        SplittableRandom rng = new SplittableRandom(0);
        Tensor x = Tensor.randn(rng, 2, 3, 64, 64);
        assertEquals(List.of(2, 512, 2, 2), List.of(ResNet.resnet18(BlockHooks.NONE, 1, 0, rng).features(x).shape().toArray()).stream().flatMapToInt(java.util.Arrays::stream).boxed().toList());
        assertEquals(1280, new MobileNetV2(BlockHooks.NONE, 1, 0, rng).features(x).dim(1));
    }

    /** A submodule by dotted name. */
    private static Module module(Module root, String name) {
        return root.namedModules().get(name);
    }
}
