package dev.saccade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saccade.models.flops.FlopCounter;
import dev.saccade.models.registry.ModelConfig;
import dev.saccade.models.registry.ModelRegistry;
import dev.saccade.tensor.Shape;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code saccade flops}: MACs (one multiply-add = one FLOP, conv and linear only, as the papers report) and
 * parameters of one clip, with a per-layer table or one JSON object.
 */
@Command(name = "flops", mixinStandardHelpOptions = true, description = "Count MACs and parameters of a model for one clip.")
public final class FlopsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model id, e.g. tsm-resnet50 (see 'saccade models')") String model;
    @Option(names = "--frames", defaultValue = "8", description = "frames T (default ${DEFAULT-VALUE})") int frames;
    @Option(names = "--classes", defaultValue = "174", description = "classes K (default ${DEFAULT-VALUE})") int classes;
    @Option(names = "--size", defaultValue = "224", description = "input height = width (default ${DEFAULT-VALUE})") int size;
    @Option(names = "--json", description = "print one JSON object instead of the table") boolean json;

    @Override public Integer call() throws Exception {
        var net = ModelRegistry.standard().create(ModelConfig.of(model, frames, classes, size));
        FlopCounter.Report r = FlopCounter.count(net, Shape.of(1, frames, 3, size, size));
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("model", model).put("frames", frames).put("classes", classes).put("size", size);
            o.put("macs", r.macs()).put("params", r.params()).put("mmcv_flops", r.mmcvFlops());
            System.out.println(mapper.writeValueAsString(o));
        } else {
            System.out.print(r.table());
        }
        return 0;
    }
}
