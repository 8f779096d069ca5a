"""Writes predict_parity.json: what torchvision's ResNet-18 and ResNet-50 compute in eval mode
for a fixed input, with every weight and batch-norm statistic given by a formula, so that the
Swift test can write the very same weights without a 45 MB fixture.

Run from this folder with PyTorch and torchvision installed:  python make_predict_parity.py

The formula, for the tensor at position t of `state_dict()` and its element i (row-major),
with a = sin(0.37·i + 0.71·t) computed in float64 and the result rounded to float32:
  running_var                 1 + 0.25·(1 + a)      (in [1, 1.5])
  running_mean                0.1·a
  num_batches_tracked         0
  other rank-1 tensors        1 + 0.1·a for names ending in "weight", 0.1·a otherwise
                              (batch-norm scale and shift, the classifier's bias)
  weights of rank ≥ 2         a / √fan_in             (convolutions, the classifier)
The input: x[i] = sin(0.13·i), shape [2, 3, 32, 32].

Each model's entry holds its classes, the state-dict names and shapes in order (the test
checks that ours are the same), and the eval-mode logits.
"""
import json
import math

import numpy as np
import torch
import torchvision


def formula_state(model):
    state = {}
    for t, (name, tensor) in enumerate(model.state_dict().items()):
        i = np.arange(tensor.numel(), dtype=np.float64)
        a = np.sin(0.37 * i + 0.71 * t)
        if name.endswith("num_batches_tracked"):
            values = np.zeros_like(a)
        elif name.endswith("running_var"):
            values = 1 + 0.25 * (1 + a)
        elif name.endswith("running_mean"):
            values = 0.1 * a
        elif tensor.dim() == 1:
            values = 1 + 0.1 * a if name.endswith("weight") else 0.1 * a
        else:
            fan_in = int(np.prod(tensor.shape[1:]))
            values = a / math.sqrt(fan_in)
        state[name] = torch.from_numpy(values.astype(np.float32)).reshape(tensor.shape).to(
            tensor.dtype)
    return state


x = torch.from_numpy(np.sin(0.13 * np.arange(2 * 3 * 32 * 32, dtype=np.float64))
                     .astype(np.float32)).reshape(2, 3, 32, 32)
models = {}
for name, classes in [("resnet18", 5), ("resnet50", 3)]:
    model = getattr(torchvision.models, name)(num_classes=classes)
    model.load_state_dict(formula_state(model))
    model.eval()
    with torch.no_grad():
        logits = model(x)
    models[name] = {
        "classes": classes,
        "state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()],
        "logits": logits.flatten().tolist(),
        "logits_shape": list(logits.shape),
    }

with open("predict_parity.json", "w") as f:
    json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__,
               "input_shape": list(x.shape), "models": models}, f)
print("wrote predict_parity.json:", {k: v["logits"][:3] for k, v in models.items()})
