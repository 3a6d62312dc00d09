#!/usr/bin/env python3
"""Turns a JMH JSON result of GemmBench + GemmPeerBench into the Markdown table of docs/PERF.md.

usage: python3 jmh/scripts/gemm_table.py result.json [peak_gflops]

For each size: mean GFLOP/s over the measured iterations (the ·flop secondary result) and the best iteration
in parentheses (the machine is shared, so the best iteration is the least disturbed one), saccade/peer ratio of
means and of best iterations, and saccade's mean as a percentage of the given peak (default 234 GFLOP/s).
"""
import json
import sys


def flops(entry):
    m = entry["secondaryMetrics"]["flop"]
    raw = [x for fork in m["rawData"] for x in fork]
    return m["score"] / 1e9, max(raw) / 1e9


def main():
    path = sys.argv[1]
    peak = float(sys.argv[2]) if len(sys.argv) > 2 else 234.0
    rows = {}
    for e in json.load(open(path)):
        name = e["benchmark"].rsplit(".", 2)[-2]
        rows.setdefault(int(e["params"]["size"]), {})[name] = flops(e)
    print(f"| size | saccade GFLOP/s mean (best) | libtorch GFLOP/s mean (best) | ratio means (bests) | saccade % of {peak:.0f} |")
    print("|---:|---:|---:|---:|---:|")
    for size in sorted(rows):
        s = rows[size].get("GemmBench")
        p = rows[size].get("GemmPeerBench")
        sc = f"{s[0]:.0f} ({s[1]:.0f})" if s else "–"
        pc = f"{p[0]:.0f} ({p[1]:.0f})" if p else "–"
        ratio = f"{s[0] / p[0]:.2f} ({s[1] / p[1]:.2f})" if s and p else "–"
        pct = f"{100 * s[0] / peak:.0f} %" if s else "–"
        print(f"| {size}³ | {sc} | {pc} | {ratio} | {pct} |")


if __name__ == "__main__":
    main()
