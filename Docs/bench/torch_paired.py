"""PyTorch's half of paired_side_by_side.py: one ablation net (or cifar-resnet20) kept alive
and timed in the slices the driver asks for, as `resnet-lab bench train|eval --paired`.

    python torch_paired.py train|eval NET [threads]

train: a training step on a fixed batch of 128 28x28x1 images (zero_grad, forward,
cross-entropy, backward, SGD with momentum 0.9 and weight decay 1e-4, as torch_speed.py).
eval: `model.eval()` under `torch.inference_mode()`, batch 256, after nine training-mode
forward passes (see below). After building the net and
two untimed steps it prints `ready`; then for each line N of standard input it takes N
steps and prints {"seconds": [...]}, each step's wall time; it exits at the end of input.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get(
    "TORCH_ABLATION_DIR", os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "bench"))))
from torch_ablation import Net  # noqa: E402

mode, name = sys.argv[1], sys.argv[2]
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
torch.manual_seed(0)
if name == "cifar-resnet20":
    model = Net(20, True)  # blocks [3, 3, 3] on one input channel
else:
    kind, depth = name.split("-")
    model = Net(int(depth), kind == "res")

if mode == "train":
    x = torch.randn(128, 1, 28, 28)
    y = torch.randint(0, 10, (128,))
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)

    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
elif mode == "eval":
    x = torch.randn(256, 1, 28, 28)
    # Nine training-mode forward passes first, as eval_side_by_side.py measures them before
    # evaluating: they grow the C heap, and without them glibc hands the evaluation's large
    # blocks back to the kernel and faults them in again on every pass (plain-18 on the Zen 1:
    # 617 img/s and 827,004 page faults against 835 and 407,397; also 869 with
    # MALLOC_TRIM_THRESHOLD_ and MALLOC_MMAP_THRESHOLD_ raised).
    model.train()
    for _ in range(9):
        model(x)
    model.eval()

    def step():
        with torch.inference_mode():
            model(x)
else:
    sys.exit(f"torch_paired.py: the mode must be train or eval, got '{mode}'")

for _ in range(2):
    step()
print("ready", flush=True)
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    if not line.isdigit() or int(line) < 1:
        sys.exit(f"torch_paired.py: each input line must be a number of steps (1 or more), got '{line}'")
    seconds = []
    for _ in range(int(line)):
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds": seconds}), flush=True)
