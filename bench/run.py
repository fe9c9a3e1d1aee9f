#!/usr/bin/python3
"""Side-by-side benchmark: the pandas + xgboost peer (../shared/peer) and `mlops run` on the
same flights data, in one invocation, one after the other, then the extra checks of issue 3.

    bench/run.py [--sizes 3m,300k] [--runs 1] [--skip-peer] [--mlops PATH] [--before PATH]

--before PATH also runs a second mlops binary (for example one built from the commit before a
change) interleaved with the first, and adds a before/after table: a refactor's "no slower" in
one invocation.

Prints per-stage seconds, peak memory and mlops/peer ratios, and writes the same Markdown to
bench/out/results.md. Needs a built build/mlops (scripts/build) and, for the peer, Debian's
python3-pandas, python3-xgboost and python3-sklearn (installed here with apt-get when missing).
Standard library only, run with Debian's /usr/bin/python3.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
OUT = BENCH / "out"
MLOPS = ROOT / "build" / "mlops"
PEER = (ROOT / ".." / "shared" / "peer" / "flights_pipeline.py").resolve()
ZST = (ROOT / ".." / "shared" / "data" / "flights-3m.csv.zst").resolve()
STAGES = ["ingest", "featurize", "validate", "train", "predict", "report"]
PYTHON = "/usr/bin/python3"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def timed(cmd, **kw):
    """Runs under GNU time; returns (wall seconds, peak RSS MiB, stdout, stderr)."""
    out = OUT / "time.txt"
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", str(out)] + cmd,
                          text=True, capture_output=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{proc.stderr[-3000:]}")
    wall, kib = out.read_text().split()[-2:]
    return float(wall), int(kib) / 1024, proc.stdout, proc.stderr


def ensure_tools(skip_peer):
    need = ["time", "zstd"] + ([] if skip_peer else ["python3-pandas", "python3-xgboost", "python3-sklearn"])
    missing = [p for p in need
               if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
                                 text=True).stdout.find("install ok installed") < 0]
    if missing:
        print(f"== installing {' '.join(missing)}", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "install", "-y", "-q"] + missing, check=True, env=env)
    if not MLOPS.exists():
        subprocess.run([str(ROOT / "scripts" / "build"), "mlops"], check=True)


def ensure_data():
    DATA.mkdir(parents=True, exist_ok=True)
    full = DATA / "flights-3m.csv"
    if not full.exists():
        print(f"== decompressing {ZST}", flush=True)
        sh(["zstd", "-q", "-d", str(ZST), "-o", str(full)])
    small = DATA / "flights-300k.csv"
    if not small.exists():
        with full.open() as src, small.open("w") as dst:
            for i, line in enumerate(src):
                if i > 300_000:
                    break
                dst.write(line)
    return {"3m": full, "300k": small}


def run_peer(csv, tag):
    out = OUT / f"peer-{tag}"
    shutil.rmtree(out, ignore_errors=True)
    wall, peak, stdout, _ = timed([PYTHON, str(PEER), str(csv), str(out)])
    values = dict(line.split(",", 1) for line in stdout.splitlines() if "," in line)
    return {"wall": wall, "peak_mib": peak, "stages": {s: float(values[s]) for s in STAGES},
            "auc": float(values["report_auc"])}


def run_mlops(csv, tag, binary=None, label="mlops"):
    binary = binary or MLOPS
    runs = OUT / f"{label}-{tag}"
    shutil.rmtree(runs, ignore_errors=True)
    wall, peak, stdout, _ = timed([str(binary), "run", "--env", "local", "--workflow",
                                   "workflows/flight-delay.yaml", "--set", f"data_dir={csv.parent}",
                                   "--set", f"ingest.source.path={csv}", "--set", f"runs_dir={runs}",
                                   # each size's registry keeps its own versions: a shared models/
                                   # let the 300k run overwrite the 3M run's v1 artifacts
                                   "--set", f"models_dir={runs}/models",
                                   "--set", f"lake_dir={runs}/lake"],
                                  cwd=ROOT)
    run_id = re.search(r"^flight-delay (\S+): ok", stdout, re.M).group(1)
    manifest = json.loads((runs / run_id / "manifest.json").read_text())
    metrics = json.loads((runs / run_id / "metrics.json").read_text())
    stages = {s: manifest["stages"][s]["seconds"] for s in STAGES}
    stage_peaks = {s: manifest["stages"][s]["peak_rss_bytes"] / 2**20 for s in STAGES}
    # mlops resets the kernel's high-water mark at each stage (clear_refs), which GNU time's
    # maximum does not survive: the run's peak is the largest of it and every stage's.
    peak = max([peak] + list(stage_peaks.values()))
    return {"wall": wall, "peak_mib": peak, "stages": stages, "stage_peaks": stage_peaks,
            "auc": metrics["auc"], "run_id": run_id, "runs": runs}


def best_of(cmd, n, cwd=ROOT, expect=(0,)):
    best = float("inf")
    for _ in range(n):
        start = time.perf_counter()
        rc = subprocess.run(cmd, cwd=cwd, capture_output=True).returncode
        best = min(best, time.perf_counter() - start)
        if rc not in expect:
            sys.exit(f"unexpected exit {rc}: {' '.join(map(str, cmd))}")
    return best


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def report(args, data, results, extras):
    lines = [f"# Benchmark run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC", ""]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    version = sh([str(MLOPS), "--version"]).stdout.strip()
    lines += [f"Machine: {os.cpu_count()} CPUs ({cpu}), {platform.platform()}; {version}; "
              f"runs per size: {args.runs} (medians shown).", ""]
    for tag, per_run in results.items():
        peer = per_run.get("peer")
        ml = per_run["mlops"]
        lines += [f"## {tag} rows ({data[tag].stat().st_size / 1e6:.1f} MB CSV)", "",
                  "| stage | peer s | mlops s | mlops/peer | speed-up | mlops peak MiB |",
                  "|---|---:|---:|---:|---:|---:|"]
        for s in STAGES:
            m = median([r["stages"][s] for r in ml])
            mp = median([r["stage_peaks"][s] for r in ml])
            if peer:
                p = median([r["stages"][s] for r in peer])
                lines.append(f"| {s} | {p:.3f} | {m:.3f} | {m / p:.3f} | {p / m:.1f}x | {mp:.0f} |")
            else:
                lines.append(f"| {s} | | {m:.3f} | | | {mp:.0f} |")
        mw, mm = median([r["wall"] for r in ml]), median([r["peak_mib"] for r in ml])
        mauc = median([r["auc"] for r in ml])
        if peer:
            pw, pm = median([r["wall"] for r in peer]), median([r["peak_mib"] for r in peer])
            pauc = median([r["auc"] for r in peer])
            lines += [f"| **whole run, wall** | {pw:.2f} | {mw:.2f} | **{mw / pw:.3f}** | {pw / mw:.1f}x | |",
                      f"| **peak memory, MiB** | {pm:.0f} | {mm:.0f} | **{mm / pm:.3f}** | | |", "",
                      f"Holdout AUC: peer {pauc:.6f}, mlops {mauc:.6f} (difference {mauc - pauc:+.6f}).", ""]
        else:
            lines += [f"| whole run, wall | | {mw:.2f} | | | |", f"| peak memory | | {mm:.0f} | | | |",
                      "", f"Holdout AUC: mlops {mauc:.6f}.", ""]
    for tag, per_run in results.items():
        if not per_run.get("before"):
            continue
        lines += [f"## {tag} rows: before ({args.before}) vs after ({MLOPS})", "",
                  "| stage | before s | after s | after/before |", "|---|---:|---:|---:|"]
        for s in STAGES + ["wall"]:
            pick = (lambda r: r["wall"]) if s == "wall" else (lambda r, s=s: r["stages"][s])
            b = median([pick(r) for r in per_run["before"]])
            a = median([pick(r) for r in per_run["mlops"]])
            lines.append(f"| {s} | {b:.3f} | {a:.3f} | {a / b:.3f} |")
        bp = median([r["peak_mib"] for r in per_run["before"]])
        ap_ = median([r["peak_mib"] for r in per_run["mlops"]])
        lines += [f"| peak MiB | {bp:.0f} | {ap_:.0f} | {ap_ / bp:.3f} |", ""]
    if extras:
        lines += ["## Other targets", "", "| check | result | target |", "|---|---:|---|"]
        lines += [f"| {name} | {value} | {target} |" for name, value, target in extras]
        lines.append("")
    text = "\n".join(lines)
    (OUT / "results.md").write_text(text)
    print(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="3m,300k")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--mlops", help="the mlops binary to measure (default build/mlops)")
    ap.add_argument("--before", help="a second mlops binary, run interleaved, compared stage by stage")
    args = ap.parse_args()
    global MLOPS
    if args.mlops:
        MLOPS = Path(args.mlops).resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_tools(args.skip_peer)
    data = ensure_data()

    results = {}
    for tag in args.sizes.split(","):
        results[tag] = {"mlops": []}
        if not args.skip_peer:
            results[tag]["peer"] = []
        for i in range(args.runs):  # interleaved: the VM's speed drifts between runs
            if not args.skip_peer:
                print(f"== peer {tag} run {i + 1}", flush=True)
                results[tag]["peer"].append(run_peer(data[tag], tag))
            print(f"== mlops {tag} run {i + 1}", flush=True)
            results[tag]["mlops"].append(run_mlops(data[tag], tag))
            if args.before:
                print(f"== before {tag} run {i + 1}", flush=True)
                results[tag].setdefault("before", []).append(
                    run_mlops(data[tag], tag, Path(args.before).resolve(), "before"))

    extras = []
    raw = data["3m"]
    v = best_of([str(MLOPS), "validate", "--contract", "contracts/flights_raw.yaml", str(raw)], 5)
    extras.append(("`mlops validate` of the raw 3M CSV (105 MB), best of 5",
                   f"{v:.3f} s ({raw.stat().st_size / v / 1e6:.0f} MB/s)", "<= 0.15 s"))
    extras.append(("`mlops --version`, best of 20", f"{best_of([str(MLOPS), '--version'], 20) * 1000:.1f} ms",
                   "<= 10 ms"))
    sample = OUT / "flights-300rows.csv"
    with raw.open() as src:
        sample.write_text("".join(line for _, line in zip(range(301), src)))
    extras.append(("`mlops validate` of a 300-row file, best of 20",
                   f"{best_of([str(MLOPS), 'validate', '--contract', 'contracts/flights_raw.yaml', str(sample)], 20) * 1000:.1f} ms",
                   "<= 10 ms"))
    if "3m" in results:
        run = results["3m"]["mlops"][-1]
        peaks = {}
        for tag in ("300k", "3m"):
            _, peak, _, _ = timed([str(MLOPS), "batch-predict", "--workflow", "workflows/flight-delay.yaml",
                                   "--run", run["run_id"], "--set", f"runs_dir={run['runs']}",
                                   "--set", f"models_dir={run['runs']}/models",
                                   "--set", f"predict.input={data[tag]}", "--set", f"data_dir={DATA}",
                                   "--set", f"lake_dir={run['runs']}/lake"], cwd=ROOT)
            peaks[tag] = peak
        extras.append(("batch-predict peak memory, 300k -> 3M input (10x)",
                       f"{peaks['300k']:.0f} -> {peaks['3m']:.0f} MiB ({peaks['3m'] / peaks['300k']:.2f}x)",
                       "< 1.5x"))
    report(args, data, results, extras)


if __name__ == "__main__":
    main()
