#!/usr/bin/env python3
"""Joins JMH JSON results of TemporalModuleBench with the PyTorch timings of scripts/time_attention_modules.py into
the Markdown table of docs/PERF.md ("Temporal-attention modules, composed vs fused", the `peers` side).

usage: python3 jmh/scripts/temporal_module_table.py jmh-result.json [more-jmh.json …] torch-modules.json [...]

Files are told apart by content: a JMH result is a JSON list, a PyTorch timing an object with "engine": "pytorch".
saccade's times come from `alternating` (composed and fused back to back, ms = total ÷ pairs) or, where a row has
none, from `infer` / `train` with `-p fused=false|true` (ms = 1000 ÷ the calls-per-second score). PyTorch's time is
the median. "fused ÷ PyTorch speed" is PyTorch ms ÷ saccade fused ms: above 1 saccade's fused module is faster.
Rows: one per module, shape, clips and pass found in any input.
"""
import json
import sys

MODULES = ["action", "w3", "cbam", "m2a"]
SHAPES = ["256x56", "512x28", "1024x14", "2048x7"]


def secondary(e, name):
    """The score of a JMH secondary result (an @AuxCounters field), or None."""
    m = e.get("secondaryMetrics", {}).get(name)
    return None if m is None else m["score"]


def load_jmh(entries, rows):
    for e in entries:
        bench = e["benchmark"].rsplit(".", 2)
        if bench[-2] != "TemporalModuleBench":
            continue
        p = e["params"]
        method = bench[-1]
        if method == "alternating":
            key = (p["module"], p["shape"], int(p.get("clips", 1)), p.get("pass", "infer"))
            pairs = secondary(e, "pairs")
            if not pairs:
                continue
            r = rows.setdefault(key, {})
            r["composed"] = secondary(e, "composedMs") / pairs
            r["fused"] = secondary(e, "fusedMs") / pairs
            r["source"] = "alternating"
        elif method in ("infer", "train"):
            key = (p["module"], p["shape"], int(p.get("clips", 1)), method)
            r = rows.setdefault(key, {})
            if r.get("source") == "alternating":
                continue                                     # the same-load pair wins
            ms = 1000.0 / e["primaryMetric"]["score"]        # Throughput, calls per second
            r["fused" if p.get("fused") == "true" else "composed"] = ms
            r["source"] = method


def load_torch(doc, rows):
    for t in doc["results"]:
        rows.setdefault((t["module"], t["shape"], int(t["clips"]), t["pass"]), {})["torch"] = t["median_ms"]


def order(key):
    module, shape, clips, step = key
    return (step != "infer", clips, MODULES.index(module) if module in MODULES else 99, module,
            SHAPES.index(shape) if shape in SHAPES else 99, shape)


def fmt(v):
    return "–" if v is None else f"{v:.1f}"


def table(rows):
    lines = ["| module | C, H = W | clips | pass | saccade composed ms | saccade fused ms | PyTorch ms | fused ÷ PyTorch speed |",
             "|---|---|---:|---|---:|---:|---:|---:|"]
    for key in sorted(rows, key=order):
        module, shape, clips, step = key
        r = rows[key]
        fused, torch_ms = r.get("fused"), r.get("torch")
        speed = f"{torch_ms / fused:.2f}×" if fused and torch_ms else "–"
        lines.append(f"| {module} | {shape.replace('x', ', ')} | {clips} | {step} | {fmt(r.get('composed'))} "
                     f"| {fmt(fused)} | {fmt(torch_ms)} | {speed} |")
    return "\n".join(lines)


def main(paths):
    if not paths:
        sys.exit(__doc__)
    rows = {}
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        if isinstance(doc, list):
            load_jmh(doc, rows)
        elif isinstance(doc, dict) and doc.get("engine") == "pytorch":
            load_torch(doc, rows)
        else:
            sys.exit(f"{path}: neither a JMH result (a list) nor a time_attention_modules.py result")
    print(table(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
