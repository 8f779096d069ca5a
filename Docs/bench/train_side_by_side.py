"""Training throughput of the six ablation nets, ours against PyTorch (and optionally an
older build of ours), measured in alternating rounds on the same machine; prints the
Markdown table of Docs/PERFORMANCE.md with medians over the rounds.

    python Docs/bench/train_side_by_side.py LAB_BINARY PYTHON_WITH_TORCH [threads] [rounds] [BEFORE_BINARY]

LAB_BINARY: a release build of resnet-lab. PYTHON_WITH_TORCH: a Python that can import
torch. BEFORE_BINARY: another resnet-lab build with `bench train` (for before/after rows); a
shell script that sets RESIDUAL_KERNELS and runs a build compares register tiles. For AVX2
on both sides on an AVX-512 machine, build ours with RESIDUAL_TARGET_CPU=znver3 and set
ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 for this script.
Each round runs `resnet-lab bench train --json` (median of 5 steps per net after warm-up)
and ../shared/bench/torch_speed.py (mean of 5 steps after 2 warm-up steps, its own rule).
"""
import json
import os
import re
import statistics
import subprocess
import sys

lab, python = sys.argv[1], sys.argv[2]
threads = sys.argv[3] if len(sys.argv) > 3 else "2"
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
before = sys.argv[5] if len(sys.argv) > 5 else None
here = os.path.dirname(os.path.abspath(__file__))
torch_speed = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "bench", "torch_speed.py"))
if not os.path.exists(torch_speed):
    torch_speed = os.environ.get("TORCH_SPEED", torch_speed)
nets = ["plain-18", "res-18", "plain-34", "res-34", "plain-56", "res-56"]


def ours(binary):
    out = subprocess.run([binary, "bench", "train", "--threads", threads, "--repeats", "5", "--json"],
                         check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    machine = report["machine"]
    if "instruction_set" in report:
        machine += f"; ours compiled for {report['instruction_set']}, {report['tiles']} tiles"
    # The ablation's steps per net, as this build runs it (builds before the report said: 400).
    steps = report.get("ablation_iterations", 400)
    return {row["net"]: row["images_per_second"] for row in report["train"]}, machine, steps


def theirs():
    out = subprocess.run([python, torch_speed, threads], check=True, capture_output=True, text=True).stdout
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\w+-\d+):\s+([\d.]+) img/s", out, re.M)}


samples = {"now": [], "torch": [], "before": []}
machine = ""
for _ in range(rounds):
    now, machine, steps = ours(lab)
    samples["now"].append(now)
    samples["torch"].append(theirs())
    if before:
        samples["before"].append(ours(before)[0])


def median(kind, net):
    return statistics.median(s[net] for s in samples[kind])


def minutes(kind):
    # 6 nets x the ablation's steps of 128 images at the median speeds
    return sum(steps * 128 / median(kind, net) for net in nets) / 60


torch_version = subprocess.run([python, "-c", "import torch; print(torch.__version__)"],
                               capture_output=True, text=True).stdout.strip()
torch_isa = os.environ.get("ATEN_CPU_CAPABILITY")
torch_isa = f" (ATEN_CPU_CAPABILITY={torch_isa}, ONEDNN_MAX_CPU_ISA={os.environ.get('ONEDNN_MAX_CPU_ISA')})" \
    if torch_isa else ""
print(f"Machine: {machine}; {threads} threads; PyTorch {torch_version}{torch_isa}; "
      f"medians of {rounds} alternating rounds.")
print()


def row(name, before_cell, now_cell, torch_cell, before_ratio, torch_ratio):
    """One table row; the before columns only when an older build was given."""
    cells = [name] + ([before_cell] if before else []) + [now_cell, torch_cell]
    cells += ([before_ratio] if before else []) + [torch_ratio]
    return "| " + " | ".join(cells) + " |"


header = row("net", "before, img/s", "now, img/s", "PyTorch, img/s", "now / before", "now / PyTorch")
print(header)
print("| --- |" + " ---: |" * (header.count("|") - 2))
for net in nets:
    now = median("now", net)
    print(row(net, f"{median('before', net):.0f}" if before else "", f"{now:.0f}",
              f"{median('torch', net):.0f}", f"{now / median('before', net):.2f}" if before else "",
              f"{now / median('torch', net):.2f}"))
print(row(f"ablation, 6 × {steps} steps (min)", f"{minutes('before'):.1f}" if before else "",
          f"{minutes('now'):.1f}", f"{minutes('torch'):.1f}",
          f"{minutes('before') / minutes('now'):.2f}" if before else "",
          f"{minutes('torch') / minutes('now'):.2f}"))
