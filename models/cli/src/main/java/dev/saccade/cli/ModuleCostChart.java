package dev.saccade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * What each temporal module costs over the plain TSM model, as a PNG drawn with XChart from the JSON of
 * {@code saccade bench --modules --json} (one object per model, its {@code modules} steps each with {@code model},
 * {@code macs} and {@code median_ms}): grouped bars per model, in % of the reference {@code tsm-<backbone>} (or
 * {@code tsn-<backbone>} where no TSM step was measured): the extra multiply-adds, and the extra median time, once
 * or before and after when given two inputs. Each group is labelled with its model (without the backbone when all
 * share one reference) and its extra multiply-adds.
 *
 * <pre>{@code
 * ModuleCostChart.write(Path.of("cost.png"), null, runs);      // runs: the JSON objects of one bench
 * }</pre>
 */
final class ModuleCostChart {
    private ModuleCostChart() {}

    /** One model's cost over its reference: multiply-adds and median time, both in % of the reference's. */
    record Cost(String model, String reference, double extraMacsPercent, double extraTimePercent, double extraMs) {}

    /**
     * The cost of every run's model over {@code tsm-<backbone>}, taken from the same run's steps where it has one,
     * else from another run of the list, else {@code tsn-<backbone>}; runs of the reference or of TSN alone are left
     * out. A run whose reference is nowhere is an error naming the model.
     */
    static List<Cost> costs(List<JsonNode> runs) {
        List<Cost> out = new ArrayList<>();
        for (JsonNode run : runs) {
            String model = text(run, "model");
            String backbone = model.substring(model.lastIndexOf('-') + 1);
            String tsm = "tsm-" + backbone, tsn = "tsn-" + backbone;
            if (model.equals(tsm) || model.equals(tsn)) continue;
            JsonNode ref = step(run, tsm, runs);
            if (ref == null) ref = step(run, tsn, runs);
            if (ref == null) {
                throw new IllegalArgumentException("bench JSON of " + model + " has no " + tsm + " or " + tsn
                        + " step to compare with: run 'saccade bench --model " + model + " --modules --json'");
            }
            double refMacs = number(ref, "macs"), refMs = number(ref, "median_ms");
            double macs = number(run, "macs"), ms = number(run, "median_ms");
            out.add(new Cost(model, text(ref, "model"), 100 * (macs - refMacs) / refMacs, 100 * (ms - refMs) / refMs, ms - refMs));
        }
        return out;
    }

    /** The step named {@code id} of {@code run}, else of any run in {@code all}; null if none has it. */
    private static JsonNode step(JsonNode run, String id, List<JsonNode> all) {
        JsonNode s = stepOf(run, id);
        for (int i = 0; s == null && i < all.size(); i++) s = stepOf(all.get(i), id);
        return s;
    }

    private static JsonNode stepOf(JsonNode run, String id) {
        JsonNode steps = run.get("modules");
        if (steps == null || !steps.isArray()) return null;
        for (JsonNode s : steps) if (id.equals(s.path("model").asText(null))) return s;
        return null;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("bench JSON lacks the text field '" + field + "': " + o);
        return v.asText();
    }

    private static double number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber()) throw new IllegalArgumentException("bench JSON of " + o.path("model").asText("?") + " lacks the number '" + field + "'");
        return v.asDouble();
    }

    /**
     * Draws the chart of {@code after} (and {@code before}, null for one input) to {@code png}, written atomically.
     * Models are the bars' groups in {@code after}'s order; a model {@code before} lacks has no before bar.
     */
    static List<Cost> write(Path png, List<JsonNode> before, List<JsonNode> after) throws IOException {
        List<Cost> now = costs(after);
        if (now.isEmpty()) throw new IllegalArgumentException("no model with a temporal module over tsm-/tsn-<backbone> to chart");
        Map<String, Cost> then = new LinkedHashMap<>();
        if (before != null) for (Cost c : costs(before)) then.put(c.model(), c);
        String reference = now.getFirst().reference();
        boolean oneReference = now.stream().allMatch(c -> c.reference().equals(reference));
        String backbone = reference.substring(reference.lastIndexOf('-'));
        List<String> names = now.stream().map(c -> (oneReference && c.model().endsWith(backbone)
                ? c.model().substring(0, c.model().length() - backbone.length()) : c.model())
                + String.format(java.util.Locale.ROOT, " (%+.1f %% MACs)", c.extraMacsPercent())).toList();

        System.setProperty("java.awt.headless", "true");
        javax.imageio.ImageIO.setUseCache(false);
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(640, 220 * names.size())).height(480)
                .title("Temporal modules: extra cost over " + (oneReference ? reference : "tsm-/tsn-<backbone>"))
                .xAxisTitle("model (extra multiply-adds)").yAxisTitle("% over " + (oneReference ? reference : "the reference")).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#0.0");
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        chart.addSeries("extra multiply-adds", names, now.stream().map(Cost::extraMacsPercent).toList());
        if (before != null) {
            List<Double> was = new ArrayList<>();
            for (Cost c : now) was.add(then.containsKey(c.model()) ? then.get(c.model()).extraTimePercent() : null);
            chart.addSeries("extra time, before", names, was);
            chart.addSeries("extra time, after", names, now.stream().map(Cost::extraTimePercent).toList());
        } else {
            chart.addSeries("extra time", names, now.stream().map(Cost::extraTimePercent).toList());
        }
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        dev.saccade.nn.io.AtomicFiles.write(png, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
        return now;
    }
}
