"""Training throughput of one net at several batch sizes, the batches taking turns: one
`resnet-lab bench train --net NET --batch-size B --paired` process per batch size, all kept
alive, each timed for a slice of about two seconds (after one untimed step, paired.py) in
round-robin order (the order rotating from round to round), so every batch size sees the
same stretch of the machine's time. Prints a Markdown row per
batch: images/s (the median over its slices) and its speed against the reference batch (the
median over rounds of the ratio within each round).

    python Docs/bench/batch_sweep.py LAB_BINARY NET [threads] [rounds] [batches] [reference]

batches: comma-separated (default 32,64,128,256,512); reference: default 128.
"""
import os
import statistics
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from paired import Side, lab_command  # noqa: E402

lab, net = sys.argv[1], sys.argv[2]
threads = sys.argv[3] if len(sys.argv) > 3 else "2"
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 6
batches = [int(b) for b in (sys.argv[5] if len(sys.argv) > 5 else "32,64,128,256,512").split(",")]
reference = int(sys.argv[6]) if len(sys.argv) > 6 else 128
slice_seconds = 2.0

sides = {b: Side(lab_command(lab, "train", net, threads, "--batch-size", str(b)), slice_seconds)
         for b in batches}
rates = {b: [] for b in batches}
for r in range(rounds):
    order = batches[r % len(batches):] + batches[:r % len(batches)]
    for b in order:
        rates[b].append(b / sides[b].slice())
for side in sides.values():
    side.close()

print(f"{net}, {threads} threads, {rounds} rounds of slices of about {slice_seconds:g} s per batch size")
print()
print(f"| batch | images/s (median of slices) | slowest–fastest slice | against batch {reference} "
      "(median of rounds) | steps per slice |")
print("| ---: | ---: | ---: | ---: | ---: |")
for b in batches:
    ratios = [x / y for x, y in zip(rates[b], rates[reference])] if reference in rates else [float("nan")]
    print(f"| {b} | {statistics.median(rates[b]):.0f} | {min(rates[b]):.0f}–{max(rates[b]):.0f} | "
          f"{statistics.median(ratios):.2f} | {sides[b].count} |", flush=True)
