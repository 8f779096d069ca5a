"""The budget study behind `resnet-lab ablate`'s default: reads the per-net results of
ablation runs (`nets/*.json`, as `resnet-lab ablate` writes them) and prints, for several
budgets, each net's training error there (the mean of the `window` steps before it) and
whether the two effects of lesson 08 show for every seed: plain-56's training error at least
1.2x plain-18's, and res-56's at most 0.75x plain-56's.

  python3 Docs/ablation-budget/budget.py Docs/ablation-budget/constant-lr-800 [--window 20]

A run at a constant learning rate holds every shorter budget at that rate in its first
steps (the batches and weights do not depend on the length), so one long run answers for
all of them.
"""
import glob
import json
import os
import sys


def load(directory):
    runs = {}
    for path in sorted(glob.glob(os.path.join(directory, "nets", "*.json"))):
        with open(path) as f:
            result = json.load(f)
        runs[(result["net"], result["seed"])] = result["step_error"]
    return runs


def mean_before(errors, step, window):
    if len(errors) < step:
        return None
    return sum(errors[step - window:step]) / window


def report(directory, window):
    runs = load(directory)
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    seeds = sorted({seed for _, seed in runs})
    order = ["plain-18", "res-18", "plain-34", "res-34", "plain-56", "res-56"]
    nets = [n for n in order if any((n, s) in runs for s in seeds)]
    longest = max(len(e) for e in runs.values())
    budgets = [b for b in (100, 150, 200, 250, 300, 350, 400, 500, 600, 700, 800) if b <= longest]
    print(f"{directory}: {config['iterations']} steps, the last {config['decay_iterations']} "
          f"at a tenth of lr {config['learning_rate']}; training error (%) over the {window} "
          "steps before each budget")
    print()
    header = ["steps", "seed"] + nets + ["plain-56 / plain-18", "res-56 / plain-56"]
    print("| " + " | ".join(header) + " |")
    print("|" + " ---: |" * len(header))
    for budget in budgets:
        for seed in seeds:
            values = {n: mean_before(runs[(n, seed)], budget, window) if (n, seed) in runs else None
                      for n in nets}
            cells = [str(budget), str(seed)]
            cells += ["-" if values[n] is None else f"{100 * values[n]:.1f}" for n in nets]
            p18, p56, r56 = values.get("plain-18"), values.get("plain-56"), values.get("res-56")
            cells.append("-" if None in (p18, p56) else
                         f"{p56 / p18:.2f} {'✔' if p56 >= 1.2 * p18 else '✘'}")
            cells.append("-" if None in (p56, r56) else
                         f"{r56 / p56:.2f} {'✔' if r56 <= 0.75 * p56 else '✘'}")
            print("| " + " | ".join(cells) + " |")
    print()


arguments = sys.argv[1:]
window = 20
if "--window" in arguments:
    index = arguments.index("--window")
    window = int(arguments[index + 1])
    del arguments[index:index + 2]
for directory in arguments:
    report(directory, window)
