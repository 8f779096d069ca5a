"""One ablation net's training steps in PyTorch, for measuring peak memory beside
`resnet-lab bench train --net NAME` (see memory_side_by_side.py): batch 128 of 28x28x1,
SGD with momentum 0.9 and weight decay 1e-4, 1 warm-up step and 3 more, as ours.

    python torch_train_step.py NET [threads]       # NET: plain-18, res-18, ... res-56
"""
import os
import sys

import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get(
    "TORCH_ABLATION_DIR", os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "bench"))))
from torch_ablation import Net  # noqa: E402

name = sys.argv[1]
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
kind, depth = name.split("-")
torch.manual_seed(0)
x = torch.randn(128, 1, 28, 28)
y = torch.randint(0, 10, (128,))
model = Net(int(depth), kind == "res")
model.train()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
for _ in range(4):
    optimizer.zero_grad()
    F.cross_entropy(model(x), y).backward()
    optimizer.step()
