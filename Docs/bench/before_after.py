"""Two builds of resnet-lab side by side: `bench conv` and `bench train` alternating between
them for several rounds on one machine, medians over the rounds, printed as the Markdown
tables of Docs/PERFORMANCE.md. For a change that should cost nothing (a refactor, new names):
the ratio column should sit at 1.00 within the machine's noise.

    python3 Docs/bench/before_after.py BEFORE_BINARY AFTER_BINARY [threads] [rounds] [suites]

Each round runs each suite, by default `bench conv --json --no-naive` and `bench train
--json` (each a median of 5 timed runs after a warm-up), with BEFORE, then with AFTER.
`suites` is a comma-separated list of conv, train and eval (`bench eval`, of which the folded
forward pass is tabled). The order flips every round so that neither build always runs on a
warmer machine. Each table gives the medians and, since a shared machine's speed moves
between rounds, the ratio of each round's pair. Run it on an idle machine.
"""
import json
import statistics
import subprocess
import sys

before, after = sys.argv[1], sys.argv[2]
threads = sys.argv[3] if len(sys.argv) > 3 else "2"
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 2
suites = sys.argv[5].split(",") if len(sys.argv) > 5 else ["conv", "train"]


def run(binary, suite):
    command = [binary, "bench", suite, "--threads", threads, "--repeats", "5", "--json"]
    if suite == "conv":
        command.append("--no-naive")
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


samples = {name: {suite: [] for suite in suites} for name in ["before", "after"]}
machine = ""
for r in range(rounds):
    for suite in suites:
        order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
        for name in order:
            report = run(before if name == "before" else after, suite)
            machine = report["machine"] + f"; {report.get('instruction_set', '?')} build"
            samples[name][suite].append(report[suite])


def conv_rows(name):
    """{(layer, pass): [GFLOP/s per round]}"""
    rows = {}
    for report in samples[name]["conv"]:
        for row in report:
            for key in ["forward_gflops", "backward_data_gflops", "backward_weight_gflops"]:
                if row.get(key) is not None:
                    rows.setdefault((row["layer"], key.replace("_gflops", "")), []).append(row[key])
            # Where Winograd runs, the direct tile on the same layer, timed beside it.
            for i, value in enumerate(row.get("direct_gflops") or []):
                if value is not None:
                    kind = ["forward", "backward_data", "backward_weight"][i]
                    rows.setdefault((row["layer"], "direct " + kind), []).append(value)
    return rows


def ratios(before_values, after_values):
    return ", ".join(f"{a / b:.2f}" for b, a in zip(before_values, after_values))


print(f"Machine: {machine}; {threads} threads; medians of {rounds} alternating rounds.\n")
if "conv" in suites:
    b, a = conv_rows("before"), conv_rows("after")
    print("| layer | pass | before GFLOP/s | after GFLOP/s | after / before | each round |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for key in b:
        if key in a:
            mb, ma = statistics.median(b[key]), statistics.median(a[key])
            print(f"| {key[0]} | {key[1]} | {mb:.1f} | {ma:.1f} | {ma / mb:.2f} | {ratios(b[key], a[key])} |")
    print()
for suite, key in [("train", "images_per_second"), ("eval", "folded_forward_images_per_second")]:
    if suite not in suites:
        continue
    print(f"| net | {suite}: before img/s | after img/s | after / before | each round |")
    print("| --- | ---: | ---: | ---: | --- |")
    for net in [row["net"] for row in samples["before"][suite][0]]:
        b = [next(r[key] for r in s if r["net"] == net) for s in samples["before"][suite]]
        a = [next(r[key] for r in s if r["net"] == net) for s in samples["after"][suite]]
        mb, ma = statistics.median(b), statistics.median(a)
        print(f"| {net} | {mb:.1f} | {ma:.1f} | {ma / mb:.2f} | {ratios(b, a)} |")
    print()
