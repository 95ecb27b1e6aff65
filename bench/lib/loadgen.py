"""The load generator: its own process, playing browsers and phones over real HTTP.

`python bench/lib/loadgen.py '<json spec>'` runs one phase and prints one JSON line of figures:
  create    — browsers create tickets (POST /u/<pool>/api/qr-tickets, like the login page)
  longpoll  — N browsers long-poll their tickets (?since=pending&wait=30, re-polling like the page);
              meters while they only wait; then phones scan S of them and the scan→browser delay is timed
  polling   — the same N browsers poll every 800 ms instead (the comparison), with S scans
  logins    — C users run complete logins (page, ticket, code, status, scan, confirm, exchange)
  outage    — N long-polling browsers; the private redis-server is killed; S scans are timed
Tickets (key, browser cookie, scene) live in a JSON file shared between phases. Scenes are read
from the database, standing in for the phone's camera (the bench never draws codes it does not need).
"""
import asyncio
import json
import math
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from httpc import Conn, post_json  # noqa: E402
from stack import NOTIFY_CLIENT_NAME, cpu_seconds, raise_nofile  # noqa: E402

POOL, APP_ID, CONNECTION = "demo", "demo-app", "wechat-pc"
TICKETS = f"/u/{POOL}/api/qr-tickets"
# The long-polling browsers ask for the contract's longest wait; the page asks for 20–28 s (the
# steady-state cost of its re-polls is printed from the measured cost of one re-poll cycle).
LONGPOLL_WAIT = 30  # the contract's longest wait
WAVE_SECONDS = 28  # the long-polling browsers' waits end together this often (Waves)


class Meters:
    """Server CPU, committed transactions of the bench database, Redis clients."""

    def __init__(self, spec):
        import psycopg

        self.pids, self.db = spec["web_pids"], spec["db_name"]
        self.pg = psycopg.connect(spec["admin_url"], autocommit=True)
        self.redis_port = spec.get("redis_port")
        self.port = spec["port"]

    def snapshot(self) -> dict:
        xacts = self.pg.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", [self.db]).fetchone()[0]
        return {"t": time.monotonic(), "cpu": cpu_seconds(self.pids), "xacts": xacts}

    @staticmethod
    def rates(a: dict, b: dict) -> dict:
        dt = b["t"] - a["t"]
        return {"seconds": round(dt, 2), "cpu_pct": round(100 * (b["cpu"] - a["cpu"]) / dt, 1),
                "xacts_per_s": round((b["xacts"] - a["xacts"]) / dt, 1), "cpu_s": b["cpu"] - a["cpu"]}

    async def waiters(self) -> int:
        """Browsers the server holds in a long-poll right now (its scanlogin_longpoll_waiters gauge)."""
        conn = Conn("127.0.0.1", self.port)
        try:
            status, _h, body, _c = await conn.request("GET", "/metrics")
        finally:
            conn.close()
        if status != 200:
            raise RuntimeError(f"/metrics answered {status}")
        return round(sum(float(line.split()[-1]) for line in body.decode().splitlines()
                         if line.startswith("scanlogin_longpoll_waiters")))

    async def redis_clients(self) -> dict:
        """Clients of the private redis-server other than this meter: subscribers and the rest."""
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.redis_port)
        except OSError:
            return {"total": 0, "subscriber": 0}
        writer.write(b"CLIENT LIST\r\n")
        size = int((await reader.readuntil(b"\r\n"))[1:-2])
        text = (await reader.readexactly(size + 2)).decode()
        writer.close()
        clients = [dict(f.split("=", 1) for f in ln.split(" ") if "=" in f) for ln in text.splitlines() if ln]
        clients = [c for c in clients if c.get("cmd") != "client|list"]
        subs = [c for c in clients if c.get("sub", "0") != "0" or c.get("psub", "0") != "0"]
        named = [c for c in clients if c.get("name") == NOTIFY_CLIENT_NAME]
        return {"total": len(clients), "subscriber": len(subs), "named_notify": len(named)}

    async def settle(self, quiet_seconds=1.5, limit=60.0, stats_delay=10.5):
        """Wait until the database has been quiet (no commits) for quiet_seconds, then stats_delay
        more: a PostgreSQL backend that went idle reports its last transactions up to 10 s late."""
        start = time.monotonic()
        last = self.snapshot()
        quiet_since = time.monotonic()
        while time.monotonic() - start < limit:
            await asyncio.sleep(0.5)
            now = self.snapshot()
            if now["xacts"] - last["xacts"] > 2:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_seconds:
                break
            last = now
        await asyncio.sleep(stats_delay)


def pct(values, q):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def load_tickets(path):
    return json.loads(Path(path).read_text()) if Path(path).exists() else []


def save_tickets(path, tickets):
    Path(path).write_text(json.dumps(tickets))


async def csrf_pair(port):
    conn = Conn("127.0.0.1", port)
    status, _h, body, cookies = await conn.request("GET", f"/u/{POOL}/login?app_id={APP_ID}")
    conn.close()
    assert status == 200, status
    return cookies["csrftoken"]


async def create_one(conn, csrf):
    status, body, cookies = await post_json(conn, TICKETS, {"app_id": APP_ID, "connection": CONNECTION},
                                            headers={"X-CSRFToken": csrf}, cookies={"csrftoken": csrf})
    if status != 201:
        raise RuntimeError(f"ticket creation answered {status}: {body}")
    return {"key": body["ticket"], "cookie": cookies["sl_browser"]}


async def phase_create(spec):
    port, n, conc = spec["port"], spec["count"], spec.get("concurrency", 32)
    meters = Meters(spec)
    csrf = await csrf_pair(port)
    made, left = [], [n]
    before = meters.snapshot()

    async def worker():
        conn = Conn("127.0.0.1", port)
        while left[0] > 0:
            left[0] -= 1
            made.append(await create_one(conn, csrf))
        conn.close()

    await asyncio.gather(*(worker() for _ in range(conc)))
    after = meters.snapshot()
    scenes = scenes_for(spec, [t["key"] for t in made])
    for t in made:
        t["scene"] = scenes[t["key"]]
    save_tickets(spec["tickets"], load_tickets(spec["tickets"]) + made)
    r = Meters.rates(before, after)
    return {"created": len(made), "per_s": round(len(made) / r["seconds"], 1), "cpu_ms_per_ticket": round(1000 * r["cpu_s"] / len(made), 2)}


def scenes_for(spec, keys):
    import psycopg

    with psycopg.connect(spec["db_url"], autocommit=True) as conn:
        rows = conn.execute("SELECT key, scene FROM hostedlogin_loginticket WHERE key = ANY(%s)", [keys]).fetchall()
    return dict(rows)


class Phone:
    """The mini-program: codes from the simulator, scan and confirm on ScanLogin."""

    def __init__(self, spec):
        self.sim = Conn("127.0.0.1", spec["sim_port"])
        self.web = Conn("127.0.0.1", spec["port"])
        self.appid = spec["appid"]

    async def new_user(self, i):
        status, body, _c = await post_json(self.sim, "/sim/users", {"phone": f"139{i:08d}", "nickname": f"Bench {i}"})
        assert status == 201, body
        return body["id"]

    async def code(self, user, kind):
        status, body, _c = await post_json(self.sim, "/sim/codes", {"appid": self.appid, "user": user, "kind": kind})
        assert status == 201, body
        return body["code"]

    async def scan(self, scene, code):
        return await post_json(self.web, "/api/miniprogram/scan", {"scene": scene, "code": code})

    async def confirm(self, scan_token, phone_code):
        return await post_json(self.web, "/api/miniprogram/confirm", {"scan_token": scan_token, "phone_code": phone_code})


async def open_many(port, n, conc=200):
    conns = [Conn("127.0.0.1", port) for _ in range(n)]
    sem = asyncio.Semaphore(conc)

    async def one(c):
        async with sem:
            await c._open()

    await asyncio.gather(*(one(c) for c in conns))
    return conns


async def run_scans(phone, tickets, rate, started):
    """Scan each ticket at `rate` per second; started[key] = when its scan request left."""
    codes = [await phone.code(t["user"], "login") for t in tickets]
    failures = []

    async def scan(t, code):  # each phone on its own: a slow answer to one does not hold the next
        started[t["key"]] = time.monotonic()
        try:
            status, body, _c = await post_json(Conn("127.0.0.1", phone.web.port), "/api/miniprogram/scan",
                                                {"scene": t["scene"], "code": code})
        except Exception as exc:
            status, body = type(exc).__name__, None
        if status != 200:
            failures.append(f"{status}:{(body or {}).get('error')}")

    scans = []
    for t, code in zip(tickets, codes):
        scans.append(asyncio.create_task(scan(t, code)))
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*scans)
    return failures


async def waiters_phase(spec, *, mode):
    """longpoll / polling / outage: N browsers wait; S of them are scanned while the meters run."""
    port, n, s = spec["port"], spec["waiters"], spec["scans"]
    pending = [t for t in load_tickets(spec["tickets"]) if not t.get("used")]
    if len(pending) < n:
        raise RuntimeError(f"only {len(pending)} pending tickets for {n} waiters")
    mine = pending[:n]
    sample = random.Random(7).sample(mine, s)
    meters, phone = Meters(spec), Phone(spec)
    for i, t in enumerate(sample):
        t["user"] = await phone.new_user(spec.get("user_base", 0) + i)
    seen, answers, errors, stop = {}, [0], [0], asyncio.Event()
    conns = await open_many(port, n)
    due_at: dict[str, float] = {}  # when the wait of each long-polling browser's current request runs out
    waves = Waves(time.monotonic())

    async def longpoll(conn, t):
        while not stop.is_set():
            try:
                wait = waves.wait()
                due_at[t["key"]] = time.monotonic() + wait
                # A browser keeps waiting while thousands of others' first requests queue ahead of its own.
                status, _h, body, _c = await conn.request("GET", f"{TICKETS}/{t['key']}?since=pending&wait={wait}",
                                                          cookies={"sl_browser": t["cookie"]}, timeout=300)
            except Exception:
                errors[0] += 1
                await asyncio.sleep(1.0)
                continue
            answers[0] += 1
            if status == 200 and json.loads(body)["status"] != "pending":
                seen[t["key"]] = time.monotonic()
                del due_at[t["key"]]  # done: no longer one of the waiting browsers
                return

    async def poll(conn, t):
        await asyncio.sleep(random.random() * 0.8)
        while not stop.is_set():
            started = time.monotonic()
            try:
                status, _h, body, _c = await conn.request("GET", f"{TICKETS}/{t['key']}?since=pending", cookies={"sl_browser": t["cookie"]})
            except Exception:
                errors[0] += 1
                await asyncio.sleep(0.8)
                continue
            answers[0] += 1
            if status == 200 and json.loads(body)["status"] != "pending":
                seen[t["key"]] = time.monotonic()
                return
            await asyncio.sleep(max(0.0, started + 0.8 - time.monotonic()))

    body = poll if mode == "polling" else longpoll
    tasks = [asyncio.create_task(body(c, t)) for c, t in zip(conns, mine)]
    await asyncio.sleep(1.0)
    if mode != "polling":
        await meters.settle()
    gap = None
    if mode == "longpoll":  # the browsers only wait: no wait runs out during the windows below
        gap = round(await quiet_window(due_at, lambda: n - len(seen), spec.get("idle_seconds", 8) + 1, meters), 1)
    if mode == "outage":
        os.kill(spec["redis_pid"], signal.SIGKILL)
        await asyncio.sleep(2.0)
    a0, before = answers[0], meters.snapshot()
    await asyncio.sleep(spec.get("idle_seconds", 8))
    after, a1 = meters.snapshot(), answers[0]
    idle = Meters.rates(before, after)
    redis = await meters.redis_clients() if mode != "outage" else None
    if mode == "longpoll":  # the scans, too, between two waves of re-polls
        await quiet_window(due_at, lambda: n - len(seen), 8, meters)
    started = {}
    b0, sbefore = answers[0], meters.snapshot()
    failures = await run_scans(phone, sample, spec.get("scan_rate", 20), started)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(k not in seen for k in started):
        await asyncio.sleep(0.05)
    safter, b1 = meters.snapshot(), answers[0]
    # after the scans: its own long-polls must not queue ahead of the phones' scans
    unscanned = [t for t in mine if t["key"] not in started]
    repoll = None
    if mode == "longpoll":  # each pass between two waves as well: the others' re-polls are not this one's cost
        repoll = await repoll_cost(spec, meters, unscanned, between_waves=lambda: quiet_window(due_at, lambda: n - len(seen), 8, meters))
    stop.set()
    for task in tasks:
        task.cancel()
    for c in conns:
        c.close()
    scanned_keys = {t["key"] for t in sample}
    tickets = load_tickets(spec["tickets"])
    for t in tickets:
        if t["key"] in scanned_keys:
            t["used"] = True
    save_tickets(spec["tickets"], tickets)
    delays = [(seen[k] - started[k]) * 1000 for k in started if k in seen]
    during_scans = Meters.rates(sbefore, safter)
    return {
        "mode": mode, "waiters": n, "scans": s, "scan_failures": failures[:5], "answered": len(delays),
        "delay_median_ms": pct(delays, 0.5), "delay_p99_ms": pct(delays, 0.99), "delay_max_ms": pct(delays, 1.0),
        "idle": idle, "idle_requests_per_s": round((a1 - a0) / idle["seconds"], 1),
        "scan_window": during_scans, "scan_window_requests_per_s": round((b1 - b0) / during_scans["seconds"], 1),
        "wanted_requests_per_s": round(n / 0.8, 1) if mode == "polling" else None, "redis_clients": redis,
        "repoll": repoll, "request_errors": errors[0], "quiet_gap_s": gap,
    }


async def taken_in(meters, n: int, below_pct: float = 5.0, limit: float = 20.0) -> None:
    """Until the server holds all `n` browsers in a long-poll (its waiters gauge) and its CPU stayed
    under `below_pct` % of a core for two half-seconds in a row."""
    deadline, quiet, last = time.monotonic() + limit, 0, meters.snapshot()
    while time.monotonic() < deadline and (quiet < 2 or await meters.waiters() < n):
        await asyncio.sleep(0.5)
        now = meters.snapshot()
        quiet = quiet + 1 if Meters.rates(last, now)["cpu_pct"] < below_pct else 0
        last = now


class Waves:
    """The long-polling browsers' waits, ending together every WAVE_SECONDS.

    Each browser asks with the wait (whole seconds, at most the contract's 30) that runs out at the
    next common boundary at least 2 s away, so the re-polls come in one short wave per period and
    the rest of it holds browsers that only wait. Left to run out 30 s after each browser's own
    request, 10,000 waits would stay as spread out as their first requests were (those alone take
    longer than a wait), and no window would be free of re-polls. What re-polls cost is measured on
    its own (repoll_cost) and scaled to the page's 20–28 s."""

    def __init__(self, start: float):
        self.start = start

    def wait(self) -> int:
        now = time.monotonic()
        boundary = self.start + WAVE_SECONDS * math.ceil((now + 2 - self.start) / WAVE_SECONDS)
        return max(2, min(LONGPOLL_WAIT, math.ceil(boundary - now)))


async def quiet_window(due_at: dict, waiting, needed: float, meters, tries: int = 4) -> float:
    """Wait until every browser waits on a request whose wait runs out no sooner than `needed`
    seconds from now (after a wave of re-polls, if one is due sooner), and the server has taken
    them all in, so that the idle and scan windows measure browsers that only wait. Returns the
    seconds until the next wait runs out (less than `needed` if no such gap came in `tries` waves).
    `waiting()`: how many browsers still wait (a browser that saw its scan is done)."""
    for _ in range(tries):
        now, n = time.monotonic(), waiting()
        if len(due_at) == n and min(due_at.values()) - now >= needed:
            await taken_in(meters, n)  # sent is not yet taken in: a wave queues at the server
            if min(due_at.values()) - time.monotonic() >= needed:
                return min(due_at.values()) - time.monotonic()
            continue
        if len(due_at) == n and min(due_at.values()) > now:
            await asyncio.sleep(min(due_at.values()) - now + 0.5)  # the next wave begins
        deadline = time.monotonic() + WAVE_SECONDS + 5
        while time.monotonic() < deadline:  # until all of the wave have asked again
            await asyncio.sleep(0.5)
            if len(due_at) == waiting() and min(due_at.values()) > time.monotonic() + 2:
                break
    return min(due_at.values()) - time.monotonic()


async def repoll_cost(spec, meters, tickets, count=1000, conc=250, between_waves=None):
    """What a browser's next long-poll costs once its wait ran out: `count` long-polls of waiting
    browsers' tickets, each a whole cycle (registered, waiting 1 s, timed out, answered), on
    connections of their own; server CPU and transactions each. Two passes over the same tickets:
    the first may read a ticket the process keeps no state of, the second is the steady state."""
    sample, port = (tickets * (1 + count // len(tickets)))[:count], spec["port"]
    out = {}
    for name in ("first", "steady"):
        queue = list(sample)
        if between_waves is not None:
            await between_waves()
        before = meters.snapshot()

        async def worker():
            conn = Conn("127.0.0.1", port)
            while queue:
                t = queue.pop()
                await conn.request("GET", f"{TICKETS}/{t['key']}?since=pending&wait=1", cookies={"sl_browser": t["cookie"]})
            conn.close()

        await asyncio.gather(*(worker() for _ in range(conc)))
        r = Meters.rates(before, meters.snapshot())
        out[name] = {"cpu_ms_each": round(1000 * r["cpu_s"] / count, 2), "xacts_each": round(r["xacts_per_s"] * r["seconds"] / count, 2)}
    return {**out["steady"], "first": out["first"]}


def machine_cpu(spec) -> dict:
    """CPU seconds so far of what shares the machine with the server: the simulator, PostgreSQL
    (every postgres process), the private redis-server, and this load generator."""
    postgres = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as fh:
                    if fh.read().strip() == "postgres":
                        postgres.append(int(entry))
            except OSError:
                pass
    own = os.times()
    return {"simulator": cpu_seconds(spec.get("sim_pids", [])), "postgres": cpu_seconds(postgres),
            "redis": cpu_seconds(spec.get("redis_pids", [])), "load generator": own.user + own.system}


async def phase_logins(spec):
    """C users log in completely, again and again, for `seconds`; server CPU per complete login."""
    port, users, seconds = spec["port"], spec["users"], spec["seconds"]
    meters, done, failures = Meters(spec), [0], []
    phone_users = []
    setup_phone = Phone(spec)
    for i in range(spec.get("accounts", 300)):
        phone_users.append(await setup_phone.new_user(spec.get("user_base", 0) + i))
    import psycopg

    db = await psycopg.AsyncConnection.connect(spec["db_url"], autocommit=True)
    stop_at = [0.0]
    steps: dict[str, list[float]] = {}

    def timed(name, t0):
        steps.setdefault(name, []).append((time.monotonic() - t0) * 1000)

    async def one_login(browser, phone, user_id):
        t = time.monotonic()
        status, _h, _b, cookies = await browser.request("GET", f"/u/{POOL}/login?app_id={APP_ID}")
        timed("page", t)
        assert status == 200, status
        csrf = cookies["csrftoken"]
        jar = {"csrftoken": csrf}
        t = time.monotonic()
        # A browser sends Origin with its POSTs (here the hosted login's own origin).
        posted = {"X-CSRFToken": csrf, "Origin": f"http://127.0.0.1:{port}"}
        status, body, cookies = await post_json(browser, TICKETS, {"app_id": APP_ID, "connection": CONNECTION},
                                                headers=posted, cookies=jar)
        timed("ticket", t)
        assert status == 201, body
        jar.update(cookies)
        key = body["ticket"]
        t = time.monotonic()
        status, _h, _png, _c = await browser.request("GET", f"{TICKETS}/{key}/qrcode.png", cookies=jar)
        timed("code", t)
        assert status == 200, status
        scene = (await (await db.execute("SELECT scene FROM hostedlogin_loginticket WHERE key = %s", [key])).fetchone())[0]
        waiting = asyncio.create_task(browser.request("GET", f"{TICKETS}/{key}?since=pending&wait=25", cookies=jar))
        code = await phone.code(user_id, "login")
        t = time.monotonic()
        status, body, _c = await phone.scan(scene, code)
        timed("scan", t)
        assert status == 200, body
        status, _h, answer, _c = await waiting
        assert json.loads(answer)["status"] == "scanned", answer
        waiting = asyncio.create_task(browser.request("GET", f"{TICKETS}/{key}?since=scanned&wait=25", cookies=jar))
        phone_code = await phone.code(user_id, "phone")
        t = time.monotonic()
        status, body, _c = await phone.confirm(body["scan_token"], phone_code)
        timed("confirm", t)
        assert status == 200, body
        status, _h, answer, _c = await waiting
        assert json.loads(answer)["status"] == "confirmed", answer
        t = time.monotonic()
        status, body, cookies = await post_json(browser, f"{TICKETS}/{key}/exchange", {}, headers=posted, cookies=jar)
        timed("exchange", t)
        assert status == 200 and body["status"] == "consumed", body

    async def user_loop(u):
        browser, phone = Conn("127.0.0.1", port), Phone(spec)
        i = u
        while time.monotonic() < stop_at[0]:
            try:
                await one_login(browser, phone, phone_users[i % len(phone_users)])
                done[0] += 1
            except Exception as exc:  # a failed login is counted, not fatal
                failures.append(repr(exc)[:200])
                browser.close()
                browser = Conn("127.0.0.1", port)
            i += users
        browser.close()

    # warm-up: one login per user (connections, caches), not measured
    stop_at[0] = time.monotonic() + 2
    await asyncio.gather(*(user_loop(u) for u in range(users)))
    done[0], steps = 0, {}
    before, others0 = meters.snapshot(), machine_cpu(spec)
    stop_at[0] = time.monotonic() + seconds
    await asyncio.gather(*(user_loop(u) for u in range(users)))
    after, others1 = meters.snapshot(), machine_cpu(spec)
    r = Meters.rates(before, after)
    machine = {"server": r["cpu_pct"], **{k: round(100 * (others1[k] - others0[k]) / r["seconds"], 1) for k in others0}}
    return {"users": users, "logins": done[0], "failures": len(failures), "first_failures": failures[:3],
            "logins_per_s": round(done[0] / r["seconds"], 1), "cpu_ms_per_login": round(1000 * r["cpu_s"] / max(1, done[0]), 1),
            "server_cpu_pct": r["cpu_pct"], "xacts_per_login": round(r["xacts_per_s"] * r["seconds"] / max(1, done[0]), 1),
            "step_median_ms": {k: pct(v, 0.5) for k, v in steps.items()}, "machine_cpu_pct": machine}


async def phase_steps(spec):
    """One user logs in `logins` times in a row; server CPU is summed per step (per endpoint)."""
    port, meters = spec["port"], Meters(spec)
    phone = Phone(spec)
    users = [await phone.new_user(spec.get("user_base", 0) + i) for i in range(spec["logins"])]
    import psycopg

    db = psycopg.connect(spec["db_url"], autocommit=True)
    cpu: dict[str, float] = {}
    browser = Conn("127.0.0.1", port)

    async def step(name, coro):
        before = cpu_seconds(meters.pids)
        result = await coro
        await asyncio.sleep(0.02)  # let the server finish its side (publish, push delivery)
        cpu[name] = cpu.get(name, 0.0) + cpu_seconds(meters.pids) - before
        return result

    for user in users:
        status, _h, _b, cookies = await step("page", browser.request("GET", f"/u/{POOL}/login?app_id={APP_ID}"))
        csrf = cookies["csrftoken"]
        jar = {"csrftoken": csrf}
        status, body, cookies = await step("ticket", post_json(browser, TICKETS, {"app_id": APP_ID, "connection": CONNECTION},
                                                               headers={"X-CSRFToken": csrf}, cookies=jar))
        jar.update(cookies)
        key = body["ticket"]
        await step("code", browser.request("GET", f"{TICKETS}/{key}/qrcode.png", cookies=jar))
        await step("status", browser.request("GET", f"{TICKETS}/{key}?since=", cookies=jar))
        scene = db.execute("SELECT scene FROM hostedlogin_loginticket WHERE key = %s", [key]).fetchone()[0]
        code = await phone.code(user, "login")
        status, body, _c = await step("scan", phone.scan(scene, code))
        phone_code = await phone.code(user, "phone")
        await step("confirm", phone.confirm(body["scan_token"], phone_code))
        await step("exchange", post_json(browser, f"{TICKETS}/{key}/exchange", {}, headers={"X-CSRFToken": csrf}, cookies=jar))
    n = len(users)
    per = {k: round(1000 * v / n, 1) for k, v in cpu.items()}
    return {"logins": n, "cpu_ms_per_step": per, "cpu_ms_per_login": round(sum(per.values()), 1)}


async def main(spec):
    raise_nofile()
    phase = spec["phase"]
    if phase == "create":
        return await phase_create(spec)
    if phase in ("longpoll", "polling", "outage"):
        return await waiters_phase(spec, mode=phase)
    if phase == "logins":
        return await phase_logins(spec)
    if phase == "steps":
        return await phase_steps(spec)
    raise SystemExit(f"unknown phase {phase}")


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
