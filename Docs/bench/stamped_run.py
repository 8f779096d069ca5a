"""Runs a command and prints each line of its output (status lines ended by a carriage
return included) with the seconds since the start, leaving out the ablation's per-step
status lines. For timing the phases of `resnet-lab ablate`:

    python3 Docs/bench/stamped_run.py resnet-lab ablate --out DIR --threads 2
"""
import sys, time, subprocess
t0=time.time()
p=subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
buf=b''
last=''
while True:
    c=p.stdout.read(1)
    if not c: break
    if c in (b'\r', b'\n'):
        line=buf.decode(errors='replace'); buf=b''
        if line.strip() and not ('/300' in line and 'ETA' in line) and 'points' not in line:
            print(f"{time.time()-t0:7.1f} {line}", flush=True)
    else: buf+=c
p.wait()
print(f"{time.time()-t0:7.1f} exit {p.returncode}")
