"""A private redis-server for one test: started on a free port, killed (and restarted) at will.

Outage tests must never stop or reconfigure the shared Redis; they stop this one.
"""
import asyncio
import shutil
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "PrivateRedis":
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.command("PING") == "PONG":
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def kill(self) -> None:
        """Stop it dead (SIGKILL): clients see their connections reset, new ones refused."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def command(self, *args: str) -> str:
        """One command in RESP; the reply as text (a bulk or simple string)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall(("*%d\r\n" % len(args) + "".join(f"${len(a)}\r\n{a}\r\n" for a in args)).encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                if data.startswith((b"+", b"-", b":")) and data.endswith(b"\r\n"):
                    break
                if data.startswith(b"$"):
                    head, _, rest = data.partition(b"\r\n")
                    if len(rest) >= int(head[1:]) + 2:
                        break
        if data.startswith(b"$"):
            return data.partition(b"\r\n")[2][:-2].decode()
        return data[1:].strip().decode()

    def clients(self) -> list[dict]:
        """CLIENT LIST of everyone but the asking connection, as dicts (name, sub, psub, cmd, ...)."""
        rows = [dict(f.split("=", 1) for f in line.split(" ") if "=" in f) for line in self.command("CLIENT", "LIST").splitlines()]
        return [r for r in rows if r.get("cmd") != "client|list"]


@pytest.fixture
def private_redis():
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is required for the notification tests (apt-get install redis-server)")
    server = PrivateRedis(free_port()).start()
    yield server
    server.kill()


@pytest.fixture
def redis_notify(private_redis, settings):  # noqa: F811
    """Ticket notifications (publishing and the hub's subscription) on the private server, and the
    long-poll's production reader threads (the suite's default reads on the test's thread)."""
    settings.REDIS_URL = private_redis.url
    settings.LONGPOLL_DB_THREADS = 4
    return private_redis


def run_loop(coro):
    """asyncio.run(coro) in a thread of its own: once browser tests ran, Playwright's loop runs in
    the main thread, and a loop of our own (as a server worker has) must not share it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
