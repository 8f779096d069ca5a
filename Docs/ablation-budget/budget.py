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

  python3 Docs/ablation-budget/budget.py Docs/ablation Docs/ablation-budget/pairs-150 [--window N]

(--window: steps per training error; default: each run's own, from its config.json.)

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

# Student's t, the 0.975 quantile, for 1 to 30 degrees of freedom (beyond: 1.96), the table
# PairedDifference.tQuantile975 uses.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def load(directory):
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    runs = {}
    for path in sorted(glob.glob(os.path.join(directory, "nets", "*.json"))):
        with open(path) as f:
            result = json.load(f)
        if len(result["step_error"]) != config["iterations"]:
            sys.exit(f"{path}: {len(result['step_error'])} step errors, but the run's "
                     f"config.json says {config['iterations']} steps")
        runs[(result["depth"], result["residual"], result["seed"])] = result["step_error"]
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
    t = T975[n - 2] if n - 1 <= len(T975) else 1.96
    half = t * sd / math.sqrt(n)
    return mean, sd, (mean - half, mean + half)


def describe(values, mark=True):
    mean, sd, interval = paired(values)
    text = f"{100 * mean:+.1f} ± {100 * sd:.1f}"
    if interval is None:
        return text + " (one seed)"
    text += f" ({100 * interval[0]:+.1f} to {100 * interval[1]:+.1f})"
    return text + (" ✔" if interval[0] > 0 else " ✘") if mark else text


def schedule(config):
    """The learning rate's steps, e.g. `250 + 50 at a tenth`."""
    iterations, decay = config["iterations"], config["decay_iterations"]
    final = config.get("final_decay_iterations") or 0
    if decay == 0:
        return "constant"
    text = f"{iterations - decay} + {decay - final} at a tenth"
    return text + (f" + {final} at a hundredth" if final else "")


def report(directory, window):
    runs, config = load(directory)
    window = window or config["window"]
    if window > config["iterations"]:
        sys.exit(f"{directory}: a window of {window} steps is longer than the run's "
                 f"{config['iterations']}")
    depths = sorted({d for d, _, _ in runs})
    if not depths:
        sys.exit(f"{directory}: no nets/*.json")
    shallow, deep = depths[0], depths[-1]
    seeds = sorted({s for d, r, s in runs
                    if all((depth, res, s) in runs for depth in (shallow, deep) for res in (False, True))})
    if not seeds:
        sys.exit(f"{directory}: no seed has all of plain-{shallow}, res-{shallow}, plain-{deep} "
                 f"and res-{deep}")
    iterations = config["iterations"]
    constant = iterations - config["decay_iterations"]
    budgets = [(b, "constant") for b in range(100, constant + 1, 50) if b < iterations and b >= window]
    budgets.append((iterations, schedule(config)))
    print(f"{directory}: batch {config['batch_size']}, lr {config['learning_rate']}, "
          f"{iterations} steps ({schedule(config)}); seeds {', '.join(map(str, seeds))}; "
          f"training error (%) over the {window} steps before each budget")
    print()
    header = ["steps", "schedule", "seed", f"plain-{shallow}", f"plain-{deep}", f"res-{shallow}",
              f"res-{deep}", "interaction", f"plain − res at {deep}"]
    print("| " + " | ".join(header) + " |")
    print("| ---: | --- |" + " ---: |" * (len(header) - 2))
    summaries = []
    for budget, rate in budgets:
        interactions, gaps = [], []
        for seed in seeds:
            e = {(d, r): mean_before(runs[(d, r, seed)], budget, window)
                 for d in (shallow, deep) for r in (False, True)}
            interaction = (e[(deep, False)] - e[(shallow, False)]) - (e[(deep, True)] - e[(shallow, True)])
            gap = e[(deep, False)] - e[(deep, True)]
            interactions.append(interaction)
            gaps.append(gap)
            cells = [str(budget), rate, str(seed)]
            cells += [f"{100 * e[key]:.1f}" for key in
                      ((shallow, False), (deep, False), (shallow, True), (deep, True))]
            cells += [f"{100 * interaction:+.1f}", f"{100 * gap:+.1f}"]
            print("| " + " | ".join(cells) + " |")
        summaries.append((budget, rate, interactions, gaps))
    print()
    print(f"Lesson 08's checks over seeds {', '.join(map(str, seeds))} (points: mean ± sd, 95% "
          "interval; ✔ where the interval lies above zero). The column without the largest seed "
          "is an illustration, as in the lesson, not a check: that seed is chosen after seeing "
          "the data.")
    print()
    print(f"| steps | schedule | interaction | seeds above 0 | without its largest seed | "
          f"plain − res at {deep} | seeds above 0 |")
    print("| ---: | --- | --- | ---: | --- | --- | ---: |")
    for budget, rate, interactions, gaps in summaries:
        # As lesson 08 reports it: the interaction without the seed where it is largest.
        largest = max(range(len(seeds)), key=lambda i: interactions[i])
        rest = [v for i, v in enumerate(interactions) if i != largest]
        rest_text = (f"seed {seeds[largest]} out: " + describe(rest, mark=False)
                     if len(seeds) > 2 else "-")
        print(f"| {budget} | {rate} | {describe(interactions)} | "
              f"{sum(v > 0 for v in interactions)}/{len(seeds)} | {rest_text} | {describe(gaps)} | "
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
window = None  # each run's own, from its config.json
if "--window" in arguments:
    index = arguments.index("--window")
    window = int(arguments[index + 1])
    del arguments[index:index + 2]
reports = [(directory, report(directory, window)) for directory in arguments]
for directory, other in reports[1:]:
    steps, same, shared = same_prefix(reports[0][1], other)
    print(f"{directory}: the first {steps} steps' training errors of {same} of its {shared} "
          f"nets also in {reports[0][0]} are identical to them")
