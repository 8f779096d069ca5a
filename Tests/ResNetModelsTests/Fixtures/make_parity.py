"""Writes the forward-parity fixtures for ResNetModels: tiny ResNets built in PyTorch with
seeded random weights AND random batch-norm statistics and affine parameters, named exactly
as ResNetModels names them, with an input batch and the logits PyTorch computes for it.

Run from this folder with PyTorch and torchvision installed:  python make_parity.py

Each parity_<case>.json holds
  config        what ResNetModels must build (block, stem, widths, blocks, shortcut, ...)
  state_dict    [[name, shape, flat values], ...] in PyTorch's state_dict() order
  input         {"shape", "data"}: the batch
  eval_logits   the logits in eval mode (running statistics normalise)
  train_logits  the logits in training mode, computed after eval_logits from the same
                weights (batch statistics normalise)
  targets, train_loss, gradients
                the cross-entropy of train_logits against targets, and its gradient with
                respect to every parameter ([[name, shape, flat values], ...])
  buffers_after_train  every buffer after that one training-mode forward pass (the running
                estimates moved by momentum 0.1, num_batches_tracked + 1)

Cases:
  cifar_a       CIFAR stem, 3 stages of BasicBlocks (depth 8, widths 4/7/12: odd channel
                increases), option A (parameter-free shortcut: stride-2 subsampling,
                zero-padded channels split pad//2 before and the rest after, as
                bench/torch_ablation.py)
  cifar_b       depth 8, widths 4/8/16, option B (1x1 projection + BN as `downsample`), using
                torchvision's own BasicBlock
  bottleneck    ImageNet stem (7x7/2 conv, BN, ReLU, 3x3/2 max pool) and two stages of
                torchvision's own Bottleneck (stride on the 3x3 conv, v1.5)
  preact_a      pre-activation blocks (He et al. 2016: BN, ReLU, conv), CIFAR stem without
                BN, a final BN + ReLU before pooling, widths 4/7/12, option A
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import BasicBlock, Bottleneck


def zero_pad_shortcut(x, stride, extra):
    """Option A: keep every stride-th pixel, add `extra` zero channels (extra//2 first)."""
    if stride > 1:
        x = x[:, :, ::stride, ::stride]
    if extra:
        x = F.pad(x, (0, 0, 0, 0, extra // 2, extra - extra // 2))
    return x


class OptionABlock(nn.Module):
    """torchvision's BasicBlock with the parameter-free shortcut instead of `downsample`."""

    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.stride, self.extra = stride, planes - inplanes

    def forward(self, x):
        identity = zero_pad_shortcut(x, self.stride, self.extra)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class PreActBlock(nn.Module):
    """He et al. 2016: BN, ReLU, conv, BN, ReLU, conv, + shortcut (no activation after).
    A shape-changing shortcut reads the pre-activated input; the identity reads x."""

    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.stride, self.extra = stride, planes - inplanes

    def forward(self, x):
        pre = self.relu(self.bn1(x))
        changes = self.stride > 1 or self.extra
        identity = zero_pad_shortcut(pre, self.stride, self.extra) if changes else x
        out = self.conv1(pre)
        out = self.conv2(self.relu(self.bn2(out)))
        return out + identity


class TinyResNet(nn.Module):
    def __init__(self, block, widths, blocks, stem, shortcut, preact=False, in_ch=3, classes=10):
        super().__init__()
        expansion = 4 if block == "bottleneck" else 1
        self.inplanes = widths[0]
        if stem == "imagenet":
            self.conv1 = nn.Conv2d(in_ch, widths[0], 7, 2, 3, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_ch, widths[0], 3, 1, 1, bias=False)
        if not preact:
            self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        if stem == "imagenet":
            self.maxpool = nn.MaxPool2d(3, 2, 1)
        for i, (w, n) in enumerate(zip(widths, blocks)):
            layer = []
            for j in range(n):
                stride = 2 if (i > 0 and j == 0) else 1
                out = w * expansion
                if preact:
                    layer.append(PreActBlock(self.inplanes, w, stride))
                elif shortcut == "a":
                    layer.append(OptionABlock(self.inplanes, w, stride))
                else:
                    downsample = None
                    if stride != 1 or self.inplanes != out:
                        downsample = nn.Sequential(
                            nn.Conv2d(self.inplanes, out, 1, stride, bias=False),
                            nn.BatchNorm2d(out))
                    cls = Bottleneck if block == "bottleneck" else BasicBlock
                    layer.append(cls(self.inplanes, w, stride, downsample))
                self.inplanes = out
            setattr(self, f"layer{i + 1}", nn.Sequential(*layer))
        self.stages = len(widths)
        if preact:
            self.bn = nn.BatchNorm2d(self.inplanes)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(self.inplanes, classes)
        self.preact, self.stem = preact, stem

    def forward(self, x):
        x = self.conv1(x)
        if not self.preact:
            x = self.relu(self.bn1(x))
        if self.stem == "imagenet":
            x = self.maxpool(x)
        for i in range(self.stages):
            x = getattr(self, f"layer{i + 1}")(x)
        if self.preact:
            x = self.relu(self.bn(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def randomize(model, generator):
    """Kaiming-normal convs, default linear, and non-trivial batch-norm state."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu",
                                    generator=generator)
        elif isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            with torch.no_grad():
                m.weight.copy_(0.5 + torch.rand(c, generator=generator))
                m.bias.copy_(0.2 * torch.randn(c, generator=generator))
                m.running_mean.copy_(0.2 * torch.randn(c, generator=generator))
                m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=generator))
                m.num_batches_tracked.fill_(7)


def flat(t):
    # 9 significant digits round-trip a float32 exactly.
    return [float(f"{v:.9g}") for v in t.detach().double().flatten().tolist()]


def tensor_json(t):
    return {"shape": list(t.shape), "data": flat(t)}


CASES = {
    "cifar_a": dict(block="basic", widths=[4, 7, 12], blocks=[1, 1, 1], stem="cifar",
                    shortcut="a", input=[2, 3, 16, 16]),
    "cifar_b": dict(block="basic", widths=[4, 8, 16], blocks=[1, 1, 1], stem="cifar",
                    shortcut="b", input=[2, 3, 16, 16]),
    "bottleneck": dict(block="bottleneck", widths=[4, 8], blocks=[2, 1], stem="imagenet",
                       shortcut="b", input=[2, 3, 16, 16]),
    "preact_a": dict(block="preact", widths=[4, 7, 12], blocks=[1, 1, 1], stem="cifar",
                     shortcut="a", input=[2, 3, 16, 16]),
}

if __name__ == "__main__":
    for seed, (name, case) in enumerate(CASES.items()):
        generator = torch.Generator().manual_seed(100 + seed)
        torch.manual_seed(100 + seed)
        model = TinyResNet(case["block"], case["widths"], case["blocks"], case["stem"],
                           case["shortcut"], preact=case["block"] == "preact")
        randomize(model, generator)
        x = torch.randn(case["input"], generator=generator)
        state = [[k, list(v.shape), flat(v)] for k, v in model.state_dict().items()]
        targets = torch.tensor([3, 7])
        with torch.no_grad():
            model.eval()
            eval_logits = model(x)
        model.train()
        train_logits = model(x)
        loss = F.cross_entropy(train_logits, targets)
        loss.backward()
        gradients = [[k, list(p.shape), flat(p.grad)] for k, p in model.named_parameters()]
        buffers = [[k, list(v.shape), flat(v)] for k, v in model.named_buffers()]
        fixture = dict(config={k: v for k, v in case.items() if k != "input"},
                       state_dict=state, input=tensor_json(x),
                       eval_logits=tensor_json(eval_logits),
                       train_logits=tensor_json(train_logits),
                       targets=targets.tolist(), train_loss=loss.item(), gradients=gradients,
                       buffers_after_train=buffers)
        path = f"parity_{name}.json"
        with open(path, "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
        print(path, sum(p.numel() for p in model.parameters()), "parameters")
