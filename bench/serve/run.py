#!/usr/bin/python3
"""Serving bench (issue 17, Performance), side by side in one invocation:

(a) `mlops serve` with online features in Redis and the prediction log on, against
(b) the peer a team would write (peer_service.py): FastAPI + uvicorn (uvloop, httptools) +
    redis-py (asyncio) + xgboost's Booster.predict, on the same model.json, reading the same
    records from the same Redis (the STRING per key `mlops materialize` writes).

    bench/serve/run.py                       # 2 runs, ~6 minutes
    bench/serve/run.py --runs 3 --soak 180   # and a 3-minute RSS soak of mlops at 2,000 req/s

Per run and server: saturated throughput (wrk, keyed POSTs from keyed.lua, closed loop), then
p50/p99/p99.9 at fixed rates (bench_serve_loadgen: open loop, latency from each request's
scheduled send time, so no coordinated omission), errors and RSS. Before timing, both servers
answer the same sample of keys and their probabilities are compared.

Preparation (untimed): a temporary project with `servebench.yaml` (a user entity, one online
view of 8 numeric features, 100,000 keys, XGBoost binary:logistic 100 rounds depth 6), `mlops
run` (train, register v1 as champion, batch-predict) and `mlops materialize` into its own
redis-server on a free 127.0.0.1 port.

Needs build/mlops and build/bench/serve/bench_serve_loadgen (built here with scripts/build),
and wrk, redis-server, redis-tools, python3-redis, python3-xgboost, python3-fastapi,
python3-uvicorn, python3-uvloop, python3-httptools (installed here with apt-get when missing).
Writes bench/out/serve.md (the table) and bench/out/serve.json (every measurement).
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
OUT = ROOT / "bench" / "out"
MLOPS = ROOT / "build" / "mlops"
LOADGEN = ROOT / "build" / "bench" / "serve" / "bench_serve_loadgen"
PYTHON = "/usr/bin/python3"  # Debian's, where the apt packages are
PATH = "/v1/workflows/servebench/predict"

WORKFLOW = """name: servebench
ingest:
  source: {type: file, path: "${data_dir}/users.csv", format: csv}
  schema: {user_id: int64, ts: timestamp, amount: float64, visits: int64, sessions: int64,
           tenure_days: int64, basket: float64, tickets: int64, discount: float64,
           idle_days: int64, churned: bool}
entities:
  - {name: user, keys: {user_id: int}}
feature_views:
  - name: user_stats
    entity: user
    source: {table: servebench}
    event_time: ts
    features: [amount, visits, sessions, tenure_days, basket, tickets, discount, idle_days]
    ttl: 30d
featurize:
  label: {column: churned}
  drop: [user_id, ts]
train:
  objective: binary:logistic
  rounds: 100
  split: {type: random, holdout: 0.2}
  params: {max_depth: 6, eta: 0.1, nthread: 2}
predict:
  id_columns: [user_id]
"""

PACKAGES = ["wrk", "redis-server", "redis-tools", "python3-redis", "python3-xgboost",
            "python3-numpy", "python3-fastapi", "python3-uvicorn", "python3-uvloop",
            "python3-httptools"]


def ensure_tools():
    """The bench's packages, installed with apt-get when missing (as bench/run.py does)."""
    missing = [p for p in PACKAGES
               if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
                                 text=True).stdout.find("install ok installed") < 0]
    if missing:
        print(f"== installing {' '.join(missing)}", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends"]
                       + missing, check=True, env=env)


def generate(path, keys):
    """One row per user; event times within the last day (fresh under the view's 30d ttl)."""
    rng = random.Random(17)
    now = int(time.time())
    lines = ["user_id,ts,amount,visits,sessions,tenure_days,basket,tickets,discount,idle_days,"
             "churned\n"]
    for uid in range(1, keys + 1):
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 60 - rng.randrange(86400)))
        amount = round(rng.random() * 500, 2)
        visits, sessions, tenure = rng.randrange(60), rng.randrange(200), rng.randrange(2000)
        basket, tickets = round(rng.random() * 120, 2), rng.randrange(10)
        discount, idle = round(rng.random(), 3), rng.randrange(90)
        score = (-amount / 200 - visits / 20 + tickets / 3 + idle / 30 - tenure / 1000 + discount
                 + rng.gauss(0, 1))
        lines.append(f"{uid},{ts},{amount},{visits},{sessions},{tenure},{basket},{tickets},"
                     f"{discount},{idle},{'true' if score > 0 else 'false'}\n")
    path.write_text("".join(lines))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_count(cpus):
    """How many CPUs a taskset list ("0", "0,1", "0-3") names; all of them when empty."""
    if not cpus:
        return os.cpu_count()
    count = 0
    for part in cpus.split(","):
        low, _, high = part.partition("-")
        count += int(high or low) - int(low) + 1
    return count


PRIORITY = []  # ["nice", "-n", "-19"] with --priority


def pin(cpus):
    return PRIORITY + (["taskset", "-c", cpus] if cpus else [])


def load_text():
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


class Redis:
    def __init__(self, cpus):
        self.dir = tempfile.mkdtemp(prefix="servebench-redis-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            pin(cpus) + ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                         "--dir", self.dir, "--save", "", "--appendonly", "no",
                         "--loglevel", "warning"], stdout=subprocess.DEVNULL)
        for _ in range(500):
            if subprocess.run(["redis-cli", "-p", str(self.port), "PING"], capture_output=True,
                              text=True).stdout.strip() == "PONG":
                return
            time.sleep(0.01)
        sys.exit("redis-server did not start")

    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def tree_rss_kb(pid):
    """VmRSS of `pid` and its descendants (uvicorn --workers forks), in kB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            pass
    return total


def tree_cpu_s(pid):
    """User + system CPU seconds of `pid` (all its threads) and its descendants."""
    total, todo, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            pass
    return total


def redis_cpu_s(port):
    text = subprocess.run(["redis-cli", "-p", str(port), "INFO", "cpu"], capture_output=True,
                          text=True).stdout
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    return float(fields["used_cpu_user"]) + float(fields["used_cpu_sys"])


def post(port, body, timeout=5):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{PATH}", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def wait_ready(port, proc, what):
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            post(port, '{"key": {"user_id": 1}}', timeout=1)
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not answer on port {port}")


class Server:
    """One server under test: started, measured, stopped."""

    def __init__(self, name, argv, cwd, env, port):
        self.name, self.port = name, port
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)

    def rss_mb(self):
        return tree_rss_kb(self.proc.pid) / 1024

    def stop(self):
        self.proc.terminate()
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.stderr.seek(0)
        return code, self.stderr.read().decode(errors="replace")


def start_mlops(project, redis, args, http_server=None):
    # "loop" (serve.loop_threads default: one loop per usable CPU), "loop:N" (N loops) or
    # "threads" (serve.threads workers)
    kind, _, loops = (http_server or args.http_servers[0]).partition(":")
    argv = pin(args.server_cpus) + [str(MLOPS), "serve", "-w", "servebench.yaml", "--port", "0",
                                    "--set", f"serve.threads={args.threads}", "--set",
                                    f"online_store.url={redis.url()}", "--set",
                                    f"serve.http_server={kind}"]
    if loops:
        argv += ["--set", f"serve.loop_threads={loops}"]
    server = Server("mlops", argv, project, dict(os.environ), 0)
    line = server.proc.stdout.readline()
    match = re.match(r"listening on port (\d+)", line)
    if not match:
        code, err = server.stop()
        sys.exit(f"mlops serve did not start ({code}): {err[-2000:]}")
    server.port = int(match.group(1))
    wait_ready(server.port, server.proc, "mlops serve")
    return server


def start_peer(project, redis, args):
    port = free_port()
    env = dict(os.environ, MODEL=str(project / "models" / "servebench" / "v1" / "model.json"),
               REDIS_URL=redis.url(), VIEW="user_stats", KEY="user_id", WORKFLOW="servebench",
               OMP_NUM_THREADS="1", PYTHONPATH=str(HERE))
    argv = pin(args.server_cpus) + [PYTHON, "-m", "uvicorn", "peer_service:app", "--host",
                                    "127.0.0.1", "--port", str(port), "--workers",
                                    str(args.peer_workers), "--loop", "uvloop", "--http",
                                    "httptools", "--no-access-log", "--log-level", "warning"]
    server = Server("peer", argv, HERE, env, port)
    wait_ready(port, server.proc, "the peer (uvicorn)")
    return server


def check_same(mlops_port, peer_port, keys, sample):
    """Both servers' probabilities on the same keys; the largest difference."""
    rng = random.Random(5)
    worst = 0.0
    for _ in range(sample):
        body = json.dumps({"key": {"user_id": rng.randint(1, keys)}})
        a, b = post(mlops_port, body)["predictions"][0], post(peer_port, body)["predictions"][0]
        if a["source"] != "model":
            sys.exit(f"mlops answered from {a['source']}, not the model: {a}")
        worst = max(worst, abs(a["probability"] - b["probability"]))
    return worst


def wrk(port, args, seconds):
    env = dict(os.environ, KEYS=str(args.keys), KEY_NAME="user_id")
    proc = subprocess.run(pin(args.client_cpus) + [
        "wrk", "-t", str(args.wrk_threads), "-c", str(args.connections), "-d", f"{int(seconds)}s",
        "--timeout", "5s", "-s", str(HERE / "keyed.lua"), f"http://127.0.0.1:{port}{PATH}"],
        env=env, capture_output=True, text=True, check=True)
    line = next(l for l in proc.stdout.splitlines() if l.startswith("WRKJSON "))
    out = json.loads(line[len("WRKJSON "):])
    out["errors"] = (out["non_2xx"] + out["connect_errors"] + out["read_errors"]
                     + out["write_errors"] + out["timeouts"])
    return out


def loadgen(port, args, rate, seconds, warmup=2):
    proc = subprocess.run(pin(args.client_cpus) + [
        str(LOADGEN), "--port", str(port), "--path", PATH, "--rate", str(rate), "--duration",
        str(seconds), "--warmup", str(warmup), "--connections", str(args.connections), "--keys",
        str(args.keys), "--body", '{"key": {"user_id": %KEY%}}'],
        capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def metric(port, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith(name) and not line.startswith("#"))


def measure(server, args, rates, redis):
    """Saturated throughput, then each fixed rate below it; RSS after each phase; CPU per
    request (server, redis-server) during the saturated run."""
    out = {"load_start": load_text(), "rss_start_mb": server.rss_mb()}
    wrk(server.port, args, 3)  # warm-up
    cpu, redis_cpu = tree_cpu_s(server.proc.pid), redis_cpu_s(redis.port)
    out["saturated"] = wrk(server.port, args, args.saturate_seconds)
    requests = max(1, out["saturated"]["requests"])
    out["cpu_us_per_request"] = (tree_cpu_s(server.proc.pid) - cpu) / requests * 1e6
    out["redis_cpu_us_per_request"] = (redis_cpu_s(redis.port) - redis_cpu) / requests * 1e6
    out["rss_saturated_mb"] = server.rss_mb()
    out["fixed"] = {}
    for rate in rates:
        if rate > 0.9 * out["saturated"]["rps"]:
            out["fixed"][str(rate)] = {"over_capacity": True}
            continue
        out["fixed"][str(rate)] = loadgen(server.port, args, rate, args.rate_seconds)
    out["rss_end_mb"] = server.rss_mb()
    out["load_end"] = load_text()
    return out


def soak(server, args):
    """mlops at 2,000 req/s for args.soak seconds, RSS sampled every 10 s."""
    samples, done = [], threading.Event()

    def sample():
        start = time.monotonic()
        while not done.wait(10):
            samples.append((round(time.monotonic() - start), round(server.rss_mb(), 1)))

    rss_start = server.rss_mb()
    thread = threading.Thread(target=sample)
    thread.start()
    result = loadgen(server.port, args, args.soak_rate, args.soak, warmup=0)
    done.set()
    thread.join()
    return {"seconds": args.soak, "rate": args.soak_rate, "rss_start_mb": round(rss_start, 1),
            "rss_end_mb": round(server.rss_mb(), 1), "samples": samples, "load": load_text(),
            "result": result}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--rates", default="500,2000,5000")
    parser.add_argument("--rate-seconds", type=float, default=20, help="per fixed rate")
    parser.add_argument("--saturate-seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=64,
                        help="wrk's connections (32 left the event-loop server idle between "
                             "batches on 2 cores)")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--threads", type=int, default=32,
                        help="serve.threads: workers of the `threads` HTTP server")
    parser.add_argument("--peer-workers", type=int, default=0,
                        help="uvicorn --workers (default: 1 per server CPU)")
    parser.add_argument("--server-cpus", default="",
                        help="taskset list for the servers, e.g. 0 (default: no pinning)")
    parser.add_argument("--client-cpus", default="",
                        help="taskset list for wrk, the load generator and redis-server")
    parser.add_argument("--soak", type=float, default=0, help="seconds of mlops at --soak-rate")
    parser.add_argument("--soak-rate", type=float, default=2000)
    parser.add_argument("--sample", type=int, default=200, help="keys both servers must agree on")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--http-servers", default="loop,threads",
                        help="serve.http_server values measured in turn (loop:N: N event loops), "
                             "e.g. loop:1,loop,threads: the "
                             "first is the table's 'mlops serve', the others get a line each")
    parser.add_argument("--priority", action="store_true",
                        help="servers, load generators and redis-server at nice -19 (root): "
                             "what they do when the machine's other (niced) work barely "
                             "competes")
    args = parser.parse_args()
    if args.priority:
        PRIORITY.extend(["nice", "-n", "-19"])
    if args.peer_workers == 0:
        args.peer_workers = cpu_count(args.server_cpus)
    rates = [int(r) for r in args.rates.split(",") if r]
    args.http_servers = [s for s in args.http_servers.split(",") if s]
    ensure_tools()
    subprocess.run(["nice", str(ROOT / "scripts" / "build"), "mlops", "bench_serve_loadgen"],
                   check=True, stdout=subprocess.DEVNULL)
    OUT.mkdir(exist_ok=True)

    project = Path(tempfile.mkdtemp(prefix="servebench-"))
    for sub in ("configs", "data"):
        (project / sub).mkdir()
    (project / "configs" / "base.yaml").write_text("data_dir: data\nruns_dir: runs\n")
    (project / "configs" / "local.yaml").write_text("{}\n")
    (project / "servebench.yaml").write_text(WORKFLOW)
    generate(project / "data" / "users.csv", args.keys)
    redis = Redis(args.client_cpus)
    setting = f"online_store.url={redis.url()}"
    results = {"machine": {"nproc": os.cpu_count(), "uname": os.uname().release},
               "args": vars(args), "runs": []}
    try:
        for step in (["run", "-w", "servebench.yaml", "--set", setting],
                     ["materialize", "-w", "servebench.yaml", "--set", setting]):
            proc = subprocess.run([str(MLOPS)] + step, cwd=project, capture_output=True,
                                  text=True)
            if proc.returncode != 0:
                sys.exit(f"mlops {step[0]} failed: {proc.stderr[-2000:]}")
        print(f"== prepared {project} ({args.keys:,} keys in {redis.url()}); load {load_text()}",
              flush=True)

        if not args.skip_peer:
            mlops, peer = start_mlops(project, redis, args), start_peer(project, redis, args)
            results["max_probability_difference"] = check_same(mlops.port, peer.port, args.keys,
                                                               args.sample)
            print(f"== {args.sample} keys: largest |mlops - peer| probability difference "
                  f"{results['max_probability_difference']:.3g}", flush=True)
            mlops.stop()
            peer.stop()
        for run in range(args.runs):
            entry = {}
            names = ["mlops"] + [f"mlops-{s}" for s in args.http_servers[1:]]
            for name in (names if args.skip_peer else names + ["peer"]):
                if name == "peer":
                    server = start_peer(project, redis, args)
                else:
                    kind = args.http_servers[0] if name == "mlops" else name[len("mlops-"):]
                    server = start_mlops(project, redis, args, kind)
                entry[name] = measure(server, args, rates, redis)
                if name != "peer":
                    answered = metric(server.port, "mlops_serve_requests_total")
                    code, err = server.stop()
                    stopped = re.search(r"serve: stopped logged=(\d+) stored=(\d+) journaled=(\d+)",
                                        err)
                    entry[name]["answered"] = answered
                    entry[name]["logged"] = [int(x) for x in stopped.groups()] if stopped else None
                    entry[name]["exit"] = code
                else:
                    entry[name]["exit"], _ = server.stop()
                print(f"== run {run + 1} {name}: {summary_line(entry[name])}", flush=True)
            results["runs"].append(entry)
        if args.soak > 0:
            server = start_mlops(project, redis, args)
            wrk(server.port, args, 3)
            results["soak"] = soak(server, args)
            server.stop()
            print(f"== soak: {json.dumps(results['soak'])}", flush=True)
    finally:
        redis.stop()
        shutil.rmtree(project, ignore_errors=True)

    (OUT / "serve.json").write_text(json.dumps(results, indent=1))
    text = table(results, args, rates)
    print(text)
    (OUT / "serve.md").write_text(text)


def summary_line(m):
    parts = [f"saturated {m['saturated']['rps']:,.0f} req/s ({m['saturated']['errors']} errors)"]
    for rate, r in m["fixed"].items():
        parts.append(f"{rate}/s: " + ("over capacity" if r.get("over_capacity") else
                                      f"p50 {r['p50_us']:.0f} p99 {r['p99_us']:.0f} "
                                      f"p99.9 {r['p999_us']:.0f} us, {r['errors']} errors"))
    parts.append(f"{m['cpu_us_per_request']:.0f} CPU us/request")
    parts.append(f"RSS {m['rss_start_mb']:.0f}->{m['rss_end_mb']:.0f} MB; load {m['load_start']}")
    return "; ".join(parts)


def table(results, args, rates):
    runs = results["runs"]
    sides = ["mlops"] + ([] if args.skip_peer else ["peer"])

    def sat(side):
        values = [r[side]["saturated"]["rps"] for r in runs]
        return statistics.median(values), max(values)

    def fixed(side, rate, field):
        values = [r[side]["fixed"][str(rate)].get(field) for r in runs
                  if not r[side]["fixed"][str(rate)].get("over_capacity")]
        return (statistics.median(values), min(values)) if values else None

    def cell(side, rate):
        p = [fixed(side, rate, f) for f in ("p50_us", "p99_us", "p999_us")]
        if p[0] is None:
            return "over capacity"
        ms = lambda v: f"{v / 1000:.2f}"
        errors = sum(r[side]["fixed"][str(rate)]["errors"] for r in runs
                     if not r[side]["fixed"][str(rate)].get("over_capacity"))
        return (f"{ms(p[0][0])} / {ms(p[1][0])} / {ms(p[2][0])} (best {ms(p[1][1])} p99); "
                f"{errors} errors")

    pin_text = ("nice -19, " if args.priority else "") + (
        f"servers on CPU {args.server_cpus}, load generator and redis-server on CPU "
                f"{args.client_cpus}" if args.server_cpus else "no CPU pinning")
    lines = [
        f"Serving bench: {args.keys:,} keys in Redis, {len(runs)} runs (median, best), "
        f"{args.connections} connections, {pin_text}; mlops serve "
        f"serve.http_server={args.http_servers[0]} (threads server: {args.threads} workers), "
        f"prediction log on; peer: uvicorn --workers {args.peer_workers}",
        "",
        "| measure | mlops serve | peer (FastAPI + uvicorn + redis-py + xgboost) | ratio |",
        "| --- | --- | --- | --- |",
    ]
    m_med, m_best = sat("mlops")
    m_err = sum(r["mlops"]["saturated"]["errors"] for r in runs)
    if args.skip_peer:
        lines.append(f"| saturated req/s (wrk), median (best) | {m_med:,.0f} ({m_best:,.0f}); "
                     f"{m_err} errors | | |")
    else:
        p_med, p_best = sat("peer")
        p_err = sum(r["peer"]["saturated"]["errors"] for r in runs)
        lines.append(f"| saturated req/s (wrk), median (best) | {m_med:,.0f} ({m_best:,.0f}); "
                     f"{m_err} errors | {p_med:,.0f} ({p_best:,.0f}); {p_err} errors | "
                     f"{m_med / p_med:.1f}x (best/best {m_best / p_best:.1f}x) |")
    cpu = lambda side, field: statistics.median(r[side][field] for r in runs)
    if args.skip_peer:
        lines.append(f"| CPU us per request at saturation: server (redis-server) | "
                     f"{cpu('mlops', 'cpu_us_per_request'):.0f} "
                     f"({cpu('mlops', 'redis_cpu_us_per_request'):.0f}) | | |")
    else:
        ratio = cpu("peer", "cpu_us_per_request") / cpu("mlops", "cpu_us_per_request")
        lines.append(f"| CPU us per request at saturation: server (redis-server) | "
                     f"{cpu('mlops', 'cpu_us_per_request'):.0f} "
                     f"({cpu('mlops', 'redis_cpu_us_per_request'):.0f}) | "
                     f"{cpu('peer', 'cpu_us_per_request'):.0f} "
                     f"({cpu('peer', 'redis_cpu_us_per_request'):.0f}) | "
                     f"{ratio:.1f}x"
                     f" less |")
    for rate in rates:
        lines.append(f"| {rate:,} req/s fixed: p50 / p99 / p99.9 ms | {cell('mlops', rate)} | "
                     + ("" if args.skip_peer else cell("peer", rate)) + " | |")
    for kind in args.http_servers[1:]:
        side = f"mlops-{kind}"
        med, best = sat(side)
        lines.append(f"| serve.http_server={kind}: saturated req/s median (best); server CPU us "
                     f"per request (redis-server) | {med:,.0f} ({best:,.0f}); "
                     f"{cpu(side, 'cpu_us_per_request'):.0f} "
                     f"({cpu(side, 'redis_cpu_us_per_request'):.0f}) | | |")
    for side in sides:
        rss = [(r[side]["rss_start_mb"], max(r[side]["rss_saturated_mb"], r[side]["rss_end_mb"]))
               for r in runs]
        lines.append(f"| RSS {side}, MB (idle -> after load), per run | "
                     + ", ".join(f"{a:.0f} -> {b:.0f}" for a, b in rss) + " | | |")
    logged = [r["mlops"].get("logged") for r in runs]
    answered = [int(r["mlops"].get("answered", 0)) for r in runs]
    lines.append(f"| mlops predictions answered / logged / stored / journaled, per run | "
                 + ", ".join(f"{a} / {l[0]} / {l[1]} / {l[2]}" if l else f"{a} / ?"
                             for a, l in zip(answered, logged)) + " | | |")
    if "max_probability_difference" in results:
        lines.append(f"| same predictions ({args.sample} keys): largest probability difference |"
                     f" {results['max_probability_difference']:.3g} | | |")
    lines.append("| load average (1/5/15 min) at the start of each run | "
                 + ", ".join(r["mlops"]["load_start"] for r in runs) + " | "
                 + ("" if args.skip_peer else ", ".join(r["peer"]["load_start"] for r in runs))
                 + " | |")
    if "soak" in results:
        s = results["soak"]
        lines.append(f"| soak: {s['seconds']:.0f} s at {s['rate']:.0f} req/s, RSS start -> end MB;"
                     f" p99 ms; errors | {s['rss_start_mb']} -> {s['rss_end_mb']} (max "
                     f"{max([v for _, v in s['samples']] or [0])}); "
                     f"{s['result']['p99_us'] / 1000:.2f}; {s['result']['errors']} | | |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
