#!/usr/bin/python3
"""Point-in-time join bench (issue 16): every one of the 3M flights joined with an hourly
per-origin delay aggregate view as of its departure (ttl 3h), `mlops features historical`
against a pandas merge_asof peer (bench/peer_merge_asof.py) doing the same, in one invocation,
one after the other; wall seconds and peak RSS (GNU time) of each, and their ratios.

    bench/feature_join.py [--runs N] [--skip-peer]

Prepares, untimed: the flights CSV (bench/run.py's ensure_data), the view's data
bench/data/origin-hourly.csv (pandas groupby over all flights), and the view in an mlops lake
(`mlops ingest` of bench/feature-join.yaml). Both sides then read the flights CSV and the view,
join, and write a CSV of every flight with the view's three features, in input order. Writes
the Markdown table to bench/out/feature_join.md. Benchmarks never run in the test suite.
"""
import argparse
import re
import shutil
import subprocess
import sys

from run import MLOPS, OUT, PYTHON, ROOT, ensure_data, ensure_tools, timed

BENCH = ROOT / "bench"
WORKFLOW = BENCH / "feature-join.yaml"
PEER = BENCH / "peer_merge_asof.py"


def ensure_view(flights):
    hourly = flights.parent / "origin-hourly.csv"
    if not hourly.exists():
        print("== aggregating flights per origin and hour", flush=True)
        script = f"""
import pandas as pd
f = pd.read_csv({str(flights)!r}, parse_dates=["date"])
f["hour_end"] = f["date"].dt.floor("h") + pd.Timedelta("1h")  # known when the hour ends
f["late"] = f["delay"] > 15
g = f.groupby(["origin", "hour_end"]).agg(flights=("delay", "size"), mean_delay=("delay", "mean"),
                                          delayed_share=("late", "mean")).reset_index()
g = g.sort_values(["hour_end", "origin"])
g.to_csv({str(hourly)!r}, index=False, float_format="%.4f", date_format="%Y-%m-%d %H:%M:%S")
print(len(g))
"""
        rows = subprocess.run([PYTHON, "-c", script], check=True, text=True, capture_output=True).stdout
        print(f"   {rows.strip()} view rows", flush=True)
    return hourly


def mlops_args(runs):
    return ["--workflow", str(WORKFLOW), "--set", f"data_dir={BENCH / 'data'}",
            "--set", f"runs_dir={runs}", "--set", f"lake_dir={runs}/lake"]


def run_mlops(flights, runs):
    out = OUT / "join-mlops.csv"
    wall, peak, stdout, _ = timed([str(MLOPS), "features", "historical", *mlops_args(runs),
                                   "--entities", str(flights), "--event-time", "date",
                                   "--features", "origin_hourly", "--out", str(out)], cwd=ROOT)
    rows = int(re.search(r"(\d+) entity rows joined", stdout).group(1))
    matched = int(re.search(r"origin_hourly: (\d+) rows found", stdout).group(1))
    return {"wall": wall, "peak_mib": peak, "rows": rows, "matched": matched}


def run_peer(flights, hourly):
    out = OUT / "join-peer.csv"
    wall, peak, stdout, _ = timed([PYTHON, str(PEER), str(flights), str(hourly), str(out)])
    values = dict(line.split(",", 1) for line in stdout.splitlines() if "," in line)
    return {"wall": wall, "peak_mib": peak, "rows": int(values["rows"]),
            "matched": int(values["matched"])}


def compare_outputs():
    script = """
import pandas as pd
a = pd.read_csv("bench/out/join-mlops.csv"); b = pd.read_csv("bench/out/join-peer.csv")
assert len(a) == len(b)
bad = 0
for c in ["origin_hourly__flights", "origin_hourly__mean_delay", "origin_hourly__delayed_share"]:
    bad += int((~(((a[c] - b[c]).abs() < 1e-6) | (a[c].isna() & b[c].isna()))).sum())
print(f"Outputs compared: {len(a)} rows, {bad} feature values differ.")
"""
    return subprocess.run([PYTHON, "-c", script], check=True, text=True, capture_output=True,
                          cwd=ROOT).stdout.strip()


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--check", action="store_true",
                        help="compare the two outputs' feature values (pandas, untimed)")
    args = parser.parse_args()
    ensure_tools(args.skip_peer)
    OUT.mkdir(parents=True, exist_ok=True)
    flights = ensure_data()["3m"]
    hourly = ensure_view(flights)
    runs = OUT / "feature-join-runs"
    shutil.rmtree(runs, ignore_errors=True)
    subprocess.run([str(MLOPS), "ingest", *mlops_args(runs)], check=True, cwd=ROOT,
                   capture_output=True)
    results = {"mlops": [], "peer": []}
    for i in range(args.runs):
        if not args.skip_peer:
            results["peer"].append(run_peer(flights, hourly))
            print(f"   peer  run {i + 1}: {results['peer'][-1]}", flush=True)
        results["mlops"].append(run_mlops(flights, runs))
        print(f"   mlops run {i + 1}: {results['mlops'][-1]}", flush=True)
    m = {k: median([r[k] for r in results["mlops"]]) for k in ("wall", "peak_mib")}
    lines = ["| | seconds | peak RSS (MiB) | rows | rows with features |", "| --- | --- | --- | --- | --- |",
             f"| mlops features historical | {m['wall']:.2f} | {m['peak_mib']:.0f} | "
             f"{results['mlops'][0]['rows']} | {results['mlops'][0]['matched']} |"]
    if results["peer"]:
        p = {k: median([r[k] for r in results["peer"]]) for k in ("wall", "peak_mib")}
        lines.append(f"| pandas merge_asof | {p['wall']:.2f} | {p['peak_mib']:.0f} | "
                     f"{results['peer'][0]['rows']} | {results['peer'][0]['matched']} |")
        lines.append(f"| **mlops / peer** | **{m['wall'] / p['wall']:.3f}** (peer {p['wall'] / m['wall']:.1f}x "
                     f"slower) | **{m['peak_mib'] / p['peak_mib']:.2f}** | | |")
        if results["peer"][0]["matched"] != results["mlops"][0]["matched"]:
            lines.append("\nWARNING: the two sides matched different numbers of rows")
    if args.check and results["peer"]:
        lines.append("\n" + compare_outputs())
    table = "\n".join(lines) + "\n"
    (OUT / "feature_join.md").write_text(table)
    print(table)


if __name__ == "__main__":
    sys.exit(main())
