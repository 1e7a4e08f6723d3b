#!/usr/bin/env python3
"""Prints the markdown table of docs/architectures.md from benchmarks/architectures/run.sh's folder.

Usage: python3 benchmarks/architectures/table.py OUT [STEP_TIME_JSON]
Δp is LibMTL's task-averaged relative improvement (mean over tasks of the mean over each task's metrics, signed so
that higher is better) against the single-task networks trained with the hps runs of the same seed. Mean ± sample
standard deviation over the seeds. Parameters and multiply-adds per sample are mtl train's network_cost. The step
time ratio against hard sharing comes from StrategyOverheadHarness's JSON when given (entries ARCH/equal).
"""
import json
import os
import statistics
import sys


def load(root, name):
    d = os.path.join(root, name)
    runs = {}
    if os.path.isdir(d):
        for seed in sorted(os.listdir(d)):
            f = os.path.join(d, seed, "results.json")
            if os.path.isfile(f):
                with open(f) as fh:
                    runs[seed] = json.load(fh)
    return runs


def delta_p(run, reference):
    per_task = []
    for task, t in run["tasks"].items():
        ref = reference["tasks"][task]["single_task"]
        terms = []
        for metric, value in t["multi_task"].items():
            b = ref[metric]
            sign = 1 if t["higher_is_better"][metric] else -1
            terms.append(sign * (value - b) / b)
        per_task.append(statistics.mean(terms))
    return 100 * statistics.mean(per_task)


def main():
    root = sys.argv[1]
    ratios = {}
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as fh:
            data = json.load(fh)
            for row in data.get("rows") or data["results"]:
                arch = row["strategy"].rsplit("/", 1)[0].split(":")[0]
                ratios[arch] = (row["ratio_to_equal_median"], row["ratio_to_equal_iqr"])
    hps = load(root, "hps")
    names = [n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n))
             and n not in ("baselines", "affinity")]
    order = os.environ.get("ORDER", "hps soft cross-stitch mtan padnet mmoe cgc ple dselect-k nddr-cnn mtinet "
                           "ltb-search3 branched").split()
    names.sort(key=lambda n: order.index(n) if n in order else len(order))
    print("| architecture | Δp % vs single-task ↑ | parameters | multiply-adds / sample | step time vs hps (IQR) |")
    print("|---|---|---|---|---|")
    for n in names:
        runs = load(root, n)
        deltas = [delta_p(r, hps[s]) for s, r in runs.items() if s in hps]
        cell = "–" if not deltas else (f"{deltas[0]:+.2f} (1 seed)" if len(deltas) == 1
                                       else f"{statistics.mean(deltas):+.2f} ± {statistics.stdev(deltas):.2f}")
        cost = next(iter(runs.values()))["network_cost"] if runs else {}
        key = n.replace("ltb-search3", "ltb")
        r = ratios.get(key)
        rc = f"{r[0]:.2f} ({r[1][0]:.2f}–{r[1][1]:.2f})" if r else "–"
        print(f"| `{n}` | {cell} | {cost.get('parameters', '–'):,} | {cost.get('multiply_adds_per_sample', '–'):,} "
              f"| {rc} |")


if __name__ == "__main__":
    main()
