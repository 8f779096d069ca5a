"""Writes torch_goldens.json: PyTorch forward and backward values for TensorCore's tests.

Run from this folder with any PyTorch 2.x (CPU is fine):  python make_goldens.py
Every case is small and seeded. For each op the upstream gradient `g` is random, so the
backward values check every element of every input gradient, not just a sum.
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float32)
cases = {}


def t(x):
    return {"shape": list(x.shape), "data": [float(v) for v in x.detach().reshape(-1).tolist()]}


def conv_case(name, n, c, h, w, k, r, s, stride, pad, bias):
    x = torch.randn(n, c, h, w, requires_grad=True)
    wt = torch.randn(k, c, r, s, requires_grad=True)
    b = torch.randn(k, requires_grad=True) if bias else None
    y = F.conv2d(x, wt, b, stride=stride, padding=pad)
    g = torch.randn_like(y)
    y.backward(g)
    case = {"stride": stride, "padding": pad, "x": t(x), "weight": t(wt), "y": t(y), "g": t(g),
            "dx": t(x.grad), "dweight": t(wt.grad)}
    if bias:
        case["bias"] = t(b)
        case["dbias"] = t(b.grad)
    cases[name] = case


conv_case("conv3x3_s2_p1_bias", 2, 3, 5, 6, 4, 3, 3, 2, 1, True)
conv_case("conv1x1_s1_p0", 2, 5, 4, 3, 3, 1, 1, 1, 0, False)
conv_case("conv7x7_s2_p3", 1, 2, 9, 8, 3, 7, 7, 2, 3, False)

# Batch norm, training mode: batch statistics (biased variance) normalise; the running
# estimates move by momentum 0.1 toward the batch mean and the UNBIASED batch variance.
x = (torch.randn(4, 3, 3, 2) * 2 + 1).requires_grad_(True)
weight = torch.randn(3, requires_grad=True)
bias = torch.randn(3, requires_grad=True)
running_mean = torch.randn(3)
running_var = torch.rand(3) + 0.5
rm, rv = running_mean.clone(), running_var.clone()
y = F.batch_norm(x, rm, rv, weight, bias, training=True, momentum=0.1, eps=1e-5)
g = torch.randn_like(y)
y.backward(g)
cases["batchnorm_train"] = {"x": t(x), "weight": t(weight), "bias": t(bias),
                            "running_mean_before": t(running_mean), "running_var_before": t(running_var),
                            "running_mean_after": t(rm), "running_var_after": t(rv),
                            "y": t(y), "g": t(g), "dx": t(x.grad), "dweight": t(weight.grad),
                            "dbias": t(bias.grad), "momentum": 0.1, "eps": 1e-5}
# Eval mode: the running estimates normalise.
x = torch.randn(2, 3, 2, 2, requires_grad=True)
y = F.batch_norm(x, running_mean, running_var, weight, bias, training=False, eps=1e-5)
g = torch.randn_like(y)
y.backward(g)
cases["batchnorm_eval"] = {"x": t(x), "weight": t(weight), "bias": t(bias),
                           "running_mean": t(running_mean), "running_var": t(running_var),
                           "y": t(y), "g": t(g), "dx": t(x.grad), "eps": 1e-5}

# Max pooling as in the ResNet stem: 3x3, stride 2, padding 1 (padding never wins a max).
x = torch.randn(2, 2, 7, 6, requires_grad=True)
y = F.max_pool2d(x, 3, 2, 1)
g = torch.randn_like(y)
y.backward(g)
cases["maxpool3x3_s2_p1"] = {"kernel": 3, "stride": 2, "padding": 1, "x": t(x), "y": t(y), "g": t(g),
                             "dx": t(x.grad)}

x = torch.randn(2, 3, 6, 4, requires_grad=True)
y = F.avg_pool2d(x, 2, 2)
g = torch.randn_like(y)
y.backward(g)
cases["avgpool2x2_s2"] = {"kernel": 2, "stride": 2, "padding": 0, "x": t(x), "y": t(y), "g": t(g),
                          "dx": t(x.grad)}

x = torch.randn(3, 4, 5, 5, requires_grad=True)
y = F.adaptive_avg_pool2d(x, 1)
g = torch.randn_like(y)
y.backward(g)
cases["global_avgpool"] = {"x": t(x), "y": t(y), "g": t(g), "dx": t(x.grad)}

logits = (torch.randn(5, 7) * 3).requires_grad_(True)
targets = torch.tensor([0, 6, 3, 3, 1])
loss = F.cross_entropy(logits, targets)
loss.backward()
cases["cross_entropy"] = {"logits": t(logits), "targets": targets.tolist(), "loss": loss.item(),
                          "dlogits": t(logits.grad)}

x = (torch.randn(3, 6) * 4).requires_grad_(True)
y = F.log_softmax(x, dim=1)
g = torch.randn_like(y)
y.backward(g)
cases["log_softmax"] = {"x": t(x), "y": t(y), "g": t(g), "dx": t(x.grad)}

# Non-square windows, strides and paddings (appended last, so the cases above keep their
# random numbers).
x = torch.randn(2, 2, 7, 8, requires_grad=True)
y = F.max_pool2d(x, (3, 2), (2, 1), (1, 0))
g = torch.randn_like(y)
y.backward(g)
cases["maxpool3x2_s2x1_p1x0"] = {"kernel": [3, 2], "stride": [2, 1], "padding": [1, 0],
                                 "x": t(x), "y": t(y), "g": t(g), "dx": t(x.grad)}

x = torch.randn(2, 3, 6, 7, requires_grad=True)
y = F.avg_pool2d(x, (2, 3), (2, 2), (1, 1))
g = torch.randn_like(y)
y.backward(g)
cases["avgpool2x3_s2_p1"] = {"kernel": [2, 3], "stride": [2, 2], "padding": [1, 1],
                             "x": t(x), "y": t(y), "g": t(g), "dx": t(x.grad)}

with open("torch_goldens.json", "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
print("wrote torch_goldens.json with", len(cases), "cases")
