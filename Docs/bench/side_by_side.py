"""Runs `resnet-lab bench` and the PyTorch anchor on the same machine, one after the other,
and prints the Markdown tables of Docs/PERFORMANCE.md (figures, ratios, the commands).

    python Docs/bench/side_by_side.py LAB_BINARY PYTHON_WITH_TORCH [threads] [repeats]

LAB_BINARY is a release build of resnet-lab (swift build -c release --product resnet-lab);
PYTHON_WITH_TORCH a Python that can import torch (a throwaway venv is enough).
"""
import json
import os
import subprocess
import sys

lab, python = sys.argv[1], sys.argv[2]
threads = sys.argv[3] if len(sys.argv) > 3 else "2"
repeats = sys.argv[4] if len(sys.argv) > 4 else "7"
here = os.path.dirname(os.path.abspath(__file__))


def run(command):
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def bench(t):
    gemm = run([lab, "bench", "gemm", "--threads", t, "--repeats", repeats, "--json"])
    gemm["conv"] = run([lab, "bench", "conv", "--threads", t, "--repeats", repeats, "--json"])["conv"]
    return gemm


ours = {t: bench(t) for t in ("1", threads)}
theirs = run([python, os.path.join(here, "torch_kernels.py"), threads, repeats])
load = open("/proc/loadavg").read().split()[:3]

print(f"Machine: {ours['1']['machine']}; nominal FP32 peak {ours['1']['peak_gflops']:.0f} GFLOP/s per core "
      f"(cores × GHz × FMA lanes per cycle × 2). PyTorch {theirs['torch']}. Load average before: {' '.join(load)}.")
print()
print(f"| GEMM m×n×k | naive | fast, 1 thread | fast, {threads} threads | PyTorch, {threads} threads "
      f"| fast / naive | fast / PyTorch |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for one, many, torch_row in zip(ours["1"]["gemm"], ours[threads]["gemm"], theirs["gemm"]):
    naive = one.get("naive_gflops")
    naive_text = f"{naive:.2f}" if naive else "–"
    speedup = f"{many['gflops'] / naive:.0f}×" if naive else "–"
    print(f"| {one['m']}×{one['n']}×{one['k']} | {naive_text} | {one['gflops']:.1f} | {many['gflops']:.1f} | "
          f"{torch_row['gflops']:.1f} | {speedup} | {many['gflops'] / torch_row['gflops']:.2f} |")
print()
print(f"| conv 3×3, batch 128 | pass | naive | fast, 1 thread | fast, {threads} threads | PyTorch, {threads} threads "
      f"| fast / naive | fast / PyTorch |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for one, many, torch_row in zip(ours["1"]["conv"], ours[threads]["conv"], theirs["conv"]):
    for i, (key, torch_key) in enumerate([("forward_gflops", "forward"), ("backward_data_gflops", "backwardData"),
                                          ("backward_weight_gflops", "backwardWeight")]):
        naive = (one.get("naive_gflops") or [None] * 3)[i]
        print(f"| {one['layer'] if i == 0 else ''} | {torch_key} | {naive:.2f} | {one[key]:.1f} | {many[key]:.1f} | "
              f"{torch_row[torch_key]:.1f} | {many[key] / naive:.0f}× | {many[key] / torch_row[torch_key]:.2f} |")
