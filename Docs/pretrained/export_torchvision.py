"""Exports torchvision's ImageNet weights to safetensors files that Residual loads.

Run it on a machine with PyTorch, torchvision, safetensors and internet access (Residual
itself downloads nothing), then copy the files over:

    pip install torch torchvision safetensors
    python export_torchvision.py resnet18 resnet50          # writes resnet18.safetensors, ...

The state-dict names are torchvision's, which are Residual's too, so the file loads as it is:

    resnet-lab predict --model resnet18 --weights resnet18.safetensors \
        --input x.safetensors --out y.safetensors

or, from Swift, `try model.loadWeights(from: "resnet18.safetensors")` on
`ResNet.resnet18(generator: &generator)`. Batch norm's `num_batches_tracked` is stored as I64,
which the reader converts. The weights are torchvision's IMAGENET1K_V1 set (the one whose
top-1 accuracies lesson 06 cites); their licence is torchvision's.
"""
import sys

import torchvision
from safetensors.torch import save_file

WEIGHTS = {
    "resnet18": "ResNet18_Weights", "resnet34": "ResNet34_Weights",
    "resnet50": "ResNet50_Weights", "resnet101": "ResNet101_Weights",
    "resnet152": "ResNet152_Weights",
}

for name in sys.argv[1:] or ["resnet18"]:
    if name not in WEIGHTS:
        sys.exit(f"unknown model {name!r}; choose from {', '.join(WEIGHTS)}")
    weights = getattr(torchvision.models, WEIGHTS[name]).IMAGENET1K_V1
    model = getattr(torchvision.models, name)(weights=weights)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, f"{name}.safetensors", metadata={"source": f"torchvision {weights}"})
    print(f"wrote {name}.safetensors ({sum(v.numel() for v in state.values()):,} values)")
