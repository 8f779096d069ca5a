"""Opens a checkpoint written by `Trainer` with the reference `safetensors` package and
PyTorch, and records what they saw in checkpoint_in_pytorch.json.

Run from this folder, with PyTorch, torchvision and safetensors installed and the Swift
toolchain on the PATH:  python make_checkpoint_in_pytorch.py

Steps:
1. `swift test --filter checkpointOpensInPyTorch` with RESIDUAL_CHECKPOINT_FIXTURE set: the
   test trains ResNet-18 for one step on the tiny bars problem (8x8 grayscale, 4 classes,
   seeded) and copies its checkpoint to that path.
2. `safetensors.safe_open` reads the header and every tensor (the reference reader refuses
   headers over 100 MB and files whose offsets do not tile the data section).
3. The tensors whose names do not start with "optimizer." load into torchvision's
   resnet18(num_classes=4), its conv1 made 1-channel, with strict=True.
4. The "optimizer.state.<i>.momentum_buffer" tensors, with the hyper-parameters from the
   metadata's JSON, load into torch.optim.SGD over model.parameters() through
   load_state_dict; each buffer must have its parameter's shape.
5. The model in eval mode runs on a fixed 2x1x8x8 input; its logits go in the fixture.

The Swift test `checkpointOpensInPyTorch` makes the same checkpoint again, checks the
tensor list against the one recorded here, and compares its own eval-mode logits on the
same input with torchvision's.
"""
import json
import os
import subprocess
import tempfile

import torch
import torch.nn as nn
import torchvision
from safetensors import safe_open

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def make_checkpoint(path):
    env = dict(os.environ, RESIDUAL_CHECKPOINT_FIXTURE=path)
    subprocess.run(
        ["swift", "test", "--filter", "checkpointOpensInPyTorch"],
        cwd=PACKAGE, env=env, check=True, stdout=subprocess.DEVNULL)


def main():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.safetensors")
        make_checkpoint(path)
        with open(path, "rb") as f:
            header_bytes = int.from_bytes(f.read(8), "little")
        tensors = {}
        with safe_open(path, framework="pt") as f:
            metadata = f.metadata()
            names = list(f.keys())
            for name in names:
                tensors[name] = f.get_tensor(name)
        file_bytes = os.path.getsize(path)

    state = json.loads(metadata["residual.training"])
    weights = {k: v for k, v in tensors.items() if not k.startswith("optimizer.")}
    buffers = {k: v for k, v in tensors.items() if k.startswith("optimizer.")}

    model = torchvision.models.resnet18(num_classes=len(state["classNames"]))
    model.conv1 = nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
    result = model.load_state_dict(weights, strict=True)

    group = state["optimizer"]["groups"][0]
    optimizer = torch.optim.SGD(
        model.parameters(), lr=group["learningRate"], momentum=group["momentum"],
        dampening=group["dampening"], nesterov=group["nesterov"],
        weight_decay=group["weightDecay"])
    parameters = list(model.parameters())
    optimizer_state = {}
    for index, parameter in enumerate(parameters):
        buffer = buffers[f"optimizer.state.{index}.momentum_buffer"]
        assert buffer.shape == parameter.shape, (index, buffer.shape, parameter.shape)
        optimizer_state[index] = {"momentum_buffer": buffer}
    saved = optimizer.state_dict()
    saved["state"] = optimizer_state
    optimizer.load_state_dict(saved)
    assert len(buffers) == len(parameters)

    # A fixed input, not random, so that nothing depends on a generator.
    index = torch.arange(2 * 1 * 8 * 8, dtype=torch.float64)
    x = (torch.sin(index * 0.37) * 0.5 + 0.5).to(torch.float32).reshape(2, 1, 8, 8)
    model.eval()
    with torch.no_grad():
        logits = model(x)

    fixture = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "header_bytes": header_bytes,
        "file_bytes": file_bytes,
        "metadata_keys": sorted(metadata.keys()),
        "tensors": [[name, list(tensors[name].shape), str(tensors[name].dtype)]
                    for name in names],
        "missing_keys": result.missing_keys,
        "unexpected_keys": result.unexpected_keys,
        "momentum_buffers_loaded": len(optimizer.state),
        "input": {"shape": list(x.shape), "data": x.flatten().tolist()},
        "eval_logits": {"shape": list(logits.shape), "data": logits.flatten().tolist()},
    }
    with open(os.path.join(HERE, "checkpoint_in_pytorch.json"), "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print(f"header {header_bytes} bytes, file {file_bytes} bytes, {len(names)} tensors; "
          f"torchvision strict load: missing {result.missing_keys}, unexpected "
          f"{result.unexpected_keys}; SGD holds {len(optimizer.state)} momentum buffers")


if __name__ == "__main__":
    main()
