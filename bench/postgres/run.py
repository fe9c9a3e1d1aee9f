#!/usr/bin/python3
"""The store figures of issue 18, PostgreSQL and SQLite side by side in one invocation:

1. prediction logging (what batch-predict writes to the evaluation store): ROWS rows in batches
   of BATCH from one process, and from four processes at once (ROWS / 4 each; the rate is all
   rows over the wall time of the slowest);
2. registry reads for serving: resolve the champion and fetch or check its files (a 200 kB
   model.json and three smaller files) from an open store, median and p99 over READS reads;
   also the cost of opening the store and of the first fetch into an empty models_dir.

    bench/postgres/run.py [--rows 200000] [--batch 10000] [--reads 200] [--runs 3]

Starts its own PostgreSQL cluster (postgres_test_cluster, as the tests do: a temporary
directory, a free 127.0.0.1 port, SCRAM password) and stops it at the end; SQLite files go to a
temporary directory. Needs the PostgreSQL server package (`postgresql`, installed by
scripts/install-deps --test) and builds build/bench/postgres/bench_store and
build/tests/postgres_test_cluster with scripts/build when missing. Reports medians of --runs
and the load average before and after (other work on the machine shows in the figures).
Writes the Markdown table to bench/out/postgres.md.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "bench" / "out"
BENCH = ROOT / "build" / "bench" / "postgres" / "bench_store"
CLUSTER = ROOT / "build" / "tests" / "postgres_test_cluster"


def build():
    missing = [t for t, p in (("bench_store", BENCH), ("postgres_test_cluster", CLUSTER))
               if not p.exists()]
    if missing:
        subprocess.run([str(ROOT / "scripts" / "build"), *missing], check=True)


def bench(*args):
    out = subprocess.run([str(BENCH), *map(str, args)], check=True, capture_output=True,
                         text=True).stdout
    lines = out.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def log_rate(store, rows, batch, writers, tag):
    """Rows per second of `writers` processes logging rows/writers rows each at once."""
    start = time.monotonic()
    procs = [subprocess.Popen([str(BENCH), "log", store, str(rows // writers), str(batch),
                               f"{tag}-w{w}"], stdout=subprocess.PIPE, text=True)
             for w in range(writers)]
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            sys.exit(f"bench_store log failed ({proc.returncode})")
    return (rows // writers) * writers / (time.monotonic() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    build()
    work = Path(tempfile.mkdtemp(prefix="mlops-bench-store-"))
    os.chmod(work, 0o755)  # the cluster's owner must reach its directory
    cluster = work / "pg"
    load_start = os.getloadavg()
    subprocess.run([str(CLUSTER), "start", str(cluster)], check=True)
    try:
        admin = (cluster / "url").read_text().strip()
        stores = {}
        results = {}
        for backend in ("postgresql", "sqlite"):
            one, four, median, p99, opened, first = [], [], [], [], [], []
            for run in range(args.runs):
                name = f"bench_{backend}_{run}"
                if backend == "postgresql":
                    bench("createdb", admin, name)
                    store = admin[:admin.rfind("/") + 1] + name
                else:
                    store = f"sqlite:{work / (name + '.db')}"
                stores[backend] = store
                one.append(log_rate(store, args.rows, args.batch, 1, f"r{run}-one"))
                four.append(log_rate(store, args.rows, args.batch, 4, f"r{run}-four"))
                reads = bench("registry", store, work / f"models-{name}", args.reads)
                median.append(reads["median_ms"])
                p99.append(reads["p99_ms"])
                opened.append(reads["open_ms"])
                first.append(reads["first_fetch_ms"])
                print(f"{backend} run {run + 1}: 1 writer {one[-1]:,.0f} rows/s, 4 writers "
                      f"{four[-1]:,.0f} rows/s, champion read {median[-1]:.3f} ms median "
                      f"(p99 {p99[-1]:.3f}), open {opened[-1]:.1f} ms, first fetch "
                      f"{first[-1]:.1f} ms", flush=True)
            results[backend] = {k: statistics.median(v) for k, v in
                                (("one", one), ("four", four), ("median", median), ("p99", p99),
                                 ("open", opened), ("first", first))}
    finally:
        subprocess.run([str(CLUSTER), "stop", str(cluster)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    load_end = os.getloadavg()
    lines = [
        f"Medians of {args.runs} runs; {args.rows:,} rows in batches of {args.batch:,}; "
        f"{args.reads} champion reads per run; load average {load_start[0]:.2f} before, "
        f"{load_end[0]:.2f} after ({os.cpu_count()} cores).",
        "",
        "| figure | target | PostgreSQL | SQLite |",
        "| --- | --- | --- | --- |",
    ]
    pg, lite = results["postgresql"], results["sqlite"]
    lines += [
        f"| prediction logging, 1 process | >= 50,000 rows/s | {pg['one']:,.0f} rows/s | "
        f"{lite['one']:,.0f} rows/s |",
        f"| prediction logging, 4 processes at once | >= 50,000 rows/s | {pg['four']:,.0f} rows/s"
        f" | {lite['four']:,.0f} rows/s |",
        f"| resolve champion + fetch/check files, median | <= 5 ms | {pg['median']:.3f} ms | "
        f"{lite['median']:.3f} ms |",
        f"| the same, p99 | | {pg['p99']:.3f} ms | {lite['p99']:.3f} ms |",
        f"| opening the registry (connect, schema check) | | {pg['open']:.1f} ms | "
        f"{lite['open']:.1f} ms |",
        f"| first read on a machine with an empty models_dir (PostgreSQL fetches the 250 kB; SQLite "
        f"reads the shared models_dir) | | {pg['first']:.1f} ms | "
        f"{lite['first']:.1f} ms |",
    ]
    table = "\n".join(lines) + "\n"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "postgres.md").write_text(table)
    print()
    print(table)


if __name__ == "__main__":
    main()
