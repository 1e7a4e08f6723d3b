#!/usr/bin/env python3
"""Prints the markdown table of docs/weightings.md from benchmarks/weightings/run.sh's folder.

Usage: python3 benchmarks/weightings/table.py OUT [STRATEGY_OVERHEAD_JSON]
Δp is LibMTL's task-averaged relative improvement over single-task networks (higher is better); mean ± sample
standard deviation over the seeds found. The step-time ratio (median over interleaved rounds, with its
interquartile range) comes from StrategyOverheadHarness's JSON when given.
"""
import json
import os
import statistics
import sys


def deltas(root, data, weighting):
    d = os.path.join(root, data, weighting)
    out = []
    if not os.path.isdir(d):
        return out
    for seed in sorted(os.listdir(d)):
        f = os.path.join(d, seed, "results.json")
        if os.path.isfile(f):
            with open(f) as fh:
                out.append(json.load(fh)["delta"]["delta_p_libmtl"])
    return out


def cell(values):
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:+.2f} (1 seed)"
    return f"{statistics.mean(values):+.2f} ± {statistics.stdev(values):.2f}"


def main():
    root = sys.argv[1]
    ratios = {}
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as fh:
            data = json.load(fh)
            for row in data.get("rows") or data["results"]:
                ratios[row["strategy"].split("@")[0]] = (row["gradient_mode"], row["ratio_to_equal_median"],
                                                         row["ratio_to_equal_iqr"])
    names = []
    for data in ("synthetic", "multifashion"):
        if os.path.isdir(os.path.join(root, data)):
            for w in os.listdir(os.path.join(root, data)):
                if w not in names and os.path.isdir(os.path.join(root, data, w)):
                    names.append(w)
    order = os.environ.get("ORDER", "").split()
    names.sort(key=lambda w: order.index(w) if w in order else len(order))
    print("| weighting | mode | synthetic Δp % ↑ | Multi-Fashion Δp % ↑ | step time vs equal (IQR) |")
    print("|---|---|---|---|---|")
    for w in names:
        mode, ratio, iqr = ratios.get(w, ("", None, None))
        r = f"{ratio:.2f} ({iqr[0]:.2f}–{iqr[1]:.2f})" if ratio is not None else "–"
        print(f"| `{w}` | {mode} | {cell(deltas(root, 'synthetic', w))} | "
              f"{cell(deltas(root, 'multifashion', w))} | {r} |")


if __name__ == "__main__":
    main()
