"""Forward-only evaluation of the six ablation nets and cifar-resnet20, ours against PyTorch,
in alternating rounds on the same machine; prints the Markdown table of Docs/PERFORMANCE.md
(medians).

    python Docs/bench/eval_side_by_side.py LAB_BINARY PYTHON_WITH_TORCH [threads] [rounds] [BEFORE_BINARY]

BEFORE_BINARY: an older resnet-lab build, whose folded eval is added as a "before" column.

Ours: `resnet-lab bench eval --json` (batch 256; the training forward pass that records the
autograd graph, eval mode without it, and batch norm folded into the convolutions; medians
of 7 timed passes after one untimed). PyTorch: the same nets (../shared/bench/torch_ablation.py;
its depth 20, blocks [3, 3, 3], is cifar-resnet20 with one input channel), batch 256,
`model.eval()` under `torch.inference_mode()`, and the training-mode forward for reference;
medians of 7 timed passes after 2 untimed. The batch (and a BEFORE build's) must match: a
build whose `bench eval` used batch 128 gives images/s at 128.
"""
import json
import os
import statistics
import subprocess
import sys

lab, python = sys.argv[1], sys.argv[2]
threads = sys.argv[3] if len(sys.argv) > 3 else "2"
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
before = sys.argv[5] if len(sys.argv) > 5 else None
here = os.path.dirname(os.path.abspath(__file__))
shared = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "bench"))
shared = os.environ.get("TORCH_BENCH_DIR", shared)
nets = ["plain-18", "res-18", "plain-34", "res-34", "plain-56", "res-56", "cifar-resnet20"]

TORCH = r"""
import json, statistics, sys, time, torch
sys.path.insert(0, sys.argv[1])
from torch_ablation import Net
torch.set_num_threads(int(sys.argv[2]))
torch.manual_seed(0)
x = torch.randn(256, 1, 28, 28)
out = {}
def rate(body):
    for _ in range(2): body()
    times = []
    for _ in range(7):
        t = time.perf_counter(); body(); times.append(time.perf_counter() - t)
    return 256 / statistics.median(times)
def measure(name, m):
    m.train()
    training = rate(lambda: m(x))
    m.eval()
    def infer():
        with torch.inference_mode():
            m(x)
    out[name] = {"training": training, "eval": rate(infer)}
for depth in (18, 34, 56):
    for residual in (False, True):
        measure(f"{'res' if residual else 'plain'}-{depth}", Net(depth, residual))
measure("cifar-resnet20", Net(20, True))
print(json.dumps(out))
"""


def ours(binary=lab):
    out = subprocess.run([binary, "bench", "eval", "--threads", threads, "--repeats", "7", "--json"],
                         check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    rows = {r["net"]: r for r in report["eval"]}
    machine = report["machine"]
    if "instruction_set" in report:
        machine += f"; ours compiled for {report['instruction_set']}, {report['tiles']} tiles"
    return {net: (rows[net]["training_forward_images_per_second"],
                  rows[net]["folded_forward_images_per_second"]) for net in nets}, machine


def theirs():
    out = subprocess.run([python, "-c", TORCH, shared, threads], check=True, capture_output=True,
                         text=True).stdout
    rows = json.loads(out)
    return {net: (rows[net]["training"], rows[net]["eval"]) for net in nets}


samples_ours, samples_torch, samples_before = [], [], []
machine = ""
for _ in range(rounds):
    result, machine = ours()
    samples_ours.append(result)
    samples_torch.append(theirs())
    if before:
        samples_before.append(ours(before)[0])


def median(samples, net, index):
    return statistics.median(s[net][index] for s in samples)


version = subprocess.run([python, "-c", "import torch; print(torch.__version__)"],
                         capture_output=True, text=True).stdout.strip()
isa = os.environ.get("ATEN_CPU_CAPABILITY")
isa = f" (ATEN_CPU_CAPABILITY={isa}, ONEDNN_MAX_CPU_ISA={os.environ.get('ONEDNN_MAX_CPU_ISA')})" if isa else ""
print(f"Machine: {machine}; {threads} threads; PyTorch {version}{isa}; medians of {rounds} "
      "alternating rounds; images/s, batch 256.")
print()
print("| net | ours, training forward |" + (" ours before, folded eval |" if before else "")
      + " ours, folded eval | PyTorch, training forward "
      "| PyTorch, eval | ours folded / our training fwd | ours folded / PyTorch eval |")
print("| --- |" + " ---: |" * (7 if before else 6))
for net in nets:
    ot, of = median(samples_ours, net, 0), median(samples_ours, net, 1)
    tt, te = median(samples_torch, net, 0), median(samples_torch, net, 1)
    old = f" {median(samples_before, net, 1):.0f} |" if before else ""
    print(f"| {net} | {ot:.0f} |{old} {of:.0f} | {tt:.0f} | {te:.0f} | {of / ot:.2f} | {of / te:.2f} |")
