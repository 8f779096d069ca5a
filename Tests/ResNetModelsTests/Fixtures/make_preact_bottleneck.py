"""Writes preact_bottleneck.json: PyTorch's pre-activation bottleneck (He et al. 2016, the
bottleneck form of figure 1b), named as ResNetModels' `PreActBottleneck` names its layers,
with seeded random weights and batch-norm statistics, an input, and the eval-mode output.

Run from this folder with PyTorch installed:  python make_preact_bottleneck.py

Each case holds
  config      in_planes, planes, stride (the block that ResNetModels must build)
  parameters  the number of trainable parameters PyTorch counts
  state_dict  [[name, shape, flat values], ...] in state_dict() order
  input       {"shape", "data"}
  eval_output {"shape", "data"}: the block in eval mode (running statistics)
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F


class PreActBottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, planes, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.downsample = None
        if stride != 1 or in_planes != planes * 4:
            # Option B: a 1x1 projection with batch norm, from the pre-activated input.
            self.downsample = nn.Sequential(
                nn.Conv2d(in_planes, planes * 4, 1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = F.relu(self.bn1(x))
        shortcut = x if self.downsample is None else self.downsample(out)
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        out = self.conv3(F.relu(self.bn3(out)))
        return out + shortcut


def flat(t):
    return t.detach().reshape(-1).tolist()


torch.manual_seed(0)
cases = {}
for name, (in_planes, planes, stride, size) in {
    "identity": (32, 8, 1, 5),
    "projection_stride2": (16, 8, 2, 6),
    "projection_widen": (8, 4, 1, 4),
}.items():
    block = PreActBottleneck(in_planes, planes, stride)
    with torch.no_grad():
        for module in block.modules():
            if isinstance(module, nn.Conv2d):
                module.weight.normal_(0, 0.3)
            if isinstance(module, nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 1.5)
    block.eval()
    x = torch.randn(2, in_planes, size, size)
    with torch.no_grad():
        y = block(x)
    cases[name] = {
        "config": {"in_planes": in_planes, "planes": planes, "stride": stride},
        "parameters": sum(p.numel() for p in block.parameters()),
        "state_dict": [[k, list(v.shape), flat(v.float())] for k, v in block.state_dict().items()],
        "input": {"shape": list(x.shape), "data": flat(x)},
        "eval_output": {"shape": list(y.shape), "data": flat(y)},
    }

with open("preact_bottleneck.json", "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f)
print("wrote preact_bottleneck.json:", {k: v["parameters"] for k, v in cases.items()})
