"""Writes torchvision_state_dict_keys.json: the state-dict keys (in order) and shapes of
torchvision's ResNets with 1000 classes, which ResNetModels must reproduce exactly.

Run from this folder with PyTorch and torchvision installed:  python make_state_dict_keys.py
"""
import json
import torchvision

models = {}
for name in ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"]:
    model = getattr(torchvision.models, name)(weights=None)
    models[name] = {
        "keys": [[k, list(v.shape)] for k, v in model.state_dict().items()],
        "parameters": sum(p.numel() for p in model.parameters()),
    }
with open("torchvision_state_dict_keys.json", "w") as f:
    json.dump({"torchvision_version": torchvision.__version__, "models": models}, f, indent=0)
print({k: v["parameters"] for k, v in models.items()})
