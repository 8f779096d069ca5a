"""The budget study behind `resnet-lab ablate`'s default: reads the per-net results of
ablation runs (`nets/*.json`, as `resnet-lab ablate` writes them) and asks, budget by budget,
whether lesson 08's two checks would pass on them:

- the degradation interaction: plain's depth penalty (training error at the deepest depth
  minus at the shallowest) minus residual's, seed by seed; its 95% interval must lie above
  zero;
- the shortcut at the deepest depth: plain minus residual training error, seed by seed; its
  95% interval must lie above zero.

A net's training error at a budget is the mean of its `window` steps before it, as lesson
08 reads it (`NetResult.finalTraining`), and the intervals are Student's t with n - 1
degrees of freedom, as `PairedDifference` computes them.

  python3 Docs/ablation-budget/budget.py Docs/ablation Docs/ablation-budget/pairs-150 [--window 20]

A run's first steps do not depend on how long it will train (the batches come from the
seed, the weights from the steps before), so a run also answers for every shorter budget
at its first learning rate: those are reported too, marked "constant". The last lines check
it: each run's nets against the first run's, over the steps both took at that rate.
"""
import glob
import json
import math
import os
import sys

# Student's t, the 0.975 quantile, for 1 to 10 degrees of freedom.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]


def load(directory):
    runs = {}
    for path in sorted(glob.glob(os.path.join(directory, "nets", "*.json"))):
        with open(path) as f:
            result = json.load(f)
        runs[(result["depth"], result["residual"], result["seed"])] = result["step_error"]
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    return runs, config


def mean_before(errors, step, window):
    return sum(errors[step - window:step]) / window


def paired(values):
    """Mean, sample standard deviation and 95% interval of per-seed differences."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0, None
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = T975[n - 2] * sd / math.sqrt(n)
    return mean, sd, (mean - half, mean + half)


def describe(values):
    mean, sd, interval = paired(values)
    text = f"{100 * mean:+.1f} ± {100 * sd:.1f}"
    if interval is None:
        return text + " (one seed)", False
    passed = interval[0] > 0
    return text + f" ({100 * interval[0]:+.1f} to {100 * interval[1]:+.1f}) {'✔' if passed else '✘'}", passed


def report(directory, window):
    runs, config = load(directory)
    depths = sorted({d for d, _, _ in runs})
    shallow, deep = depths[0], depths[-1]
    seeds = sorted({s for d, r, s in runs
                    if all((depth, res, s) in runs for depth in (shallow, deep) for res in (False, True))})
    iterations, decay = config["iterations"], config["decay_iterations"]
    constant = iterations - decay
    budgets = [(b, "constant") for b in range(100, constant + 1, 50) if b < iterations]
    budgets.append((iterations, f"{constant} + {decay} at a tenth" if decay else "constant"))
    print(f"{directory}: batch {config['batch_size']}, lr {config['learning_rate']}, "
          f"{iterations} steps (the last {decay} at a tenth); seeds "
          f"{', '.join(map(str, seeds))}; training error (%) over the {window} steps before "
          "each budget")
    print()
    header = ["steps", "schedule", "seed", f"plain-{shallow}", f"plain-{deep}", f"res-{shallow}",
              f"res-{deep}", "interaction", f"plain − res at {deep}"]
    print("| " + " | ".join(header) + " |")
    print("| ---: | --- |" + " ---: |" * (len(header) - 2))
    summaries = []
    for budget, schedule in budgets:
        interactions, gaps = [], []
        for seed in seeds:
            e = {(d, r): mean_before(runs[(d, r, seed)], budget, window)
                 for d in (shallow, deep) for r in (False, True)}
            interaction = (e[(deep, False)] - e[(shallow, False)]) - (e[(deep, True)] - e[(shallow, True)])
            gap = e[(deep, False)] - e[(deep, True)]
            interactions.append(interaction)
            gaps.append(gap)
            cells = [str(budget), schedule, str(seed)]
            cells += [f"{100 * e[key]:.1f}" for key in
                      ((shallow, False), (deep, False), (shallow, True), (deep, True))]
            cells += [f"{100 * interaction:+.1f}", f"{100 * gap:+.1f}"]
            print("| " + " | ".join(cells) + " |")
        summaries.append((budget, schedule, interactions, gaps))
    print()
    print(f"Lesson 08's checks over seeds {', '.join(map(str, seeds))} (points: mean ± sd, 95% interval):")
    print()
    print(f"| steps | schedule | interaction | seeds above 0 | without its largest seed | "
          f"plain − res at {deep} | seeds above 0 |")
    print("| ---: | --- | --- | ---: | --- | --- | ---: |")
    for budget, schedule, interactions, gaps in summaries:
        interaction_text, _ = describe(interactions)
        gap_text, _ = describe(gaps)
        # As lesson 08 reports it: the interaction without the seed where it is largest.
        largest = max(range(len(seeds)), key=lambda i: interactions[i])
        rest = [v for i, v in enumerate(interactions) if i != largest]
        rest_text = f"seed {seeds[largest]} out: " + describe(rest)[0] if len(seeds) > 2 else "-"
        print(f"| {budget} | {schedule} | {interaction_text} | "
              f"{sum(v > 0 for v in interactions)}/{len(seeds)} | {rest_text} | {gap_text} | "
              f"{sum(v > 0 for v in gaps)}/{len(seeds)} |")
    print()
    return runs, constant


def same_prefix(reference, other):
    """Nets of `other` also in `reference`: do their constant-rate steps match exactly?"""
    (runs_a, steps_a), (runs_b, steps_b) = reference, other
    steps = min(steps_a, steps_b)
    shared = [key for key in runs_b if key in runs_a]
    same = sum(runs_a[key][:steps] == runs_b[key][:steps] for key in shared)
    return steps, same, len(shared)


arguments = sys.argv[1:]
window = 20
if "--window" in arguments:
    index = arguments.index("--window")
    window = int(arguments[index + 1])
    del arguments[index:index + 2]
reports = [(directory, report(directory, window)) for directory in arguments]
for directory, other in reports[1:]:
    steps, same, shared = same_prefix(reports[0][1], other)
    print(f"{directory}: the first {steps} steps' training errors of {same} of its {shared} "
          f"nets also in {reports[0][0]} are identical to them")
