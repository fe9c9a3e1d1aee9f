#!/usr/bin/python3
"""Start-up time of `mlops` commands, two binaries interleaved: what a pre-commit hook or a
cron job pays before any work.

    bench/startup.py --before PATH [--after build/mlops] [--rounds 300]

Each round runs every command once with each binary, in alternating order (before, after,
after, before, ...), so load that comes and goes on a shared machine hits both alike. Prints
best and median wall milliseconds per command and binary, median CPU milliseconds (user +
system, from wait4: steadier than wall time under load) and page faults, the load average at
start and end, and the dynamic loader's own share (LD_DEBUG=statistics: relocations and its
time in cycles).
Commands run from the repository root with stdout to /dev/null. Standard library only.
"""
import argparse
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [["--version"], ["config", "keys"]]


def run_once(binary, args):
    """(wall ns, CPU ns user + system, minor page faults) of one run, spawned directly (no
    shell), output discarded."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter_ns()
        pid = os.posix_spawn(binary, [binary, *args], os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, null.fileno(), 1)])
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter_ns() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{binary} {' '.join(args)} failed")
    return elapsed, (usage.ru_utime + usage.ru_stime) * 1e9, usage.ru_minflt


def loader_statistics(binary, args):
    """LD_DEBUG=statistics of one run: total loader cycles and relocations."""
    env = dict(os.environ, LD_DEBUG="statistics")
    err = subprocess.run([binary, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, check=True).stderr
    cycles = re.search(r"total startup time in dynamic loader:\s*([\d,]+) cycles", err)
    relocations = re.search(r"number of relocations:\s*(\d+)", err)
    return (int(cycles.group(1).replace(",", "")) if cycles else None,
            int(relocations.group(1)) if relocations else None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", default=str(ROOT / "build" / "mlops"))
    parser.add_argument("--rounds", type=int, default=300)
    options = parser.parse_args()
    os.chdir(ROOT)
    binaries = {"before": os.path.abspath(options.before), "after": os.path.abspath(options.after)}
    times = {(name, " ".join(c)): [] for name in binaries for c in COMMANDS}
    load_start = os.getloadavg()
    for round_ in range(options.rounds):
        order = ["before", "after"] if round_ % 2 == 0 else ["after", "before"]
        for command in COMMANDS:
            for name in order:
                times[(name, " ".join(command))].append(run_once(binaries[name], command))
    load_end = os.getloadavg()
    print(f"{options.rounds} rounds; load average {load_start[0]:.1f} at start, "
          f"{load_end[0]:.1f} at end ({os.cpu_count()} CPUs)")
    print("| command | binary | best ms | median ms | median CPU ms | page faults "
          "| loader cycles (median of 20) | relocations |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for command in COMMANDS:
        key = " ".join(command)
        for name, binary in binaries.items():
            wall = [s[0] for s in times[(name, key)]]
            cpu = [s[1] for s in times[(name, key)]]
            faults = statistics.median(s[2] for s in times[(name, key)])
            stats = [loader_statistics(binary, command) for _ in range(20)]
            cycles = statistics.median(s[0] for s in stats if s[0] is not None)
            print(f"| `mlops {key}` | {name} | {min(wall) / 1e6:.2f} | "
                  f"{statistics.median(wall) / 1e6:.2f} | {statistics.median(cpu) / 1e6:.2f} | "
                  f"{faults:.0f} | {cycles / 1e6:.2f} M | {stats[0][1]} |")


if __name__ == "__main__":
    main()
