"""Golden values for OptimTests, computed by PyTorch.

Run with the PyTorch environment from the repository root:

    /tmp/torchvenv/bin/python Tests/OptimTests/Fixtures/make_optim_fixture.py

It writes two JSON files beside itself:

- optimizers.json: for each case, an optimizer configuration (defaults and parameter
  groups), the initial parameters, a fixed gradient for every parameter and step (null where
  the parameter gets no gradient that step: a frozen layer, or a branch that did not run),
  and every parameter's values after each of the steps.
- schedulers.json: for each case, the optimizer's group learning rates, a scheduler
  configuration, and get_last_lr() (plus the cycled momentum for OneCycleLR) right after
  construction and after each of 30 step() calls.

Numbers are float32 for parameters (written exactly, as the doubles they convert to) and
Python floats for learning rates (written with repr, so they read back bit for bit).
"""

import json
import math
import os

import torch

STEPS = 5
SCHEDULER_STEPS = 30
HERE = os.path.dirname(os.path.abspath(__file__))


def fixed_values(count, seed, scale=1.0):
    """Deterministic, irregular float32 values (no random generator needed in Swift)."""
    return [scale * math.sin(1.7 * (i + 1) + 0.37 * seed) * (1 + 0.1 * ((i + seed) % 5))
            for i in range(count)]


# Parameter shapes used by every optimizer case. The 35-element one is longer than a SIMD
# chunk of PyTorch's CPU kernels, so both its vector loop and its scalar tail run.
SHAPES = [[2, 3], [3], [5, 7]]


def gradient_schedule(case_seed, skip=None):
    """grads[step][param]: a float list, or None where that parameter gets no gradient."""
    skip = skip or set()
    grads = []
    for step in range(STEPS):
        row = []
        for index, shape in enumerate(SHAPES):
            count = math.prod(shape)
            if (step, index) in skip or ("all", index) in skip:
                row.append(None)
            else:
                row.append(fixed_values(count, 10 * case_seed + 3 * step + index, scale=0.5))
        grads.append(row)
    return grads


OPTIMIZER_CASES = [
    # name, kind, defaults, groups (param indices + overrides), frozen/skipped gradients
    ("sgd_plain", "SGD", {"lr": 0.1}, [{"params": [0, 1, 2]}], None),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}, [{"params": [0, 1, 2]}], None),
    ("sgd_dampening", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3},
     [{"params": [0, 1, 2]}], None),
    ("sgd_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True},
     [{"params": [0, 1, 2]}], None),
    ("sgd_weight_decay", "SGD", {"lr": 0.1, "weight_decay": 0.01},
     [{"params": [0, 1, 2]}], None),
    ("sgd_momentum_weight_decay", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4},
     [{"params": [0, 1, 2]}], None),
    ("sgd_two_groups", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 5e-4},
     [{"params": [0, 2]}, {"params": [1], "lr": 0.01, "weight_decay": 0.0, "momentum": 0.5}],
     None),
    # Parameter 1 is frozen (never gets a gradient); parameter 2 misses step 3.
    ("sgd_frozen", "SGD", {"lr": 0.1, "momentum": 0.9}, [{"params": [0, 1, 2]}],
     {("all", 1), (2, 2)}),
    ("adam", "Adam", {"lr": 0.01}, [{"params": [0, 1, 2]}], None),
    ("adam_betas_eps", "Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-3},
     [{"params": [0, 1, 2]}], None),
    ("adam_small_beta1", "Adam", {"lr": 0.01, "betas": (0.3, 0.9)},
     [{"params": [0, 1, 2]}], None),
    ("adam_weight_decay", "Adam", {"lr": 0.01, "weight_decay": 0.1},
     [{"params": [0, 1, 2]}], None),
    ("adamw", "AdamW", {"lr": 0.01}, [{"params": [0, 1, 2]}], None),
    ("adamw_strong_decay", "AdamW", {"lr": 0.05, "weight_decay": 0.5},
     [{"params": [0, 1, 2]}], None),
    ("adamw_two_groups", "AdamW", {"lr": 0.01, "weight_decay": 0.1},
     [{"params": [2]}, {"params": [0, 1], "lr": 0.001, "weight_decay": 0.0,
                        "betas": (0.85, 0.95)}], None),
    # Parameter 1 is frozen; parameter 0 misses step 2, so its step count lags (bias
    # correction per parameter).
    ("adam_frozen", "Adam", {"lr": 0.01}, [{"params": [0, 1, 2]}], {("all", 1), (1, 0)}),
]


def torch_optimizer(kind, params, defaults, groups):
    torch_groups = []
    for group in groups:
        entry = {k: v for k, v in group.items() if k != "params"}
        entry["params"] = [params[i] for i in group["params"]]
        torch_groups.append(entry)
    cls = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}[kind]
    return cls(torch_groups, **defaults)


def as_floats(tensor):
    return [float(x) for x in tensor.detach().reshape(-1).tolist()]


def optimizer_cases():
    cases = []
    for seed, (name, kind, defaults, groups, skip) in enumerate(OPTIMIZER_CASES):
        initial = [fixed_values(math.prod(shape), 100 + 7 * seed + i)
                   for i, shape in enumerate(SHAPES)]
        params = [torch.tensor(values, dtype=torch.float32).reshape(shape).requires_grad_()
                  for values, shape in zip(initial, SHAPES)]
        frozen = sorted(i for (s, i) in (skip or set()) if s == "all")
        for i in frozen:
            params[i].requires_grad_(False)
        optimizer = torch_optimizer(kind, params, defaults, groups)
        grads = gradient_schedule(seed, skip)
        after = []
        for step in range(STEPS):
            optimizer.zero_grad()
            for param, grad, shape in zip(params, grads[step], SHAPES):
                if grad is not None:
                    param.grad = torch.tensor(grad, dtype=torch.float32).reshape(shape)
            optimizer.step()
            after.append([as_floats(p) for p in params])
        cases.append({
            "name": name,
            "kind": kind,
            "defaults": {k: list(v) if isinstance(v, tuple) else v
                         for k, v in defaults.items()},
            "groups": [{k: list(v) if isinstance(v, tuple) else v for k, v in g.items()}
                       for g in groups],
            "shapes": SHAPES,
            "frozen": frozen,
            # The tensors PyTorch started from: the float32 rounding of `fixed_values`.
            "initial": [as_floats(torch.tensor(v, dtype=torch.float32)) for v in initial],
            "grads": [[None if g is None else as_floats(torch.tensor(g, dtype=torch.float32))
                       for g in row] for row in grads],
            "after": after,
        })
    return cases


def scheduler_cases():
    sched = torch.optim.lr_scheduler

    def sgd(lrs, momentum=0.9):
        params = [torch.zeros(1, requires_grad=True) for _ in lrs]
        return torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)],
                               lr=lrs[0], momentum=momentum)

    def adam(lrs):
        params = [torch.zeros(1, requires_grad=True) for _ in lrs]
        return torch.optim.Adam([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)],
                                lr=lrs[0])

    # name, optimizer config, scheduler config, constructor
    cases = [
        ("multistep", {"kind": "SGD", "lrs": [0.1, 0.02]},
         {"type": "MultiStepLR", "milestones": [5, 12, 20], "gamma": 0.1},
         lambda o: sched.MultiStepLR(o, milestones=[5, 12, 20], gamma=0.1)),
        ("multistep_repeated", {"kind": "SGD", "lrs": [0.3]},
         {"type": "MultiStepLR", "milestones": [15, 6, 6], "gamma": 0.5},
         lambda o: sched.MultiStepLR(o, milestones=[15, 6, 6], gamma=0.5)),
        ("cosine_short_period", {"kind": "SGD", "lrs": [0.1, 0.05]},
         {"type": "CosineAnnealingLR", "tMax": 10, "etaMin": 0.001},
         lambda o: sched.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
        ("cosine", {"kind": "SGD", "lrs": [0.1]},
         {"type": "CosineAnnealingLR", "tMax": 30, "etaMin": 0.0},
         lambda o: sched.CosineAnnealingLR(o, T_max=30)),
        ("linear_warmup", {"kind": "SGD", "lrs": [0.1, 0.01]},
         {"type": "LinearLR", "startFactor": 0.1, "endFactor": 1.0, "totalIters": 5},
         lambda o: sched.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5)),
        ("linear_decay", {"kind": "SGD", "lrs": [0.1]},
         {"type": "LinearLR", "startFactor": 1.0, "endFactor": 0.05, "totalIters": 20},
         lambda o: sched.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=20)),
        ("onecycle", {"kind": "SGD", "lrs": [0.1]},
         {"type": "OneCycleLR", "maxLearningRates": [0.1], "totalSteps": 30},
         lambda o: sched.OneCycleLR(o, max_lr=0.1, total_steps=30)),
        ("onecycle_linear_three_phase_adam", {"kind": "Adam", "lrs": [0.001, 0.001]},
         {"type": "OneCycleLR", "maxLearningRates": [0.01, 0.004], "totalSteps": 30,
          "pctStart": 0.25, "annealStrategy": "linear", "divFactor": 10.0,
          "finalDivFactor": 100.0, "threePhase": True, "baseMomentum": 0.8,
          "maxMomentum": 0.9},
         lambda o: sched.OneCycleLR(o, max_lr=[0.01, 0.004], total_steps=30, pct_start=0.25,
                                    anneal_strategy="linear", div_factor=10.0,
                                    final_div_factor=100.0, three_phase=True,
                                    base_momentum=0.8, max_momentum=0.9)),
        ("onecycle_no_momentum", {"kind": "SGD", "lrs": [0.2]},
         {"type": "OneCycleLR", "maxLearningRates": [0.2], "totalSteps": 30,
          "cycleMomentum": False, "pctStart": 0.4},
         lambda o: sched.OneCycleLR(o, max_lr=0.2, total_steps=30, pct_start=0.4,
                                    cycle_momentum=False)),
        ("warmup_then_cosine", {"kind": "SGD", "lrs": [0.1, 0.01]},
         {"type": "SequentialLR", "milestones": [5], "schedulers": [
             {"type": "LinearLR", "startFactor": 0.1, "endFactor": 1.0, "totalIters": 5},
             {"type": "CosineAnnealingLR", "tMax": 25, "etaMin": 0.0}]},
         lambda o: sched.SequentialLR(o, [
             sched.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5),
             sched.CosineAnnealingLR(o, T_max=25)], milestones=[5])),
        ("warmup_then_multistep", {"kind": "SGD", "lrs": [0.1]},
         {"type": "SequentialLR", "milestones": [4], "schedulers": [
             {"type": "LinearLR", "startFactor": 0.25, "endFactor": 1.0, "totalIters": 4},
             {"type": "MultiStepLR", "milestones": [8, 16], "gamma": 0.1}]},
         lambda o: sched.SequentialLR(o, [
             sched.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4),
             sched.MultiStepLR(o, milestones=[8, 16], gamma=0.1)], milestones=[4])),
        ("three_stage_sequence", {"kind": "SGD", "lrs": [0.1]},
         {"type": "SequentialLR", "milestones": [3, 10], "schedulers": [
             {"type": "LinearLR", "startFactor": 0.5, "endFactor": 1.0, "totalIters": 3},
             {"type": "CosineAnnealingLR", "tMax": 7, "etaMin": 0.01},
             {"type": "LinearLR", "startFactor": 0.5, "endFactor": 0.1, "totalIters": 10}]},
         lambda o: sched.SequentialLR(o, [
             sched.LinearLR(o, start_factor=0.5, end_factor=1.0, total_iters=3),
             sched.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
             sched.LinearLR(o, start_factor=0.5, end_factor=0.1, total_iters=10)],
             milestones=[3, 10])),
    ]

    results = []
    for name, optimizer_config, scheduler_config, make in cases:
        if optimizer_config["kind"] == "SGD":
            optimizer = sgd(optimizer_config["lrs"])
        else:
            optimizer = adam(optimizer_config["lrs"])
        scheduler = make(optimizer)

        def momenta():
            if "betas" in optimizer.defaults:
                return [g["betas"][0] for g in optimizer.param_groups]
            return [g["momentum"] for g in optimizer.param_groups]

        lrs = [list(scheduler.get_last_lr())]
        group_lrs = [[g["lr"] for g in optimizer.param_groups]]
        moms = [momenta()]
        for _ in range(SCHEDULER_STEPS):
            optimizer.step()
            scheduler.step()
            lrs.append(list(scheduler.get_last_lr()))
            group_lrs.append([g["lr"] for g in optimizer.param_groups])
            moms.append(momenta())
        if lrs != group_lrs:
            raise AssertionError(f"{name}: get_last_lr() and the groups' lr disagree")
        results.append({
            "name": name,
            "optimizer": optimizer_config,
            "scheduler": scheduler_config,
            "learningRates": lrs,
            "momenta": moms,
        })
    return results


def write(name, payload):
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump(payload, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    torch.set_num_threads(1)
    source = {"source": "make_optim_fixture.py", "torch": torch.__version__}
    write("optimizers.json", {**source, "steps": STEPS, "cases": optimizer_cases()})
    write("schedulers.json", {**source, "steps": SCHEDULER_STEPS, "cases": scheduler_cases()})
