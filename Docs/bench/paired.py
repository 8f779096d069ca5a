"""What the paired benchmarks share (paired_side_by_side.py, batch_sweep.py): a program kept
alive that prints `ready`, then answers each line N of its standard input with one JSON line
of N steps' seconds (`resnet-lab bench train|eval --paired`, torch_paired.py)."""
import json
import statistics
import subprocess
import sys


class Side:
    """One program that prints `ready`, then answers each line N with N steps' seconds."""

    def __init__(self, command):
        self.command = command
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)
        line = self.process.stdout.readline().strip()
        if line != "ready":
            sys.exit(f"{command[0]}: expected 'ready', got {line!r}")

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
