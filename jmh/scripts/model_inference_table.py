#!/usr/bin/env python3
"""Turns a JMH JSON result of ModelInferenceBench (+ ModelInferenceOrtBench, ModelInferenceTorchBench) into the
Markdown table of docs/PERF.md ("Whole models on the CPU").

usage: python3 jmh/scripts/model_inference_table.py result.json [more.json …]

The benchmarks run in single-shot mode (one forward per iteration), so each measured iteration is one latency.
Per engine, model and batch: median latency (best in parentheses), clips/s and effective GFLOP/s at the median
(2 · MACs / latency, MACs from saccade's counter, the ·macs secondary result), and saccade's speed relative to ONNX
Runtime (ORT latency ÷ saccade latency, medians; > 1 means saccade is faster). Models ONNX Runtime does not run
(ACTION-Net, W3, M2A) are compared with ORT's plain ResNet-50 over the same frames (tsn-resnet50), marked ¹.
"""
import json
import statistics
import sys

ENGINES = {"ModelInferenceBench": "saccade", "ModelInferenceOrtBench": "ORT", "ModelInferenceTorchBench": "libtorch"}
ORDER = ["tsn-resnet50", "tsm-resnet50", "tsm-mobilenetv2", "action-resnet50", "tsm+w3-resnet50", "tsm+m2a-resnet50"]


def load(paths):
    rows = {}
    for path in paths:
        for e in json.load(open(path)):
            engine = ENGINES.get(e["benchmark"].rsplit(".", 2)[-2])
            if engine is None:
                continue
            raw = [x for fork in e["primaryMetric"]["rawData"] for x in fork]        # ms per forward
            per_iteration = [x for fork in e["secondaryMetrics"]["macs"]["rawData"] for x in fork]
            macs = statistics.mean(per_iteration)                                     # one forward per iteration
            key = (e["params"]["model"], int(e["params"]["clips"]))
            rows.setdefault(key, {})[engine] = (statistics.median(raw), min(raw), macs, len(raw))
    return rows


def cell(r, clips):
    if r is None:
        return "–", "–", "–"
    med, best, macs, _ = r
    return f"{med:.1f} ({best:.1f})", f"{1000 * clips / med:.2f}", f"{2 * macs / (med / 1000) / 1e9:.0f}"


def main():
    rows = load(sys.argv[1:])
    print("| model | clips | saccade ms median (best) | clips/s | GFLOP/s | ORT ms median (best) | GFLOP/s "
          "| libtorch ms median (best) | GFLOP/s | saccade ÷ ORT speed |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for model, clips in sorted(rows, key=lambda k: (k[1], ORDER.index(k[0]) if k[0] in ORDER else 99, k[0])):
        r = rows[(model, clips)]
        s, o, t = r.get("saccade"), r.get("ORT"), r.get("libtorch")
        ref, mark = o, ""
        if ref is None and (("tsn-resnet50", clips) in rows):
            ref, mark = rows[("tsn-resnet50", clips)].get("ORT"), " ¹"
        ratio = f"{ref[0] / s[0]:.2f}×{mark}" if s and ref else "–"
        sc, o_, t_ = cell(s, clips), cell(o, clips), cell(t, clips)
        print(f"| {model} | {clips} | {sc[0]} | {sc[1]} | {sc[2]} | {o_[0]} | {o_[2]} | {t_[0]} | {t_[2]} | {ratio} |")


if __name__ == "__main__":
    main()
