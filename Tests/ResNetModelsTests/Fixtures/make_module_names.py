"""Writes torchvision_module_names.json: the dotted names and class names of every module in
torchvision's ResNet-18 and ResNet-50 (`named_modules()`, in order), which ResNetModels'
`namedModules()` must reproduce, so summaries and feature-map hooks name layers as PyTorch.

Run from this folder with PyTorch and torchvision installed:  python make_module_names.py
"""
import json

import torchvision

models = {}
for name in ["resnet18", "resnet50"]:
    model = getattr(torchvision.models, name)(weights=None)
    models[name] = [[path, type(module).__name__] for path, module in model.named_modules()]
with open("torchvision_module_names.json", "w") as f:
    json.dump({"torchvision_version": torchvision.__version__, "models": models}, f, indent=0)
print({k: len(v) for k, v in models.items()})
