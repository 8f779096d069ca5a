"""Ours against PyTorch, one net at a time, in slices a few seconds long that alternate
between the two: both processes stay alive and take turns (`resnet-lab bench train|eval
--net NET --paired` and torch_paired.py), so each pair of slices sees the same machine.
Prints a Markdown table: images/s (medians over the slices), the ratio ours / PyTorch as
the median of the pairs' ratios, and the lowest and highest pair's ratio beside the spread
of our own slices, which says how much the machine moved while it ran.

    python Docs/bench/paired_side_by_side.py LAB_BINARY PYTHON_WITH_TORCH [threads] [pairs] [train|eval] [seconds]
    python Docs/bench/paired_side_by_side.py LAB_BINARY lab:BEFORE_BINARY ...   # two builds of ours

With `lab:BEFORE_BINARY` in place of the Python, the other side is another resnet-lab build
(`bench --paired` too), for a before/after comparison of a change in the same way.

pairs: slices per side for each net (default 8); seconds: the length of a slice (default 2;
the steps per slice are set from one timed step of each). The order alternates, ours first
in even pairs and PyTorch first in odd ones, so a steady drift favours neither; half a
second of rest comes before every slice, for PyTorch's OpenMP threads to go to sleep, and
each slice begins with one untimed step (paired.py). For
AVX2 on both sides on an AVX-512 machine, as train_side_by_side.py.
"""
import os
import re
import statistics
import subprocess
import sys

lab, python = sys.argv[1], sys.argv[2]
threads = sys.argv[3] if len(sys.argv) > 3 else "2"
pairs = int(sys.argv[4]) if len(sys.argv) > 4 else 8
mode = sys.argv[5] if len(sys.argv) > 5 else "train"
slice_seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 2.0
other_lab = python[len("lab:"):] if python.startswith("lab:") else None
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from paired import Side, lab_command  # noqa: E402
nets = ["plain-18", "res-18", "plain-34", "res-34", "plain-56", "res-56"]
if mode == "eval":
    nets.append("cifar-resnet20")
batch = 128 if mode == "train" else 256


def measure(net):
    ours = Side(lab_command(lab, mode, net, threads), slice_seconds)
    if other_lab:
        theirs = Side(lab_command(other_lab, mode, net, threads), slice_seconds)
    else:
        theirs = Side([python, os.path.join(here, "torch_paired.py"), mode, net, threads],
                      slice_seconds)
    sides = {"ours": ours, "torch": theirs}
    times = {"ours": [], "torch": []}
    for i in range(pairs):
        order = ["ours", "torch"] if i % 2 == 0 else ["torch", "ours"]
        for name in order:
            times[name].append(sides[name].slice())
    for side in sides.values():
        side.close()
    ratios = [t / o for o, t in zip(times["ours"], times["torch"])]
    return times, ratios, {name: side.count for name, side in sides.items()}


def cpu():
    text = open("/proc/cpuinfo").read()
    field = lambda key: re.search(rf"^{key}\s*:\s*(.*)$", text, re.M).group(1)
    flags = field("flags").split()
    isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "neither AVX2 nor AVX-512"
    return f"{field('model name')} (family {field('cpu family')} model {field('model')}), the CPU has {isa}"


if other_lab:
    other, against = "before", f"against {other_lab}"
    evaluated = ", folded"
else:
    torch_version = subprocess.run([python, "-c", "import torch; print(torch.__version__)"],
                                   capture_output=True, text=True).stdout.strip()
    torch_isa = os.environ.get("ATEN_CPU_CAPABILITY")
    torch_isa = f" (ATEN_CPU_CAPABILITY={torch_isa}, ONEDNN_MAX_CPU_ISA={os.environ.get('ONEDNN_MAX_CPU_ISA')})" \
        if torch_isa else ""
    other, against = "PyTorch", f"PyTorch {torch_version}{torch_isa}"
    evaluated = " (ours folded, PyTorch inference_mode)"
what = "training step, batch 128" if mode == "train" else \
    f"evaluation, batch 256{evaluated}"
print(f"Machine: {cpu()}; {threads} threads; {against}; {what}; "
      f"{pairs} pairs of slices of about {slice_seconds:g} s per net.")
print()
print(f"| net | ours, img/s | {other}, img/s | ours / {other} (median of pairs) | lowest–highest pair "
      f"| ours, slowest–fastest slice (img/s) | steps per slice, ours / {other} |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for net in nets:
    times, ratios, counts = measure(net)
    ours = batch / statistics.median(times["ours"])
    theirs = batch / statistics.median(times["torch"])
    print(f"| {net} | {ours:.0f} | {theirs:.0f} | {statistics.median(ratios):.2f} | "
          f"{min(ratios):.2f}–{max(ratios):.2f} | "
          f"{batch / max(times['ours']):.0f}–{batch / min(times['ours']):.0f} | "
          f"{counts['ours']} / {counts['torch']} |", flush=True)
