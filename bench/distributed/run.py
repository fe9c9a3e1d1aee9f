#!/usr/bin/python3
"""Distributed training benchmark (issue 19): the flights workflow trained by one process and
by `mlops train --workers N` (XGBoost's collective, N processes on this machine), one XGBoost
thread each, in one invocation.

    bench/distributed/run.py [--rows 3000000] [--workers 2,4] [--mlops PATH]

For each: holdout AUC (and its difference from the single process), each worker's peak RSS
(rank 0: its train stage, the others: the whole process; the single process: its train
stage) and its ratio to the single process, wall seconds of the `mlops train` command, and
the bytes each worker passed to mlops's own allreduce calls (labels, predictions, counts: the
bookkeeping over the whole holdout), with an estimate of XGBoost's own histogram allreduce per
round from the trained trees. Prints Markdown and writes it to bench/out/distributed.md.
Needs build/mlops, zstd and Debian's python3-xgboost (the tracker). Standard library only.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "bench" / "out" / "distributed"
ZST = (ROOT / ".." / "shared" / "data" / "flights-3m.csv.zst").resolve()
WORKFLOW = ROOT / "workflows" / "flight-delay.yaml"


def timed(cmd, env=None):
    """(wall seconds, peak RSS MiB of the largest process GNU time saw, stderr)."""
    out = OUT / "time.txt"
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(out)] + cmd, text=True,
                          capture_output=True, cwd=ROOT, env=env)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{proc.stderr[-4000:]}")
    return wall, int(out.read_text().split()[-1]) / 1024, proc.stderr


def json_lines(text):
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                pass


def latest_run(runs):
    return max((p for p in runs.iterdir() if (p / "manifest.json").exists()),
               key=lambda p: p.stat().st_mtime)


def histogram_estimate(model_path, features, max_bin):
    """XGBoost's hist allreduces one histogram (bins x (grad, hess) doubles) for the root and
    one per pair of children (the sibling comes by subtraction): per round, (1 + split nodes)
    x features x max_bin x 16 bytes at most."""
    model = json.loads(Path(model_path).read_text())
    trees = model["learner"]["gradient_booster"]["model"]["trees"]
    splits = [sum(1 for c in t["left_children"] if c != -1) for t in trees]
    per_round = [(1 + s) * features * max_bin * 16 for s in splits]
    return sum(per_round) / len(per_round)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--workers", default="2,4")
    parser.add_argument("--mlops", default=str(ROOT / "build" / "mlops"))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / "data"
    data.mkdir(exist_ok=True)
    csv = data / "flights-3m.csv"
    if not csv.exists() or int(subprocess.run(["wc", "-l", str(csv)], capture_output=True,
                                              text=True).stdout.split()[0]) != args.rows + 1:
        with open(csv, "w") as out:
            unzst = subprocess.Popen(["zstd", "-dc", str(ZST)], stdout=subprocess.PIPE)
            subprocess.run(["head", "-n", str(args.rows + 1)], stdin=unzst.stdout, stdout=out,
                           check=True)
            unzst.stdout.close()
            unzst.wait()
    runs = OUT / "runs"
    shutil.rmtree(runs, ignore_errors=True)
    common = ["--env", "local", "--workflow", str(WORKFLOW), "--log-format", "json",
              "--set", f"data_dir={data}", "--set", f"runs_dir={runs}",
              "--set", "train.params.nthread=1"]
    mlops = args.mlops
    print(f"== {args.rows:,} rows: ingest, featurize, validate", flush=True)
    for stage in ["ingest", "featurize", "validate"]:
        timed([mlops, stage] + common)
    results = []
    print("== single process", flush=True)
    wall, _, err = timed([mlops, "train", "--force"] + common)
    run = latest_run(runs)
    manifest = json.loads((run / "manifest.json").read_text())
    single = {"workers": 1, "wall": wall,
              "auc": json.loads((run / "metrics.json").read_text())["auc"],
              "peaks": [manifest["stages"]["train"]["peak_rss_bytes"] / 2**20],
              "bytes": [0]}
    meta = json.loads((run / "train" / "model_meta.json").read_text())
    features = len(meta["features"])
    estimate = histogram_estimate(run / "train" / "model.json", features, 256)
    results.append(single)
    for n in [int(w) for w in args.workers.split(",")]:
        print(f"== {n} workers", flush=True)
        wall, _, err = timed([mlops, "train", "--workers", str(n)] + common)
        done = {line["rank"]: line for line in json_lines(err)
                if line.get("msg", line.get("message")) == "train: worker done"}
        if len(done) != n:
            sys.exit(f"expected {n} 'worker done' lines, found {len(done)}:\n{err[-3000:]}")
        results.append({"workers": n, "wall": wall,
                        "auc": json.loads((run / "metrics.json").read_text())["auc"],
                        "peaks": [done[k]["peak_rss_mb"] for k in range(n)],
                        "bytes": [done[k]["bytes_allreduced"] for k in range(n)]})
    rounds = meta["rounds_trained"]
    lines = [f"{args.rows:,} flights rows, {features} features, {rounds} rounds, nthread=1 "
             f"per process, `mlops train` after ingest/featurize/validate.", "",
             "| workers | holdout AUC | AUC - single | peak RSS per worker, MiB (rank 0..N-1) |"
             " max worker / single | wall s | mlops allreduce per worker, MB |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    base_peak = single["peaks"][0]
    for r in results:
        peaks = ", ".join(f"{p:.0f}" for p in r["peaks"])
        lines.append(f"| {r['workers']} | {r['auc']:.5f} | {r['auc'] - single['auc']:+.5f} | "
                     f"{peaks} | {max(r['peaks']) / base_peak:.2f} | {r['wall']:.1f} | "
                     f"{max(r['bytes']) / 1e6:.1f} |")
    lines += ["", f"XGBoost's own histogram allreduce, estimated from the trees: "
              f"{estimate / 1e6:.1f} MB per round at most (({features} features x 256 bins x "
              f"16 bytes) per histogram, one for the root and one per split), "
              f"{estimate * rounds / 1e6:.0f} MB over {rounds} rounds, whatever the number of "
              f"workers; each worker sends and receives about twice that in a ring or tree."]
    text = "\n".join(lines) + "\n"
    print(text)
    (OUT.parent / "distributed.md").write_text(text)


if __name__ == "__main__":
    main()
