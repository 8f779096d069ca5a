#!/bin/bash
# Compares the memory estimate `resnet-lab train` checks before it starts with the peak
# resident memory a short training run really reaches (GNU time's maximum RSS), less the
# peak of the smallest run (the program, the data set and the runtime).
#
#   swift build -c release --product resnet-lab && bash Docs/bench/memory_check.sh
set -euo pipefail
lab=.build/release/resnet-lab
peak() {  # model batch -> peak RSS in MB
    local out
    out=$(mktemp -d)
    /usr/bin/time -f "%M" -o "$out/rss" "$lab" train --model "$1" --batch-size "$2" \
        --train-limit $(($2 * 3)) --test-limit 64 --epochs 1 --threads 2 --output "$out/run" \
        > /dev/null
    echo $(($(cat "$out/rss") / 1024))
    rm -rf "$out"
}
estimate() {  # model batch -> MB
    "$lab" summary --model "$1" --classes 10 --in-channels 1 --input 28x28 --depth 0 \
        --batch-size "$2" | sed -n 's/^Training step.*(MB): \([0-9.]*\).*/\1/p'
}
base=$(peak ablation-plain-8 2)
echo "baseline (ablation-plain-8, batch 2): $base MB"
echo "| net | batch | estimate (MB) | measured above baseline (MB) | estimate / measured |"
echo "| --- | ---: | ---: | ---: | ---: |"
for spec in "ablation-res-56 128" "ablation-res-56 32" "ablation-plain-18 256" \
    "cifar-resnet20 128" "resnet18 64" "resnet50 32"; do
    set -- $spec
    e=$(estimate "$1" "$2")
    m=$(($(peak "$1" "$2") - base))
    echo "| $1 | $2 | $e | $m | $(python3 -c "print(f'{$e / $m:.2f}')") |"
done
