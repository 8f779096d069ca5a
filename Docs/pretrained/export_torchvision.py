"""Exports torchvision's ImageNet weights to safetensors files that Residual loads.

Run it on a machine with PyTorch, torchvision, safetensors and internet access (Residual
itself downloads nothing), then copy the files over:

    pip install torch torchvision safetensors
    python export_torchvision.py resnet18 resnet50          # writes resnet18.safetensors, ...

The state-dict names are torchvision's, which are Residual's too, so the file loads as it is:

    resnet-lab predict --model resnet18 --weights resnet18.safetensors \
        --input x.safetensors --out y.safetensors

or start lesson 09 from them:

    swift run lesson-09-fine-tuning --weights resnet18.safetensors --model resnet18

or, from Swift, `try model.loadWeights(from: "resnet18.safetensors")` on
`ResNet.resnet18(generator: &generator)`. Batch norm's `num_batches_tracked` is stored as I64,
which the reader converts. The weights are torchvision's IMAGENET1K_V1 set (the one whose
top-1 accuracies lesson 06 cites); their licence is torchvision's.

`--random` writes the same files with torchvision's random initialisation instead, without
downloading anything: a way to check the whole path (export, load, lesson 09) offline.
"""
import sys

import torchvision
from safetensors.torch import save_file

WEIGHTS = {
    "resnet18": "ResNet18_Weights", "resnet34": "ResNet34_Weights",
    "resnet50": "ResNet50_Weights", "resnet101": "ResNet101_Weights",
    "resnet152": "ResNet152_Weights",
}

arguments = sys.argv[1:]
random = "--random" in arguments
names = [a for a in arguments if a != "--random"] or ["resnet18"]
for name in names:
    if name not in WEIGHTS:
        sys.exit(f"unknown model {name!r}; choose from {', '.join(WEIGHTS)}")
    weights = None if random else getattr(torchvision.models, WEIGHTS[name]).IMAGENET1K_V1
    model = getattr(torchvision.models, name)(weights=weights)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, f"{name}.safetensors", metadata={"source": f"torchvision {weights or 'random initialisation'}"})
    print(f"wrote {name}.safetensors ({sum(v.numel() for v in state.values()):,} values)")
