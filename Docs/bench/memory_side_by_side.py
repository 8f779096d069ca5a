"""Peak resident memory of training steps on each ablation net, ours against PyTorch's,
measured the same way: GNU time's maximum resident set size of a process that builds the
net and runs a few steps on one batch of 128 (`resnet-lab bench train --net NAME`, and
torch_train_step.py). Also each side's baseline: the process that starts and does nothing
(ours: `resnet-lab --help`; PyTorch: `import torch`). Prints a Markdown table.

    python3 Docs/bench/memory_side_by_side.py LAB_BINARY PYTHON_WITH_TORCH [threads]
"""
import os
import subprocess
import sys
import tempfile

lab, python = sys.argv[1], sys.argv[2]
threads = sys.argv[3] if len(sys.argv) > 3 else "2"
here = os.path.dirname(os.path.abspath(__file__))
nets = ["plain-18", "res-18", "plain-34", "res-34", "plain-56", "res-56"]


def peak_mb(command):
    with tempfile.NamedTemporaryFile() as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + command, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(open(out.name).read().split()[-1]) / 1024


ours_base = peak_mb([lab, "--help"])
torch_base = peak_mb([python, "-c", "import torch"])
print(f"baselines: ours {ours_base:.0f} MB, PyTorch {torch_base:.0f} MB (import torch)")
print()
print("| net | ours, peak (MB) | PyTorch, peak (MB) | ours / PyTorch | ours above baseline | PyTorch above baseline |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for net in nets:
    ours = peak_mb([lab, "bench", "train", "--net", net, "--threads", threads, "--repeats", "3"])
    theirs = peak_mb([python, os.path.join(here, "torch_train_step.py"), net, threads])
    print(f"| {net} | {ours:.0f} | {theirs:.0f} | {ours / theirs:.2f} | "
          f"{ours - ours_base:.0f} | {theirs - torch_base:.0f} |")
