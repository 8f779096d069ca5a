"""Reads the curves.csv of ablation runs and prints, for each budget (a number of steps), the
training error of each net there and whether the two effects of lesson 08 show for every
seed: plain-56 at least 1.2x plain-18's training error, and res-56 at most 0.75x plain-56's.

  python3 Docs/ablation/budget.py Docs/ablation/budget/constant-lr-800.csv [more.csv ...]

A curve point is the mean training error of the `window` steps before it (curves.csv as
`resnet-lab ablate` writes it), so the error "at" a budget is the point at that step.
"""
import csv
import sys
from collections import defaultdict


def read(path):
    """{(net, seed): {iteration: train_error}}"""
    curves = defaultdict(dict)
    with open(path) as f:
        for row in csv.DictReader(f):
            curves[(row["net"], int(row["seed"]))][int(row["iteration"])] = float(row["train_error"])
    return curves


def report(path):
    curves = read(path)
    seeds = sorted({seed for _, seed in curves})
    steps = sorted(set.intersection(*(set(c) for c in curves.values())))
    nets = ["plain-18", "res-18", "plain-34", "res-34", "plain-56", "res-56"]
    nets = [n for n in nets if any((n, s) in curves for s in seeds)]
    print(f"\n{path}: seeds {', '.join(map(str, seeds))}; training error (%) at each step")
    header = ["step"] + [f"{n} s{s}" for s in seeds for n in nets] + ["p56/p18 ≥ 1.2", "r56/p56 ≤ 0.75"]
    print(" | ".join(header))
    for step in steps:
        cells = [str(step)]
        degradation, shortcut = True, True
        for seed in seeds:
            for net in nets:
                value = curves.get((net, seed), {}).get(step)
                cells.append("-" if value is None else f"{100 * value:.1f}")
            p18 = curves.get(("plain-18", seed), {}).get(step)
            p56 = curves.get(("plain-56", seed), {}).get(step)
            r56 = curves.get(("res-56", seed), {}).get(step)
            if None in (p18, p56, r56):
                degradation = shortcut = None
                continue
            degradation = degradation and p56 >= 1.2 * p18
            shortcut = shortcut and r56 <= 0.75 * p56
        cells += ["?" if degradation is None else ("yes" if degradation else "no"),
                  "?" if shortcut is None else ("yes" if shortcut else "no")]
        print(" | ".join(cells))


for path in sys.argv[1:]:
    report(path)
