package dev.saccade.data.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Something-Something V2 (docs/MODELS.md §8.1): JSON annotations in the dataset root,
 * {@code something-something-v2-labels.json} ({@code {"<template>": "<idx>"}}), {@code -train.json} /
 * {@code -validation.json} (lists of {@code {"id", "label", "template", "placeholders"}}), {@code -test.json}
 * ({@code {"id"}} only), frames extracted by {@code vid2img_sthv2.py} as {@code <framesDir>/<id>/000001.jpg}.
 * The label of a video is {@code labels[template.replace('[', '').replace(']', '')]}; test labels are 0.
 *
 * <pre>{@code
 * VideoAnnotations val = SomethingV2Json.load(Path.of("/data/something/v2"), DatasetSplit.VAL);
 * }</pre>
 */
public final class SomethingV2Json {

    /** File-name prefix of the annotations. */
    public static final String PREFIX = "something-something-v2";
    /** Default frame folder (ACTION-Net's name). */
    public static final String FRAMES_DIR = "20bn-something-something-v2-frames";
    /** Frame name pattern. */
    public static final String TEMPLATE = "%06d.jpg";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SomethingV2Json() {
    }

    /** Class names in index order. */
    public static List<String> classNames(Path root) {
        Path file = root.resolve(PREFIX + "-labels.json");
        JsonNode labels = parse(file);
        if (!labels.isObject() || labels.isEmpty()) {
            throw new AnnotationException(file, 0, "expected a non-empty object {\"<template>\": \"<idx>\"}");
        }
        String[] names = new String[labels.size()];
        Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int idx;
            try {
                idx = Integer.parseInt(e.getValue().asText().strip());
            } catch (NumberFormatException ex) {
                throw new AnnotationException(file, 0, "index of '" + e.getKey() + "' is '" + e.getValue().asText()
                        + "', not an integer");
            }
            if (idx < 0 || idx >= names.length || names[idx] != null) {
                throw new AnnotationException(file, 0, "index " + idx + " of '" + e.getKey()
                        + "' is out of range or repeated (" + names.length + " classes)");
            }
            names[idx] = e.getKey();
        }
        return List.of(names);
    }

    /** The videos of one split from {@code <root>/<framesDir>}; train/val drop videos of fewer than 3 frames. */
    public static VideoAnnotations load(Path root, DatasetSplit split) {
        return load(root, split, FRAMES_DIR);
    }

    public static VideoAnnotations load(Path root, DatasetSplit split, String framesDir) {
        List<String> classes = classNames(root);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        String suffix = switch (split) {
            case TRAIN -> "-train.json";
            case VAL -> "-validation.json";
            case TEST -> "-test.json";
            case TRAIN_PLUS_VAL -> throw new IllegalArgumentException("SSv2 has no train+val split; load TRAIN and VAL");
        };
        Path file = root.resolve(PREFIX + suffix);
        JsonNode list = parse(file);
        if (!list.isArray()) {
            throw new AnnotationException(file, 0, "expected a JSON list of videos");
        }
        boolean test = split == DatasetSplit.TEST;
        Path frames = root.resolve(framesDir);
        List<VideoRecord> videos = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            String where = file + " entry " + i;
            JsonNode id = v.get("id");
            if (id == null || id.asText().isBlank()) {
                throw new AnnotationException(file, 0, "entry " + i + " has no \"id\"");
            }
            int label = 0;
            if (!test) {
                JsonNode template = v.get("template");
                if (template == null) {
                    throw new AnnotationException(file, 0, "entry " + i + " (id " + id.asText() + ") has no \"template\"");
                }
                String name = template.asText().replace("[", "").replace("]", "");
                Integer l = index.get(name);
                if (l == null) {
                    throw new AnnotationException(file, 0, "entry " + i + " (id " + id.asText() + "): unknown label '"
                            + name + "' (not in " + PREFIX + "-labels.json)");
                }
                label = l;
            }
            int n = FrameCounter.count(frames.resolve(id.asText()), where);
            if (!test && n < TsnListFile.MIN_FRAMES) {
                continue;
            }
            videos.add(new VideoRecord(id.asText(), n, label, 1, where));
        }
        return new VideoAnnotations(videos, classes, TEMPLATE, framesDir);
    }

    private static JsonNode parse(Path file) {
        try {
            return JSON.readTree(Files.readAllBytes(file)); // bytes: Jackson detects the encoding and skips a BOM
        } catch (JsonProcessingException e) {
            throw new AnnotationException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "invalid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new AnnotationException(file, 0, "cannot read (" + e + ")", e);
        }
    }
}
