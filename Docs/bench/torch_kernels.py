"""PyTorch's speed on the shapes `resnet-lab bench` measures, for side-by-side figures in
Docs/PERFORMANCE.md. A comparison tool only: Residual never depends on PyTorch.

    python Docs/bench/torch_kernels.py [threads] [repeats]

Prints one JSON object: GFLOP/s (median of `repeats` timed runs after one warm-up) for GEMM
at the same sizes, and for 3x3 conv2d forward, backward-data and backward-weight at the
ablation nets' layer shapes with batch 128.
"""
import json
import statistics
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(threads)
torch.manual_seed(0)


def median_seconds(fn):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


result = {"torch": torch.__version__, "threads": threads, "gemm": [], "conv": []}
for m, n, k in [(64, 64, 64), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024),
                (16, 784, 144), (32, 196, 288), (64, 49, 576)]:
    a, b = torch.rand(m, k) - 0.5, torch.rand(k, n) - 0.5
    c = torch.empty(m, n)
    s = median_seconds(lambda: torch.mm(a, b, out=c))
    result["gemm"].append({"m": m, "n": n, "k": k, "gflops": 2 * m * n * k / s / 1e9})

for name, cin, cout, size, stride in [("stem 1→16 @28", 1, 16, 28, 1), ("16→16 @28", 16, 16, 28, 1),
                                      ("16→32 /2 @28", 16, 32, 28, 2), ("32→32 @14", 32, 32, 14, 1),
                                      ("32→64 /2 @14", 32, 64, 14, 2), ("64→64 @7", 64, 64, 7, 1)]:
    x = torch.rand(128, cin, size, size) - 0.5
    w = torch.rand(cout, cin, 3, 3) - 0.5
    y = torch.nn.functional.conv2d(x, w, stride=stride, padding=1)
    dy = torch.rand_like(y) - 0.5
    flops = 2 * y.numel() * cin * 9
    f = median_seconds(lambda: torch.nn.functional.conv2d(x, w, stride=stride, padding=1))
    d = median_seconds(lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, stride=stride, padding=1))
    g = median_seconds(lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, stride=stride, padding=1))
    result["conv"].append({"layer": name, "forward": flops / f / 1e9, "backwardData": flops / d / 1e9,
                           "backwardWeight": flops / g / 1e9})
print(json.dumps(result))
