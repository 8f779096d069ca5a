"""Golden values from PyTorch for NNTests/PyTorchInteropTests.swift.

Builds Sequential(Conv2d(2, 3, 3, padding=1), BatchNorm2d(3), ReLU(), Flatten(),
Linear(3*4*4, 5)), gives batch norm non-trivial parameters and running statistics, and writes:

- sequential_weights.safetensors: the model's state_dict before any forward pass
  (num_batches_tracked as I64, as PyTorch stores it).
- sequential_io.safetensors: the input, the eval-mode output, then the train-mode output of
  one forward pass and batch norm's buffers after it.

Both files are written by hand (struct + json), so the script needs only torch:
    /tmp/torchvenv/bin/python make_sequential_fixture.py
"""

import json
import struct
from pathlib import Path

import torch
from torch import nn

HERE = Path(__file__).resolve().parent

DTYPES = {torch.float32: ("F32", "<f"), torch.int64: ("I64", "<q")}


def write_safetensors(path, tensors, metadata=None):
    """The safetensors format: u64 header length, JSON header, raw little-endian data."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    chunks = []
    offset = 0
    for name, tensor in tensors.items():
        tensor = tensor.detach().contiguous().cpu()
        dtype, code = DTYPES[tensor.dtype]
        values = tensor.reshape(-1).tolist()
        data = struct.pack("<%d%s" % (len(values), code[1]), *values)
        header[name] = {
            "dtype": dtype,
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)  # pad so the data section is 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in chunks:
            f.write(data)


def main():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(2, 3, 3, padding=1),
        nn.BatchNorm2d(3),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(3 * 4 * 4, 5),
    )
    bn = model[1]
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.5, 0.5, -0.8]))
        bn.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
        bn.running_mean.copy_(torch.tensor([0.05, -0.1, 0.2]))
        bn.running_var.copy_(torch.tensor([0.9, 1.2, 0.7]))
        bn.num_batches_tracked.fill_(7)
    write_safetensors(
        HERE / "sequential_weights.safetensors",
        dict(model.state_dict()),
        {"source": "make_sequential_fixture.py", "torch": torch.__version__},
    )

    x = torch.randn(4, 2, 4, 4)
    model.eval()
    with torch.no_grad():
        eval_output = model(x)
    model.train()
    with torch.no_grad():
        train_output = model(x)
    write_safetensors(
        HERE / "sequential_io.safetensors",
        {
            "input": x,
            "eval_output": eval_output,
            "train_output": train_output,
            "running_mean_after": bn.running_mean,
            "running_var_after": bn.running_var,
            "num_batches_tracked_after": bn.num_batches_tracked,
        },
    )
    print("state_dict keys:", list(model.state_dict().keys()))
    print("train output:", train_output)


if __name__ == "__main__":
    main()
