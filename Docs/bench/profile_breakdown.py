"""Where a training step's time goes: runs `resnet-lab bench train` under `perf record` and
sums the samples by the kind of work each function does. Prints one Markdown table row per
kind. Linux `perf` is needed.

    python3 Docs/bench/profile_breakdown.py LAB_BINARY [threads] [LABEL]
"""
import re
import subprocess
import sys
import tempfile

lab = sys.argv[1]
threads = sys.argv[2] if len(sys.argv) > 2 else "2"
label = sys.argv[3] if len(sys.argv) > 3 else lab

kinds = [
    ("convolution: Winograd", r"[Ww]inograd"),
    ("convolution: direct tile", r"conv2dDirect|conv2dBackwardWeightDirect|conv2dBackwardDataDirect|conv2dBackwardDataStrided|conv2dForwardDirect|transposeGradients|transpose16|directTile"),
    ("convolution: GEMM and row dots", r"gemm|Gemm|packPanel"),
    ("convolution: unfold, fold, padding", r"unfold|foldPadded|padImage|unpadImage|im2col|col2im|conv2dBackwardWeight_|conv2dBackwardData_|conv2dForward_"),
    ("batch norm", r"batchNorm|planeSum"),
    ("ReLU, additions, gradient sums", r"relu|accumulate|addInPlace|Elementwise|mapChunks|poi|add"),
    ("kernel: page faults and zeroing", r"^\[k\] .*(clear_page|page_fault|handle_mm|anonymous_page|alloc_pages|folio|memcg|charge)"),
    ("memset / memcpy", r"memset|memcpy|memmove"),
]

with tempfile.TemporaryDirectory() as tmp:
    data = f"{tmp}/perf.data"
    subprocess.run(["perf", "record", "-q", "-o", data, "-F", "999", lab, "bench", "train",
                    "--threads", threads, "--repeats", "3"], check=True, capture_output=True)
    report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "symbol",
                             "--stdio"], check=True, capture_output=True, text=True).stdout

totals = {name: 0.0 for name, _ in kinds}
totals["everything else"] = 0.0
for line in report.splitlines():
    m = re.match(r"\s+([\d.]+)%\s+(\[[.k]\] .*)", line)
    if not m:
        continue
    share, symbol = float(m.group(1)), m.group(2)
    for name, pattern in kinds:
        if re.search(pattern, symbol):
            totals[name] += share
            break
    else:
        totals["everything else"] += share

print(f"| {label} | " + " | ".join(f"{totals[name]:.0f}%" for name in totals) + " |")
print("<!-- columns: " + ", ".join(totals) + " -->")
