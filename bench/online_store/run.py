#!/usr/bin/python3
"""Online feature store bench (issue 16), side by side in one invocation:

1. materialize N rows' latest values into Redis: `mlops materialize` vs a Python peer
   (pandas + redis-py with pipelining, peer_materialize.py), each into a fresh Redis database;
2. `mlops materialize` into SQLite (rows read per second);
3. online lookups measured in process (bench_online_lookup): one key, and 100 keys per call,
   from Redis on loopback and from SQLite.

    bench/online_store/run.py [--rows 3000000] [--keys 500000] [--runs 1]

Starts its own redis-server on a free 127.0.0.1 port with a temporary directory. Needs
build/mlops and build/bench/online_store/bench_online_lookup (built here with scripts/build),
redis-server, redis-tools, python3-redis and python3-pandas (installed here with apt-get when
missing, as bench/run.py does).
Writes the Markdown table to bench/out/online_store.md.
"""
import argparse
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
DATA = BENCH / "data" / "online_store"
MLOPS = ROOT / "build" / "mlops"
LOOKUP = ROOT / "build" / "bench" / "online_store" / "bench_online_lookup"
PEER = BENCH / "online_store" / "peer_materialize.py"

WORKFLOW = """name: fsbench
ingest:
  source: {type: file, path: "${data_dir}/events.csv", format: csv}
  schema: {id: int64, ts: timestamp, amount: float64, count: int64, country: string, vip: bool}
entities: [{name: user, keys: {id: int}}]
feature_views:
  - {name: user_events, entity: user, source: {table: fsbench}, event_time: ts,
     features: [amount, count, country, vip]}
"""


def ensure_tools():
    """The bench's packages, installed with apt-get when missing (as bench/run.py does)."""
    need = ["redis-server", "redis-tools", "python3-redis", "python3-pandas"]
    missing = [p for p in need
               if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
                                 text=True).stdout.find("install ok installed") < 0]
    if missing:
        print(f"== installing {' '.join(missing)}", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends"]
                       + missing, check=True, env=env)


def generate(path, rows, keys):
    """Deterministic events: ids uniform over `keys`, event times over 30 days, unsorted."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(16)
    countries = ["FR", "DE", "US", "GB", "ES", "IT", "NL", "SE"]
    base = 1_704_067_200  # 2024-01-01
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as out:
        out.write("id,ts,amount,count,country,vip\n")
        chunk = []
        for i in range(rows):
            t = base + rng.randrange(30 * 86400)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
            chunk.append(f"{rng.randrange(keys)},{stamp},{rng.random() * 100:.3f},"
                         f"{rng.randrange(1000)},{countries[i % 8]},{'true' if i % 3 else 'false'}\n")
            if len(chunk) == 100_000:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))
    tmp.rename(path)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="fsbench-redis-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
             "--save", "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL)
        for _ in range(500):
            if self.cli("PING").strip() == "PONG":
                return
            time.sleep(0.01)
        sys.exit("redis-server did not start")

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port)] + list(args),
                              capture_output=True, text=True).stdout

    def cpu(self):
        """The server's CPU seconds so far (user + system)."""
        fields = dict(line.split(":", 1) for line in self.cli("INFO", "cpu").splitlines()
                      if ":" in line)
        return float(fields["used_cpu_user"]) + float(fields["used_cpu_sys"])

    def memory(self):
        for line in self.cli("INFO", "memory").splitlines():
            if line.startswith("used_memory:"):
                return int(line.split(":")[1])
        return 0

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def mlops(project, *args):
    proc = subprocess.run([str(MLOPS)] + list(args), cwd=project, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"mlops {' '.join(args)} failed: {proc.stderr[-2000:]}")
    return proc.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--keys", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    load_start = os.getloadavg()
    ensure_tools()
    subprocess.run([str(ROOT / "scripts" / "build"), "mlops", "bench_online_lookup"], check=True,
                   stdout=subprocess.DEVNULL)
    csv = DATA / f"events-{args.rows}-{args.keys}.csv"
    generate(csv, args.rows, args.keys)
    OUT.mkdir(exist_ok=True)
    project = Path(tempfile.mkdtemp(prefix="fsbench-"))
    (project / "configs").mkdir()
    (project / "data").mkdir()
    (project / "configs" / "base.yaml").write_text("data_dir: data\nruns_dir: runs\n")
    (project / "configs" / "local.yaml").write_text("{}\n")
    (project / "fsbench.yaml").write_text(WORKFLOW)
    os.symlink(csv, project / "data" / "events.csv")
    start = time.perf_counter()
    mlops(project, "ingest", "-w", "fsbench.yaml")
    ingest_s = time.perf_counter() - start

    redis = Redis()
    url = f"redis://127.0.0.1:{redis.port}/0"
    results = {"mlops_redis": [], "peer_redis": [], "mlops_sqlite": []}
    memory = {}
    try:
        for _ in range(args.runs):
            redis.cli("FLUSHALL")
            cpu, server = children_cpu(), redis.cpu()
            peer = json.loads(subprocess.run(["/usr/bin/python3", str(PEER), str(csv),
                                              str(redis.port)], check=True, capture_output=True,
                                             text=True).stdout)
            peer["cpu_s"] = children_cpu() - cpu + redis.cpu() - server
            results["peer_redis"].append(peer)
            memory["peer (HASH per key)"] = redis.memory()
            redis.cli("FLUSHALL")
            cpu, server = children_cpu(), redis.cpu()
            start = time.perf_counter()
            out = json.loads(mlops(project, "materialize", "-w", "fsbench.yaml", "--format", "json",
                                   "--set", f"online_store.url={url}"))
            out["wall_s"] = time.perf_counter() - start
            out["cpu_s"] = children_cpu() - cpu + redis.cpu() - server
            results["mlops_redis"].append(out)
            memory["mlops (STRING per key)"] = redis.memory()
            db = project / "online.db"
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            cpu = children_cpu()
            start = time.perf_counter()
            out = json.loads(mlops(project, "materialize", "-w", "fsbench.yaml", "--format", "json",
                                   "--set", f"online_store.url=sqlite:{db}"))
            out["wall_s"] = time.perf_counter() - start
            out["cpu_s"] = children_cpu() - cpu
            results["mlops_sqlite"].append(out)
        lookups = {}
        for name, store in (("redis", url), ("sqlite", f"sqlite:{project / 'online.db'}")):
            lookups[name] = json.loads(subprocess.run(
                [str(LOOKUP), store, "user_events", str(args.keys), "20000", "2000"],
                check=True, capture_output=True, text=True).stdout)
        # The same server's own floor, in the same run: redis-benchmark's MGET of 100 stored
        # keys from one connection (its latencies include no decoding of the values).
        rng = random.Random(100)
        keys100 = [f"mlops:v:user_events:{rng.randrange(args.keys)}" for _ in range(100)]
        csv_out = subprocess.run(["redis-benchmark", "-p", str(redis.port), "-c", "1", "-n",
                                  "20000", "--csv", "MGET"] + keys100, check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()
        header = next(line for line in csv_out if line.startswith('"test"'))
        fields = dict(zip(json.loads(f"[{header}]"), json.loads(f"[{csv_out[-1]}]")))
        redis_benchmark = {q: float(fields[f"{q}_latency_ms"]) * 1000 for q in ("p50", "p99", "max")}
    finally:
        redis.stop()
        shutil.rmtree(project, ignore_errors=True)

    med = lambda xs: statistics.median(xs)
    mlops_redis = med([r["wall_s"] for r in results["mlops_redis"]])
    peer_redis = med([r["seconds"] for r in results["peer_redis"]])
    peer_write = med([r["write_s"] for r in results["peer_redis"]])
    sqlite_s = med([r["wall_s"] for r in results["mlops_sqlite"]])
    keys = results["mlops_redis"][0]["keys_written"]
    mlops_cpu = med([r["cpu_s"] for r in results["mlops_redis"]])
    peer_cpu = med([r["cpu_s"] for r in results["peer_redis"]])
    sqlite_cpu = med([r["cpu_s"] for r in results["mlops_sqlite"]])
    best_redis = min(r["wall_s"] for r in results["mlops_redis"])
    best_peer = min(r["seconds"] for r in results["peer_redis"])
    best_sqlite = min(r["wall_s"] for r in results["mlops_sqlite"])
    best_sqlite_cpu = min(r["cpu_s"] for r in results["mlops_sqlite"])
    load = os.getloadavg()
    lines = [
        f"Online store bench: {args.rows:,} rows, {keys:,} keys; ingest {ingest_s:.1f} s "
        f"(not compared); medians of {args.runs} (best in brackets); load average "
        f"{load_start[0]:.1f} / {load_start[1]:.1f} / {load_start[2]:.1f} (1/5/15 min) at the "
        f"start, {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end, on {os.cpu_count()} "
        f"CPUs",
        "",
        "| measure | mlops | peer (pandas + redis-py) | ratio |",
        "| --- | --- | --- | --- |",
        f"| materialize into Redis, total s | {mlops_redis:.2f} ({best_redis:.2f}) | "
        f"{peer_redis:.2f} ({best_peer:.2f}; read "
        f"{med([r['read_s'] for r in results['peer_redis']]):.2f}, latest "
        f"{med([r['latest_s'] for r in results['peer_redis']]):.2f}, write {peer_write:.2f}) | "
        f"{peer_redis / mlops_redis:.1f}x faster ({best_peer / best_redis:.1f}x best to best) |",
        f"| materialize into Redis, CPU s (client + redis-server) | {mlops_cpu:.2f} | "
        f"{peer_cpu:.2f} | {peer_cpu / mlops_cpu:.1f}x less |",
        f"| materialize into SQLite, s (rows/s) | {sqlite_s:.2f} ({args.rows / sqlite_s:,.0f}); "
        f"best {best_sqlite:.2f} ({args.rows / best_sqlite:,.0f}) | | |",
        f"| materialize into SQLite, CPU s (rows per CPU s) | {sqlite_cpu:.2f} "
        f"({args.rows / sqlite_cpu:,.0f}); best {best_sqlite_cpu:.2f} "
        f"({args.rows / best_sqlite_cpu:,.0f}) | | |",
        f"| Redis memory after, MB | {memory['mlops (STRING per key)'] / 1e6:.0f} | "
        f"{memory['peer (HASH per key)'] / 1e6:.0f} | |",
    ]
    for name in ("redis", "sqlite"):
        one, many = lookups[name]["one_key_us"], lookups[name]["hundred_keys_us"]
        lines.append(f"| lookup 1 key, {name}, p50 / p99 / max us | {one['p50']} / {one['p99']} / "
                     f"{one['max']} | | |")
        lines.append(f"| lookup 100 keys, {name}, p50 / p99 / max us | {many['p50']} / "
                     f"{many['p99']} / {many['max']} | | |")
    lines.append(f"| redis-benchmark MGET of 100 keys, same server, p50 / p99 / max us | "
                 f"{redis_benchmark['p50']:.0f} / {redis_benchmark['p99']:.0f} / "
                 f"{redis_benchmark['max']:.0f} | | |")
    text = "\n".join(lines) + "\n"
    print(text)
    (OUT / "online_store.md").write_text(text)


if __name__ == "__main__":
    main()
