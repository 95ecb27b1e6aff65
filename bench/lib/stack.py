"""The production shape as separate processes: uvicorn (W workers), a private redis-server,
the WeChat simulator, and PostgreSQL (the machine's server, a database of the bench's own).

Also the meters the load generator reads: CPU seconds of a process tree (/proc), committed
transactions of the bench database (pg_stat_database), and Redis clients (CLIENT LIST).
"""
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from scanlogin.secret_keys import generate as generate_keys

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")
NOTIFY_CLIENT_NAME = "scanlogin-notify"


def raise_nofile(wanted: int = 65536) -> int:
    """Raise this process's open-file limit (children inherit it): 10,000 sockets per side."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, max(hard, target) if hard != resource.RLIM_INFINITY else hard))
        except (ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


class Proc:
    """A child process in its own process group, stopped with it."""

    def __init__(self, name: str, args: list[str], env: dict, log_path: Path):
        self.name = name
        self.log = open(log_path, "ab")
        self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self, sig=signal.SIGTERM, timeout: float = 10.0) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, sig)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
            except ProcessLookupError:
                pass
        self.log.close()


def tree_pids(root: int) -> list[int]:
    """root and all its descendants (uvicorn's supervisor and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


class Stack:
    """Start with `Stack(db_url, workdir).start(workers=1)`; `restart_web(workers)`; `stop()`."""

    def __init__(self, db_url: str, workdir: Path, server_env: dict | None = None):
        self.db_url, self.workdir = db_url, workdir
        self.db_name = urlsplit(db_url).path.lstrip("/")
        self.server_env = server_env or {}
        self.redis = self.sim = self.web = None
        self.redis_port = free_port()
        self.sim_port = free_port()
        self.web_port = free_port()
        workdir.mkdir(parents=True, exist_ok=True)

    # environment -----------------------------------------------------------------------------
    def base_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
        env.update({
            "DATABASE_URL": self.db_url, "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "WECHAT_API_BASE": f"http://127.0.0.1:{self.sim_port}", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
        })
        return env

    def web_env(self) -> dict:
        # The production shape: DEBUG off (no query log, no debug pages), the simulator off in this process.
        env = self.base_env()
        # Real keys: with DEBUG off ScanLogin refuses placeholder or short ones (scanlogin/secret_keys.py).
        env.update({"DEBUG": "false", **generate_keys(),
                    "WECHAT_SIMULATOR_ENABLED": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost",
                    "QR_TICKET_TTL": "1800", "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
                    # One load generator plays thousands of browsers and phones from one address.
                    "RATE_LIMITS_ENABLED": "false",
                    # /metrics for the load generator (its waiters gauge: a wave of re-polls taken in)
                    "METRICS_NETWORKS": "127.0.0.1/32"})
        env.update(self.server_env)
        if os.environ.get("BENCH_SETTINGS"):  # an experiment: another settings module for the server under test
            env["DJANGO_SETTINGS_MODULE"] = os.environ["BENCH_SETTINGS"]
            env["PYTHONPATH"] = os.environ.get("BENCH_PYTHONPATH", "") + ":" + env["PYTHONPATH"]
        return env

    def manage(self, *args: str, env: dict | None = None) -> str:
        out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env or {**self.base_env(), "DEBUG": "true"},
                             check=True, capture_output=True, text=True)
        return out.stdout

    # processes -------------------------------------------------------------------------------
    def start(self, workers: int = 1) -> "Stack":
        self.ensure_database()
        self.manage("migrate", "--noinput")
        self.manage("flush", "--noinput")
        self.start_redis()
        self.manage("seed_demo", "--host", f"http://127.0.0.1:{self.web_port}")
        sim_env = {**self.base_env(), "DEBUG": "true", "WECHAT_SIMULATOR_ENABLED": "true", "REDIS_URL": ""}
        self.sim = Proc("simulator", [PY, "manage.py", "wechat_simulator", "--port", str(self.sim_port)], sim_env,
                        self.workdir / "simulator.log")
        wait_port(self.sim_port, proc=self.sim.popen)
        self.start_web(workers)
        return self

    def start_redis(self) -> None:
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed")
        self.redis = Proc("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "no", "--maxclients", "30000"], self.base_env(), self.workdir / "redis.log")
        wait_port(self.redis_port, proc=self.redis.popen)

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.stop(signal.SIGKILL)
            self.redis = None

    def start_web(self, workers: int, settings_module: str | None = None) -> None:
        args = [PY, "-m", "uvicorn", "scanlogin.asgi:application", "--host", "127.0.0.1", "--port", str(self.web_port),
                "--workers", str(workers), "--no-access-log", "--backlog", "16384", "--log-level", "warning",
                "--lifespan", "off", "--timeout-keep-alive", "60",
                "--no-proxy-headers",  # as the image and compose.yaml run it (TRUSTED_PROXIES decides, not uvicorn)
                *os.environ.get("BENCH_UVICORN_ARGS", "").split()]
        env = self.web_env()
        if settings_module:
            env["DJANGO_SETTINGS_MODULE"] = settings_module
            env["PYTHONPATH"] = str(ROOT / "bench/lib") + ":" + env["PYTHONPATH"]
        self.web = Proc("web", args, env, self.workdir / "web.log")
        self.workers = workers
        wait_port(self.web_port, proc=self.web.popen, timeout=60)
        time.sleep(1.0 if workers > 1 else 0.2)  # let every worker import the app and accept

    def restart_web(self, workers: int, settings_module: str | None = None) -> None:
        self.web.stop()
        self.start_web(workers, settings_module)

    def stop(self) -> None:
        for proc in (self.web, self.sim, self.redis):
            if proc is not None:
                proc.stop()

    def web_pids(self) -> list[int]:
        return tree_pids(self.web.pid)

    # database --------------------------------------------------------------------------------
    def ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.db_name]).fetchone():
                conn.execute(f'CREATE DATABASE "{self.db_name}"')

    def admin_url(self) -> str:
        return self.db_url.rsplit("/", 1)[0] + "/postgres"
