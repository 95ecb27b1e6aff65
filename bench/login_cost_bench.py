"""What each request of a complete scan login costs the server, in CPU: one browser and one phone,
one step at a time, so the server's CPU between two steps is that step's alone.

The production shape as in scale_bench.py (uvicorn with one worker, PostgreSQL, a private
redis-server, the WeChat simulator, each its own process); this process plays the browser and the
phone over real HTTP (`requests`), one request at a time. For each step it prints the median
server CPU (ms, from /proc) over BENCH_LOGINS logins (default 150), and the total per login: the
figure scale_bench.py measures under concurrency, broken down.

  .venv/bin/python bench/login_cost_bench.py
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/scanlogin_loadbench), BENCH_LOGINS.
"""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
from stack import Stack  # noqa: E402

LOGINS = int(os.environ.get("BENCH_LOGINS", "150"))
WARMUP = 10
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scanlogin_loadbench")
POOL, APP_ID, CONNECTION = "demo", "demo-app", "wechat-pc"


def main() -> int:
    stack = Stack(DB_URL, Path(tempfile.mkdtemp(prefix="scanlogin-bench-")))
    stack.start(workers=1)
    try:
        web, sim = f"http://127.0.0.1:{stack.web_port}", f"http://127.0.0.1:{stack.sim_port}"
        pids = stack.web_pids()
        appid = os.environ.get("WECHAT_DEFAULT_APP_ID", "wx00000000000000d0")
        phone = requests.Session()
        costs: dict[str, list[float]] = {}

        def step(name, call):
            before = thread_cpu_seconds(pids)
            response = call()
            for cookie in browser.cookies:
                cookie.secure = False  # (the browser binding is a Secure cookie with DEBUG off; this is plain http)
            time.sleep(0.02)  # let the server finish what follows the answer (closing, publishing)
            costs.setdefault(name, []).append((thread_cpu_seconds(pids) - before) * 1000)
            return response

        def sim_code(user, kind):
            r = phone.post(f"{sim}/sim/codes", json={"appid": appid, "user": user, "kind": kind})
            assert r.status_code == 201, r.text
            return r.json()["code"]

        for i in range(WARMUP + LOGINS):
            user = phone.post(f"{sim}/sim/users", json={"phone": f"137{i:08d}", "nickname": f"Cost {i}"}).json()["id"]
            browser = requests.Session()
            tickets = f"{web}/u/{POOL}/api/qr-tickets"
            assert step("page", lambda: browser.get(f"{web}/u/{POOL}/login", params={"app_id": APP_ID})).status_code == 200
            csrf = {"X-CSRFToken": browser.cookies["csrftoken"], "Origin": web}  # (a browser sends Origin with its POSTs)
            created = step("ticket", lambda: browser.post(tickets, json={"app_id": APP_ID, "connection": CONNECTION}, headers=csrf))
            assert created.status_code == 201, created.text
            key = created.json()["ticket"]
            assert step("code", lambda: browser.get(f"{tickets}/{key}/qrcode.png")).status_code == 200
            assert step("status", lambda: browser.get(f"{tickets}/{key}", params={"since": "", "wait": 0})).status_code == 200
            scene = stack_scene(stack, key)
            code = sim_code(user, "login")
            scanned = step("scan", lambda: phone.post(f"{web}/api/miniprogram/scan", json={"scene": scene, "code": code}))
            assert scanned.status_code == 200, scanned.text
            assert step("status", lambda: browser.get(f"{tickets}/{key}", params={"since": "pending", "wait": 0})).json()["status"] == "scanned"
            phone_code = sim_code(user, "phone")
            confirmed = step("confirm", lambda: phone.post(f"{web}/api/miniprogram/confirm",
                                                           json={"scan_token": scanned.json()["scan_token"], "phone_code": phone_code}))
            assert confirmed.status_code == 200, confirmed.text
            assert step("status", lambda: browser.get(f"{tickets}/{key}", params={"since": "scanned", "wait": 0})).json()["status"] == "confirmed"
            exchanged = step("exchange", lambda: browser.post(f"{tickets}/{key}/exchange", json={}, headers=csrf))
            assert exchanged.status_code == 200, exchanged.text
            if i == WARMUP - 1:
                costs.clear()
        per_step = {name: statistics.median(values) for name, values in costs.items()}
        steps_per_login = {name: len(values) / LOGINS for name, values in costs.items()}
        total = sum(per_step[name] * steps_per_login[name] for name in per_step)
        print(f"server CPU per request of a complete login (median of {LOGINS} logins, one at a time, one worker):")
        for name, ms in per_step.items():
            times = f" ×{steps_per_login[name]:.0f}" if steps_per_login[name] != 1 else ""
            print(f"   {name:10s} {ms:6.2f} ms{times}")
        print(f"   {'total':10s} {total:6.2f} ms per login")
    finally:
        stack.stop()
    return 0


def thread_cpu_seconds(pids: list[int]) -> float:
    """CPU time of every thread of the processes, in nanoseconds' precision (/proc/<pid>/task/*/schedstat):
    /proc/<pid>/stat counts in 10 ms ticks, too coarse for one request."""
    total = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as fh:
                    total += int(fh.read().split()[0])
            except OSError:
                continue
    return total / 1e9


def stack_scene(stack: Stack, key: str) -> str:
    """The ticket's scene, as the phone reads it from the code it scanned (here: from the database)."""
    import psycopg

    with psycopg.connect(stack.db_url) as conn:
        return conn.execute("SELECT scene FROM hostedlogin_loginticket WHERE key = %s", [key]).fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())
