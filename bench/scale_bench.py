"""Push at scale, measured on the production shape: long-poll vs 800 ms polling, and complete logins.

Separate processes: uvicorn (1 worker while browsers wait, 2 for logins/s), a private
redis-server, the WeChat simulator, PostgreSQL (the machine's server; the bench's own database),
and the load generator (bench/lib/loadgen.py) that plays browsers and phones over real HTTP.

For each number of waiting browsers it prints scan → browser median and p99, server CPU and
database transactions/s while they only wait, Redis connections held, and requests/s, for the
long-poll and for the same browsers polling every 800 ms; then complete logins/s with server CPU
per login (two workers), and the Redis outage (the redis-server killed under 1,000 waiters).

  make bench                              # 1,000 / 5,000 / 10,000 waiters (a few minutes)
  BENCH_QUICK=1 .venv/bin/python bench/scale_bench.py    # 300 / 1,000, shorter windows
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/scanlogin_loadbench),
BENCH_SIZES (e.g. "1000,5000"), BENCH_SCANS, BENCH_LOGIN_USERS, BENCH_LOGIN_SECONDS,
BENCH_PHASES (any of "waiters,logins,outage"), BENCH_COMPARE=0 (skip the 800 ms polling comparison),
BENCH_SERVER_ENV (JSON of extra server settings).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
from stack import PY, ROOT, Stack, raise_nofile, tree_pids  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "300,1000" if QUICK else "1000,5000,10000").split(",")]
SCANS = int(os.environ.get("BENCH_SCANS", "40" if QUICK else "100"))
LOGIN_USERS = int(os.environ.get("BENCH_LOGIN_USERS", "12"))
LOGIN_SECONDS = int(os.environ.get("BENCH_LOGIN_SECONDS", "8" if QUICK else "20"))
IDLE_SECONDS = 5 if QUICK else 8
OUTAGE_WAITERS = int(os.environ.get("BENCH_OUTAGE_WAITERS", "300" if QUICK else "1000"))
PHASES = set(os.environ.get("BENCH_PHASES", "waiters,logins,outage").split(","))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scanlogin_loadbench")
# Extra settings of the server under test (e.g. raised rate limits: one load generator plays thousands of browsers from one IP).
SERVER_ENV = json.loads(os.environ.get("BENCH_SERVER_ENV", "{}"))


def loadgen(stack: Stack, tickets: Path, phase: str, **spec) -> dict:
    spec = {"phase": phase, "port": stack.web_port, "sim_port": stack.sim_port, "redis_port": stack.redis_port,
            "web_pids": stack.web_pids(), "sim_pids": tree_pids(stack.sim.pid),
            "redis_pids": [stack.redis.pid] if stack.redis is not None else [], "db_name": stack.db_name, "db_url": stack.db_url, "admin_url": stack.admin_url(),
            "tickets": str(tickets), "appid": os.environ.get("WECHAT_DEFAULT_APP_ID", "wx00000000000000d0"), **spec}
    out = subprocess.run([PY, str(ROOT / "bench/lib/loadgen.py"), json.dumps(spec)], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"load generator ({phase}) failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt(value, unit=""):
    return "—" if value is None else f"{value}{unit}"


def print_waiters(n, lp, po):
    print(f"\n== {n:,} waiting browsers on one uvicorn process", flush=True)
    rows = [
        ("scan → browser median / p99", f"{fmt(lp['delay_median_ms'])} / {fmt(lp['delay_p99_ms'])} ms",
         f"{fmt(po['delay_median_ms'])} / {fmt(po['delay_p99_ms'])} ms"),
        ("browsers that saw their scan", f"{lp['answered']}/{lp['scans']}", f"{po['answered']}/{po['scans']}"),
        # The browsers' waits end together (loadgen.Waves), so the window between two waves holds
        # browsers that only wait; any re-poll that still fell into it is shown beside the CPU.
        ("server CPU while they wait", f"{lp['idle']['cpu_pct']} % of a core" + (f" ({lp['idle_requests_per_s']} re-polls/s)"
                                        if lp["idle_requests_per_s"] else ""), f"{po['idle']['cpu_pct']} % of a core"),
        ("database transactions/s while waiting", f"{lp['idle']['xacts_per_s']}", f"{po['idle']['xacts_per_s']}"),
        ("Redis connections held (subscribers)", _redis(lp), _redis(po)),
        ("requests/s served while waiting", f"{lp['idle_requests_per_s']}",
         f"{po['idle_requests_per_s']} of {po['wanted_requests_per_s']} wanted"),
    ]
    if lp.get("repoll"):
        rp = lp["repoll"]
        steady = n / 24 * rp["cpu_ms_each"] / 10  # % of a core: each browser asks again every 24 s on average (the page's 20–28 s)
        rows.append(("a re-poll once a wait ran out (a whole", f"{rp['cpu_ms_each']} ms CPU, {rp['xacts_each']} xacts", ""))
        rows.append(("  cycle: registered, waiting, answered;", "", ""))
        rows.append(("  measured between two waves of re-polls,", "", ""))
        rows.append(("  with the others waiting)", "", ""))
        rows.append(("  (the first pass over those tickets)", f"{rp['first']['cpu_ms_each']} ms CPU, {rp['first']['xacts_each']} xacts", ""))
        rows.append(("  → all waiters re-polling (page: 20–28 s)", f"{steady:.1f} % of a core", ""))
    print(f"   {'':40s} {'long-poll':>26s} {'800 ms polling':>30s}")
    for name, a, b in rows:
        print(f"   {name:40s} {a:>26s} {b:>30s}")
    for label, r in (("long-poll", lp), ("polling", po)):
        if r["scan_failures"]:
            print(f"   ! {label}: scan failures {r['scan_failures']}")


def _redis(r):
    c = r.get("redis_clients")
    return "—" if not c else f"{c['total']} ({c['subscriber']})"


def main():
    raise_nofile()
    work = Path(tempfile.mkdtemp(prefix="scanlogin-bench-"))
    tickets = work / "tickets.json"
    load0 = os.getloadavg()
    print(f"scale bench: sizes {SIZES}, {SCANS} scans each, load average at start {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}"
          f" ({os.cpu_count()} cores); logs in {work}")
    stack = Stack(DB_URL, work, SERVER_ENV)
    ok = True
    try:
        stack.start(workers=2)  # tickets are created by two workers (quicker); browsers then wait on one
        if "waiters" in PHASES:
            need = max(SIZES) + 2 * SCANS * len(SIZES) + (OUTAGE_WAITERS if "outage" in PHASES else 0)
            created = loadgen(stack, tickets, "create", count=need, concurrency=32)
            print(f"created {created['created']:,} tickets over HTTP (two workers): {created['per_s']}/s, "
                  f"{created['cpu_ms_per_ticket']} ms server CPU each")
            for i, n in enumerate(SIZES):
                # Each run on a fresh process: an overloaded polling run before must not leave it a backlog.
                stack.restart_web(1)
                lp = loadgen(stack, tickets, "longpoll", waiters=n, scans=SCANS, idle_seconds=IDLE_SECONDS, user_base=100000 * (2 * i + 1))
                print(f"   (long-poll, {n:,}: {json.dumps(lp)})", flush=True)
                if os.environ.get("BENCH_COMPARE", "1") == "0":  # the long-poll alone (the 800 ms comparison is the slow part)
                    continue
                stack.restart_web(1)
                po = loadgen(stack, tickets, "polling", waiters=n, scans=SCANS, idle_seconds=IDLE_SECONDS, user_base=100000 * (2 * i + 2))
                print_waiters(n, lp, po)
                ok &= lp["answered"] == SCANS
        if "logins" in PHASES:
            if stack.workers != 2:
                stack.restart_web(2)
            r = loadgen(stack, tickets, "logins", users=LOGIN_USERS, seconds=LOGIN_SECONDS, user_base=9000000)
            print(f"\n== complete scan logins, two uvicorn workers, {r['users']} users at once for {LOGIN_SECONDS} s")
            print(f"   logins/s {r['logins_per_s']} ({r['logins']} logins, {r['failures']} failed)   "
                  f"server CPU per login {r['cpu_ms_per_login']} ms   server CPU {r['server_cpu_pct']} % of a core   "
                  f"database transactions per login {r['xacts_per_login']}")
            print(f"   step medians (ms): {r['step_median_ms']}")
            print("   the machine's two cores meanwhile (% of a core): "
                  + ", ".join(f"{name} {pct}" for name, pct in r["machine_cpu_pct"].items()))
            if r["first_failures"]:
                print(f"   ! failures: {r['first_failures']}")
            ok &= r["failures"] == 0
        if "outage" in PHASES:
            stack.restart_web(1, "outage_settings")  # the WeChat token cache stays up; see bench/lib/outage_settings.py
            if "waiters" not in PHASES:
                loadgen(stack, tickets, "create", count=OUTAGE_WAITERS + SCANS, concurrency=32)
            r = loadgen(stack, tickets, "outage", waiters=OUTAGE_WAITERS, scans=min(SCANS, 50), scan_rate=10,
                        idle_seconds=IDLE_SECONDS, redis_pid=stack.redis.pid, user_base=8000000)
            stack.redis = None
            print(f"\n== Redis down (redis-server killed) with {OUTAGE_WAITERS:,} long-polling browsers")
            print(f"   browsers that saw their scan {r['answered']}/{r['scans']}; scan → browser median {fmt(r['delay_median_ms'])} ms, "
                  f"p99 {fmt(r['delay_p99_ms'])} ms, max {fmt(r['delay_max_ms'])} ms")
            print(f"   database transactions/s while waiting {r['idle']['xacts_per_s']} (during the scans "
                  f"{r['scan_window']['xacts_per_s']}); server CPU {r['idle']['cpu_pct']} % of a core")
            if r["scan_failures"]:
                print(f"   ! scan failures {r['scan_failures']}")
    finally:
        stack.stop()
    load1 = os.getloadavg()
    print(f"\nload average at end {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
