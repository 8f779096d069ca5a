"""What the paired benchmarks share (paired_side_by_side.py, batch_sweep.py): a program kept
alive that prints `ready`, then answers each line N of its standard input with one JSON line
of N steps' seconds (`resnet-lab bench train|eval --paired`, torch_paired.py)."""
import json
import statistics
import subprocess
import sys
import time

# Seconds of rest before every slice, for the other side's threads (PyTorch's OpenMP pool) to
# go to sleep.
REST = 0.5


def lab_command(binary, mode, net, threads, *extra):
    """`resnet-lab bench MODE --net NET --paired` of the build at `binary`."""
    return [binary, "bench", mode, "--net", net, "--threads", threads, *extra, "--paired"]


class Side:
    """One program that prints `ready`, then answers each line N with N steps' seconds; its
    slices take about `slice_seconds` (the steps per slice set from one timed step)."""

    def __init__(self, command, slice_seconds):
        self.command = command
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)
        line = self.process.stdout.readline().strip()
        if line != "ready":
            sys.exit(f"{command[0]}: expected 'ready', got {line!r}")
        time.sleep(REST)
        self.count = max(1, round(slice_seconds / self.steps(1)))

    def slice(self):
        """The median seconds of a step in one slice of `count` steps, after the rest."""
        time.sleep(REST)
        return self.steps(self.count)

    def steps(self, count):
        """The median seconds of `count` steps taken now, after one more untimed: the first
        step after a pause (the other side's slice) runs cold, up to 8% slower on the Zen 1,
        and a slice of one or two steps would be mostly that."""
        self.process.stdin.write(f"{count + 1}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"{self.command[0]} ended (status {self.process.wait()}) instead of answering")
        return statistics.median(json.loads(line)["seconds"][1:])

    def close(self):
        self.process.stdin.close()
        self.process.wait()
