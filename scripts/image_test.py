"""`make image-test`: build the production image and run it for real, offline.

Brings up a Docker engine (installing Debian's docker.io, debootstrap and docker-compose when
missing, starting `dockerd --iptables=false --bridge=none` when none runs), builds a base image
with scripts/image-base.sh when python:3.11-slim cannot be had, builds the project's image, and
runs compose.yaml's production shape from it (compose.test.yaml: host networking, the host's
PostgreSQL with a fresh database, a private Redis, the WeChat simulator on the host). Then, over
HTTP through the containers: a pool's management token makes an application and a connection
and enables it, a browser and a phone log in by scanning (ticket, code, scan, confirm, status,
exchange), and a ticket left alone is expired by the worker that beat drives. It checks that
every process runs as the non-root user and the image holds every app of the project, removes
everything it started, and prints the image size and the time each step took.

Run as root (it installs packages and starts dockerd), from the project's virtualenv:
    .venv/bin/python scripts/image_test.py
Environment: DATABASE_URL (the PostgreSQL server to make the test database on; default
postgres://postgres@127.0.0.1:5432), BASE_IMAGE (a base to use instead of finding one),
IMAGE_TEST_TIMEOUT (seconds for the whole run, default 900). On a failure the containers' last
log lines are printed before everything is removed.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "scanlogin:image-test"
PUBLIC_BASE = "python:3.11-slim"
LOCAL_BASE = "scanlogin-base:bookworm-python3.11"
APP_SERVICES = ("web", "worker", "beat")
TICKET_TTL = 20  # seconds: long enough for a scan login, short enough to watch one expire
NON_ROOT_UID = "10001"
LOCK = "/tmp/scanlogin-image-test.lock"
DOCKERD_LOG = "/tmp/scanlogin-dockerd.log"
HTTP_TIMEOUT = 15


class Fail(Exception):
    """The image test failed; the message says what and where."""


def say(message: str) -> None:
    print(f"image-test: {message}", flush=True)


def run(cmd, *, timeout: float = 120, check: bool = True, env=None) -> subprocess.CompletedProcess:
    """Run a command with a timeout; on failure raise Fail with its output's last lines."""
    try:
        result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, env=env,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Fail(f"timed out after {timeout:.0f}s: {' '.join(map(str, cmd))}") from None
    except FileNotFoundError:
        raise Fail(f"not found: {cmd[0]}") from None
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise Fail(f"exit {result.returncode}: {' '.join(map(str, cmd))}\n{tail}")
    return result


def wait_until(what: str, probe, timeout: float, interval: float = 0.5):
    """Call probe() until it returns something truthy; Fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except Fail:
            raise
        except Exception as exc:  # the thing is not up yet
            last_error = exc
        time.sleep(interval)
    raise Fail(f"{what} not ready after {timeout:.0f}s" + (f" (last error: {last_error})" if last_error else ""))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def random_secret() -> str:
    return secrets.token_urlsafe(50)  # 67 characters


class Timings:
    def __init__(self):
        self.rows: list[tuple[str, float, str]] = []
        self.started = time.monotonic()

    @contextlib.contextmanager
    def step(self, name: str):
        say(f"-- {name}")
        start, status = time.monotonic(), "FAILED"
        try:
            yield
            status = "ok"
        finally:
            self.rows.append((name, time.monotonic() - start, status))

    def report(self) -> str:
        width = max((len(name) for name, _, _ in self.rows), default=10)
        lines = [f"  {name:<{width}}  {seconds:6.1f}s  {status}" for name, seconds, status in self.rows]
        lines.append(f"  {'total':<{width}}  {time.monotonic() - self.started:6.1f}s")
        return "\n".join(lines)


# ---------------------------------------------------------------- the engine and its tools

def is_root() -> bool:
    return os.geteuid() == 0


def apt_install(packages: list[str]) -> None:
    if not is_root():
        raise Fail(f"missing {' '.join(packages)}: install them (apt-get install {' '.join(packages)}) or run as root")
    say(f"installing {' '.join(packages)} (Debian)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait_for_lock = ["-o", "DPkg::Lock::Timeout=180"]
    run(["apt-get", *wait_for_lock, "update", "-qq"], timeout=300, env=env)
    run(["apt-get", *wait_for_lock, "install", "-y", "-qq", *packages], timeout=600, env=env)


def client_version(docker: str) -> tuple[int, ...]:
    out = run([docker, "--version"], timeout=20).stdout  # "Docker version 20.10.24+dfsg1, build …"
    match = re.search(r"version (\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def has_buildkit(docker: str) -> bool:
    """A client that can build with BuildKit: built in before 23.0, the buildx plugin since."""
    if client_version(docker) < (23, 0):
        return True
    return run([docker, "buildx", "version"], check=False, timeout=20).returncode == 0


def docker_client() -> str:
    if os.environ.get("DOCKER"):
        return os.environ["DOCKER"]
    for candidate in dict.fromkeys(filter(None, (shutil.which("docker"), "/usr/bin/docker"))):
        if os.access(candidate, os.X_OK) and has_buildkit(candidate):
            return candidate
    raise Fail("no docker client that builds with BuildKit (Debian's docker.io has one; newer clients need buildx)")


def compose_command(docker: str) -> list[str]:
    if run([docker, "compose", "version"], check=False, timeout=20).returncode == 0:
        return [docker, "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise Fail("neither `docker compose` nor docker-compose is installed")


def install_tools() -> None:
    need = []
    if not shutil.which("dockerd"):
        need.append("docker.io")  # the engine and a client with BuildKit built in
    if not shutil.which("debootstrap"):
        need.append("debootstrap")
    docker = shutil.which("docker") or "/usr/bin/docker"
    has_compose_plugin = os.access(docker, os.X_OK) and run([docker, "compose", "version"], check=False, timeout=20).returncode == 0
    if not has_compose_plugin and not shutil.which("docker-compose"):
        need.append("docker-compose")
    if not shutil.which("redis-server"):
        need.append("redis-server")
    if need:
        apt_install(need)


def engine_up(docker: str) -> bool:
    return run([docker, "info", "--format", "{{.ServerVersion}}"], check=False, timeout=30).returncode == 0


def start_dockerd(docker: str, stack: contextlib.ExitStack, attempts: int = 3) -> None:
    """Start dockerd without iptables and bridge (containers use host or no networking).

    Retries: a daemon killed earlier can leave a pid file or a half-started containerd.
    """
    if engine_up(docker):
        say("a Docker engine is running; using it")
        return
    if not is_root():
        raise Fail("no Docker engine runs and starting dockerd needs root")
    for attempt in range(1, attempts + 1):
        _remove_stale_pidfile()
        say(f"starting dockerd --iptables=false --bridge=none (attempt {attempt}/{attempts}; log {DOCKERD_LOG})")
        log = open(DOCKERD_LOG, "ab")
        this_attempt = log.tell()
        proc = subprocess.Popen(["dockerd", "--iptables=false", "--bridge=none"], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not engine_up(docker):
            time.sleep(1)
        if proc.poll() is None and engine_up(docker):
            stack.callback(stop_dockerd, proc)
            return
        _stop(proc, 20)
        time.sleep(2 * attempt)
    with open(DOCKERD_LOG, "rb") as log:
        log.seek(this_attempt)
        tail = "\n".join(log.read().decode(errors="replace").splitlines()[-20:])
    raise Fail(f"dockerd could not start on this machine after {attempts} attempts; the Docker engine is "
               f"required for the image test. Last lines of {DOCKERD_LOG}:\n{tail}")


def _remove_stale_pidfile() -> None:
    pidfile = Path("/var/run/docker.pid")
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text().strip()), 0)
        except (ValueError, ProcessLookupError):
            pidfile.unlink(missing_ok=True)
        except PermissionError:
            pass


def _stop(proc: subprocess.Popen, timeout: float) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def stop_dockerd(proc: subprocess.Popen) -> None:
    say("stopping the dockerd this run started")
    _stop(proc, 30)


# ---------------------------------------------------------------- images

def image_exists(docker: str, name: str) -> bool:
    return run([docker, "image", "inspect", name], check=False, timeout=30).returncode == 0


def base_image(docker: str) -> str:
    """BASE_IMAGE if given; else python:3.11-slim if present or pullable; else the local Debian base."""
    wanted = os.environ.get("BASE_IMAGE")
    if wanted:
        if not image_exists(docker, wanted):
            run([docker, "pull", wanted], timeout=600)
        return wanted
    if image_exists(docker, PUBLIC_BASE):
        return PUBLIC_BASE
    if image_exists(docker, LOCAL_BASE):
        say(f"using the local base {LOCAL_BASE} (built earlier by scripts/image-base.sh)")
        return LOCAL_BASE
    pulled = run([docker, "pull", PUBLIC_BASE], check=False, timeout=120)
    if pulled.returncode == 0:
        return PUBLIC_BASE
    say(f"{PUBLIC_BASE} cannot be pulled ({(pulled.stderr.strip().splitlines() or ['?'])[-1][:120]}); "
        "building a Debian base with scripts/image-base.sh")
    run(["bash", ROOT / "scripts/image-base.sh", LOCAL_BASE], timeout=900, env={**os.environ, "DOCKER": docker})
    return LOCAL_BASE


def pip_settings(tmp: Path) -> list[str]:
    """Build secrets carrying this machine's pip index settings (never build arguments or layers).

    The CA bundle pip trusts (a TLS-inspecting proxy's CA lives there) and the http(s) index URLs
    of pip's configuration; file:// indexes and find-links are host paths the build cannot see.
    """
    config: dict[str, str] = {}
    listed = run([sys.executable, "-m", "pip", "config", "list"], check=False, timeout=60).stdout
    for line in listed.splitlines():
        match = re.match(r"^[^.]*\.([a-z-]+)='(.*)'$", line.strip())
        if match:
            config[match[1]] = match[2]
    for name in ("index-url", "extra-index-url", "trusted-host", "cert"):
        env_value = os.environ.get("PIP_" + name.upper().replace("-", "_"))
        if env_value:
            config[name] = env_value
    args = []
    cert = config.get("cert") or ("/etc/ssl/certs/ca-certificates.crt" if Path("/etc/ssl/certs/ca-certificates.crt").exists() else "")
    if cert and Path(cert).is_file():
        args += ["--secret", f"id=pip_cert,src={cert}"]
    lines = []
    for name in ("index-url", "extra-index-url"):
        urls = [u for u in config.get(name, "").split() if u.startswith(("http://", "https://"))]
        if urls:
            lines.append(f"{name} = {' '.join(urls)}")
    if lines and config.get("trusted-host"):
        lines.append(f"trusted-host = {config['trusted-host']}")
    if lines:
        pip_conf = tmp / "pip.conf"
        pip_conf.write_text("[global]\n" + "\n".join(lines) + "\n")
        pip_conf.chmod(0o600)
        args += ["--secret", f"id=pip_conf,src={pip_conf}"]
    return args


def build_image(docker: str, base: str, tmp: Path) -> None:
    log = tmp / "build.log"
    cmd = [docker, "build", "--network", "host", "--progress", "plain", "--build-arg", f"BASE_IMAGE={base}",
           *pip_settings(tmp), "--tag", IMAGE, ROOT]
    say(f"docker build --build-arg BASE_IMAGE={base} --tag {IMAGE} (log {log})")
    with open(log, "w") as out:
        try:
            proc = subprocess.run([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, timeout=900,
                                  env={**os.environ, "DOCKER_BUILDKIT": "1"})
        except subprocess.TimeoutExpired:
            raise Fail("docker build timed out after 900s") from None
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        raise Fail(f"docker build failed:\n{tail}")
    # The previous build of the tag is left untagged: drop it (the build cache keeps its layers).
    run([docker, "image", "prune", "--force", "--filter", "label=org.opencontainers.image.title=ScanLogin"],
        check=False, timeout=120)


def image_size(docker: str) -> int:
    return int(run([docker, "image", "inspect", "--format", "{{.Size}}", IMAGE]).stdout.strip())


# ---------------------------------------------------------------- host services for the test

def make_database(stack: contextlib.ExitStack) -> str:
    """A fresh database on the PostgreSQL server DATABASE_URL names (never that database itself)."""
    server = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    if server.scheme not in ("postgres", "postgresql", "pgsql"):
        raise Fail(f"DATABASE_URL must name a PostgreSQL server (got {server.scheme}://)")
    name = f"scanlogin_image_{secrets.token_hex(4)}"
    admin_url = urlunsplit(server._replace(path="/postgres", query=""))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        raise Fail(f"cannot create a test database on {server.hostname}:{server.port or 5432} "
                   f"(is PostgreSQL running? `make test` starts it): {exc}") from None
    stack.callback(drop_database, admin_url, name)
    return urlunsplit(server._replace(path=f"/{name}", query=""))


def drop_database(admin_url: str, name: str) -> None:
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        say(f"dropped the test database {name}")
    except psycopg.Error as exc:
        say(f"WARNING: could not drop the test database {name}: {exc}")


def start_process(stack: contextlib.ExitStack, cmd: list, log: Path, env=None) -> subprocess.Popen:
    out = open(log, "wb")
    proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env, cwd=ROOT, start_new_session=True)
    out.close()
    stack.callback(_stop, proc, 15)
    return proc


def start_redis(stack: contextlib.ExitStack, tmp: Path) -> str:
    """A private Redis on a free port (the shared one is never touched)."""
    port = free_port()
    proc = start_process(stack, ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                 "--dir", tmp], tmp / "redis.log")
    client = redis.Redis(port=port, socket_connect_timeout=1)
    wait_until("the private Redis", lambda: proc.poll() is None and client.ping(), 20)
    return f"redis://127.0.0.1:{port}/0"


def start_simulator(stack: contextlib.ExitStack, tmp: Path, web_port: int) -> str:
    """The WeChat simulator from the project's virtualenv (development settings, never in the image)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DEBUG="true", WECHAT_SIMULATOR_ENABLED="true")
    proc = start_process(stack, [sys.executable, "manage.py", "wechat_simulator", "--port", port,
                                 "--scanlogin-url", f"http://127.0.0.1:{web_port}"], tmp / "simulator.log", env=env)
    base = f"http://127.0.0.1:{port}"
    wait_until("the WeChat simulator", lambda: proc.poll() is None and requests.get(base + "/sim/apps", timeout=2).ok, 60)
    return base


# ---------------------------------------------------------------- compose

class Compose:
    """compose.yaml + compose.test.yaml, with the test's .env as the project directory."""

    def __init__(self, command: list[str], project: str, project_dir: Path, docker: str):
        self.command, self.project, self.project_dir, self.docker = command, project, project_dir, docker
        # Interpolation must see the test's .env only, not whatever the caller exported.
        self.env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "DOCKER_HOST") if k in os.environ}

    def args(self, *files: str) -> list[str]:
        args = [*self.command, "--project-name", self.project, "--project-directory", self.project_dir]
        for name in files or ("compose.yaml", "compose.test.yaml"):
            args += ["--file", ROOT / name]
        return args

    def __call__(self, *args, files=(), timeout=120, check=True) -> subprocess.CompletedProcess:
        return run([*self.args(*files), *args], timeout=timeout, env=self.env, check=check)

    def container(self, service: str) -> str:
        return f"{self.project}-{service}"

    def start(self, service: str) -> None:
        self("run", "--detach", "--no-deps", "--name", self.container(service), service, timeout=120)

    def shell(self, script: str) -> str:
        """A shell script in a one-off container of the image with the migrate service's settings; its stdout."""
        return self("run", "--rm", "--no-deps", "-T", "migrate", "sh", "-c", script, timeout=180).stdout

    def down(self) -> None:
        self("down", "--volumes", "--remove-orphans", "--timeout", "10", timeout=180, check=False)
        # One-off containers (`run`) are the project's too; make sure none is left behind.
        left = run([self.docker, "ps", "-aq", "--filter", f"label=com.docker.compose.project={self.project}"],
                   check=False).stdout.split()
        if left:
            run([self.docker, "rm", "-f", "-v", *left], check=False, timeout=120)
        volumes = run([self.docker, "volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={self.project}"],
                      check=False).stdout.split()
        if volumes:
            run([self.docker, "volume", "rm", "-f", *volumes], check=False, timeout=60)


def write_env(project_dir: Path, **values) -> None:
    env_file = project_dir / ".env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    env_file.chmod(0o600)


def check_compose_config(compose: Compose, database_url: str) -> None:
    """Both files parse and merge: the deployment as it is, and the test shape used here."""
    compose("config", "--quiet", files=("compose.yaml",))
    merged = yaml.safe_load(compose("config").stdout)["services"]
    for name in ("migrate", *APP_SERVICES):
        service = merged[name]
        if service.get("image") != IMAGE or service.get("network_mode") != "host":
            raise Fail(f"compose.test.yaml does not run {name} from {IMAGE} with host networking")
        if service["environment"].get("DATABASE_URL") != database_url:
            raise Fail(f"compose.test.yaml does not point {name} at the test database")
        if service["environment"].get("DEBUG") != "false":
            raise Fail(f"{name} does not run with DEBUG=false")


def container_state(docker: str, name: str) -> tuple[str, str]:
    out = run([docker, "inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", name],
              check=False, timeout=30).stdout.split()
    return (out + ["", ""])[0], (out + ["", ""])[1]


def wait_healthy(compose: Compose, timeout: float = 240) -> None:
    def all_healthy():
        states = {s: container_state(compose.docker, compose.container(s)) for s in APP_SERVICES}
        for service, (status, health) in states.items():
            if status != "running" or health == "unhealthy":
                raise Fail(f"the {service} container is {status or 'gone'}{' and unhealthy' if health == 'unhealthy' else ''}")
        return all(health == "healthy" for _, health in states.values())
    wait_until("web, worker and beat healthchecks", all_healthy, timeout, interval=1)


def dump_logs(compose: Compose) -> None:
    for service in APP_SERVICES:
        logs = run([compose.docker, "logs", "--tail", "40", compose.container(service)], check=False, timeout=30)
        text = (logs.stdout + logs.stderr).strip()
        if text:
            print(f"----- last log lines of {service}\n{text}", flush=True)


# ---------------------------------------------------------------- checks inside the containers

def check_non_root(compose: Compose) -> None:
    user = run([compose.docker, "image", "inspect", "--format", "{{.Config.User}}", IMAGE]).stdout.strip()
    if user != "scanlogin":
        raise Fail(f"the image's USER is {user!r}, not scanlogin")
    for service in APP_SERVICES:
        status = run([compose.docker, "exec", compose.container(service), "cat", "/proc/1/status"]).stdout
        uids = re.search(r"^Uid:\s+(.*)$", status, re.M)[1].split()
        if set(uids) != {NON_ROOT_UID}:
            raise Fail(f"{service}'s main process runs with uids {uids}, not {NON_ROOT_UID} (scanlogin)")


def project_packages() -> list[str]:
    """Every top-level Python package of the project (the apps and scanlogin), tests and benchmarks aside."""
    return sorted(p.name for p in ROOT.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and p.name not in ("tests", "bench")
                  and (p / "__init__.py").exists())


def check_every_app(compose: Compose) -> None:
    packages = project_packages()
    code = "import importlib, sys\nfor name in sys.argv[1:]: importlib.import_module(name)"
    run([compose.docker, "exec", compose.container("web"), "python", "-c", code, *packages])
    run([compose.docker, "exec", compose.container("web"), "python", "manage.py", "check", "--deploy", "--fail-level", "ERROR"])
    say(f"the image holds and loads every package of the project: {', '.join(packages)}")


# ---------------------------------------------------------------- over HTTP through the containers

class LocalBrowser(requests.Session):
    """A browser on http://127.0.0.1, which sends Secure cookies to a local address as browsers do.

    With DEBUG=false the session, CSRF and browser-binding cookies are Secure; in production a TLS
    proxy sits in front, here the test talks to the container directly.
    """

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def expect(response: requests.Response, status: int, what: str) -> dict:
    if response.status_code != status:
        raise Fail(f"{what}: expected {status}, got {response.status_code}: {response.text[:400]}")
    return response.json() if "json" in response.headers.get("Content-Type", "") else {}


class Scenario:
    """A pool's application and connection made through the management API, then a scan login."""

    POOL = "imagetest"
    CONNECTION = "wechat-pc"
    CALLBACK = "https://shop.example.com/after-login"
    PHONE = "13800138000"

    def __init__(self, web: str, sim: str, token: str):
        self.web, self.sim = web, sim
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {token}"
        self.browser = LocalBrowser()
        self.browser.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) ScanLogin image test"
        self.phone = requests.Session()

    def sim_post(self, path: str, payload: dict) -> dict:
        response = requests.post(self.sim + path, json=payload, timeout=HTTP_TIMEOUT)
        if not response.ok:
            raise Fail(f"simulator {path}: {response.status_code} {response.text[:300]}")
        return response.json()

    def management_api(self) -> None:
        app = expect(self.api.post(f"{self.web}/api/v1/applications", timeout=HTTP_TIMEOUT,
                                   json={"name": "Image test shop", "redirect_uris": ["https://shop.example.com/cb"]}),
                     201, "create an application")
        self.client_id = app["client_id"]
        self.appid, secret = "wx" + secrets.token_hex(8), secrets.token_hex(16)
        self.sim_post("/sim/apps", {"appid": self.appid, "secret": secret})
        conn = expect(self.api.post(f"{self.web}/api/v1/connections", timeout=HTTP_TIMEOUT, json={
            "identifier": self.CONNECTION, "display_name": "WeChat", "callback_url": self.CALLBACK,
            "private_deployment": True, "app_id": self.appid, "app_secret": secret}), 201, "create a connection")
        if secret in json.dumps(conn) or not conn.get("app_secret_set"):
            raise Fail("the connection's answer shows its AppSecret or does not say it is set")
        enabled = self.api.put(f"{self.web}/api/v1/applications/{self.client_id}/connections/{self.CONNECTION}",
                               timeout=HTTP_TIMEOUT)
        if enabled.status_code not in (200, 201, 204):
            raise Fail(f"enable the connection: {enabled.status_code} {enabled.text[:300]}")
        listed = expect(self.api.get(f"{self.web}/api/v1/applications/{self.client_id}/connections", timeout=HTTP_TIMEOUT),
                        200, "list the application's connections")
        if self.CONNECTION not in json.dumps(listed):
            raise Fail("the connection is not enabled for the application")

    def open_login_page(self) -> None:
        page = self.browser.get(f"{self.web}/u/{self.POOL}/login", params={"app_id": self.client_id}, timeout=HTTP_TIMEOUT)
        if page.status_code != 200 or "csrftoken" not in self.browser.cookies:
            raise Fail(f"the hosted login page: {page.status_code}, cookies {sorted(self.browser.cookies.keys())}")
        self.browser.headers["X-CSRFToken"] = self.browser.cookies["csrftoken"]

    def new_ticket(self) -> dict:
        return expect(self.browser.post(f"{self.web}/u/{self.POOL}/api/qr-tickets", timeout=HTTP_TIMEOUT,
                                        json={"app_id": self.client_id, "connection": self.CONNECTION}), 201, "create a ticket")

    def status(self, key: str, since: str) -> str:
        return expect(self.browser.get(f"{self.web}/u/{self.POOL}/api/qr-tickets/{key}", params={"since": since, "wait": 10},
                                       timeout=HTTP_TIMEOUT + 10), 200, "ticket status")["status"]

    def phone_call(self, action: str, payload: dict, status: int = 200) -> dict:
        return expect(self.phone.post(f"{self.web}/api/miniprogram/{action}", json=payload, timeout=HTTP_TIMEOUT),
                      status, f"mini-program {action}")

    def scan_login(self) -> str:
        """Browser and phone through the container; returns where the browser goes next."""
        ticket = self.new_ticket()
        key = ticket["ticket"]
        png = self.browser.get(self.web + ticket["qrcode_url"], timeout=HTTP_TIMEOUT)
        if png.status_code != 200 or not png.content.startswith(b"\x89PNG"):
            raise Fail(f"the ticket's QR code: {png.status_code} {png.headers.get('Content-Type')}")
        drawn = requests.get(self.sim + "/sim/wxacodes", timeout=HTTP_TIMEOUT).json()
        scene = next((c["scene"] for c in drawn if c["appid"] == self.appid), None)
        if not scene:
            raise Fail("the web container did not draw the code through the simulator's wxacode API")
        user = self.sim_post("/sim/users", {"phone": self.PHONE, "nickname": "Image Test"})
        code = self.sim_post("/sim/codes", {"appid": self.appid, "user": user["id"], "kind": "login"})["code"]
        scanned = self.phone_call("scan", {"scene": scene, "code": code})
        if scanned.get("app", {}).get("name") != "Image test shop":
            raise Fail(f"the phone was not shown the application: {scanned}")
        if (status := self.status(key, "pending")) != "scanned":
            raise Fail(f"after the scan the browser sees {status!r}, not 'scanned'")
        phone_code = self.sim_post("/sim/codes", {"appid": self.appid, "user": user["id"], "kind": "phone"})["code"]
        self.phone_call("confirm", {"scan_token": scanned["scan_token"], "phone_code": phone_code})
        if (status := self.status(key, "scanned")) != "confirmed":
            raise Fail(f"after the confirm the browser sees {status!r}, not 'confirmed'")
        exchange_url = f"{self.web}/u/{self.POOL}/api/qr-tickets/{key}/exchange"
        done = expect(self.browser.post(exchange_url, timeout=HTTP_TIMEOUT), 200, "exchange")
        if done.get("status") != "consumed" or not done.get("redirect_to", "").startswith(self.CALLBACK):
            raise Fail(f"the exchange answered {done}")
        again = expect(self.browser.post(exchange_url, timeout=HTTP_TIMEOUT), 409, "a second exchange")
        if again.get("error") != "ticket_already_used":
            raise Fail(f"a second exchange answered {again}")
        return done["redirect_to"]

    def check_user_and_event(self) -> None:
        users = expect(self.api.get(f"{self.web}/api/v1/users", params={"phone": "+86" + self.PHONE}, timeout=HTTP_TIMEOUT),
                       200, "list users")["results"]
        if len(users) != 1:
            raise Fail(f"expected one signed-up user with the verified phone, found {len(users)}")
        events = expect(self.api.get(f"{self.web}/api/v1/login-events", params={"application": self.client_id},
                                     timeout=HTTP_TIMEOUT), 200, "list login events")["results"]
        if not any(e.get("outcome") == "created" for e in events):
            raise Fail(f"no successful login event recorded: {[e.get('outcome') for e in events]}")

    def check_operations(self) -> None:
        """/healthz, /readyz and /metrics of the container: the login above is counted across its workers."""
        expect(requests.get(f"{self.web}/healthz", timeout=HTTP_TIMEOUT), 200, "healthz")
        ready = expect(requests.get(f"{self.web}/readyz", timeout=HTTP_TIMEOUT), 200, "readyz")
        if ready.get("checks") != {"database": "ok", "migrations": "ok", "redis": "ok"}:
            raise Fail(f"readyz: {ready}")
        metrics = requests.get(f"{self.web}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=HTTP_TIMEOUT)
        counted = [line for line in metrics.text.splitlines() if line.startswith("scanlogin_logins_total{")
                   and 'outcome="created"' in line and f'pool="{self.POOL}"' in line and line.endswith(" 1.0")]
        if metrics.status_code != 200 or len(counted) != 1:
            raise Fail(f"/metrics does not count the login once (HTTP {metrics.status_code})")

    def check_static_and_catalogue(self) -> None:
        css = self.browser.get(f"{self.web}/static/admin/css/base.css", timeout=HTTP_TIMEOUT)
        if css.status_code != 200 or "text/css" not in css.headers.get("Content-Type", ""):
            raise Fail(f"collected static files are not served (WhiteNoise): {css.status_code}")
        page = requests.get(f"{self.web}/console/login/", headers={"Accept-Language": "zh-hans"}, timeout=HTTP_TIMEOUT)
        if page.status_code != 200 or "控制台" not in page.text:
            raise Fail("the console login page is not in Chinese with Accept-Language: zh-hans (catalogue not compiled?)")


METRICS_TOKEN = secrets.token_urlsafe(32)


def expired_by_sweeper(database_url: str, key: str) -> bool:
    """The ticket is expired and its audit row names the sweeper (the worker's task), not a reader."""
    with psycopg.connect(database_url, connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT t.status, tr.actor FROM hostedlogin_loginticket t "
            "LEFT JOIN hostedlogin_tickettransition tr ON tr.ticket_id = t.id AND tr.new = 'expired' WHERE t.key = %s",
            (key,)).fetchone()
    if row and row[0] == "expired" and row[1] != "sweeper":
        raise Fail(f"the ticket was expired by {row[1]!r}, not by the worker's sweeper")
    return bool(row and row[0] == "expired")


def check_image_command(compose: Compose, env_file: Path, database_url: str, redis_url: str) -> None:
    """The image's own CMD (what `docker run scanlogin` starts) serves, moved to a free port."""
    docker = compose.docker
    cmd = json.loads(run([docker, "image", "inspect", "--format", "{{json .Config.Cmd}}", IMAGE]).stdout)
    port = free_port()
    name = compose.container("cmd")
    run([docker, "run", "--detach", "--name", name, "--network", "host", "--label",
         f"com.docker.compose.project={compose.project}", "--env-file", env_file, "--env", f"DATABASE_URL={database_url}",
         "--env", f"REDIS_URL={redis_url}", "--no-healthcheck", "--entrypoint", "sh", IMAGE,
         "-c", f'exec "$@" --port {port}', "cmd", *cmd])
    try:
        wait_until("the image's default command", lambda: requests.get(f"http://127.0.0.1:{port}/console/login/", timeout=3).ok, 60)
    finally:
        run([docker, "rm", "-f", name], check=False, timeout=60)


# ---------------------------------------------------------------- the run

@contextlib.contextmanager
def machine_lock():
    """One image test at a time on a machine: they share the engine they may start and stop."""
    with open(LOCK, "w") as handle:
        deadline = time.monotonic() + 900
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Fail(f"another image test holds {LOCK} for more than 15 minutes") from None
                time.sleep(2)
        yield


def run_steps(timings: Timings, stack: contextlib.ExitStack, tmp: Path) -> int:
    """Every step, timed; what a step starts is registered on the stack to be removed. Returns the image size."""
    with timings.step("engine: packages and dockerd"):
        install_tools()
        docker = docker_client()
        start_dockerd(docker, stack)
    with timings.step("base image"):
        base = base_image(docker)
    with timings.step("build the image"):
        build_image(docker, base, tmp)
        size = image_size(docker)
        say(f"built {IMAGE} on {base}: {size / 1e6:.0f} MB")
    with timings.step("test database, private Redis, WeChat simulator"):
        database_url = make_database(stack)
        redis_url = start_redis(stack, tmp)
        web_port = free_port()
        sim = start_simulator(stack, tmp, web_port)
    with timings.step("compose config"):
        project_dir = tmp / "project"
        project_dir.mkdir()
        write_env(project_dir, IMAGE=IMAGE, WEB_PORT=web_port, ALLOWED_HOSTS="127.0.0.1",
                  TEST_DATABASE_URL=database_url, TEST_REDIS_URL=redis_url,
                  SECRET_KEY=random_secret(), FIELD_ENCRYPTION_KEY=random_secret(),
                  WECHAT_API_BASE=sim, QR_TICKET_TTL=TICKET_TTL, LOG_LEVEL="INFO", METRICS_TOKEN=METRICS_TOKEN)
        compose = Compose(compose_command(docker), f"scanlogin-imagetest-{os.getpid()}", project_dir, docker)
        stack.callback(compose.down)
        check_compose_config(compose, database_url)
    try:
        with timings.step("migrate"):
            compose("run", "--rm", "--no-deps", "-T", "migrate", timeout=300)
        with timings.step("pool and management token (manage.py in the image)"):
            token = compose.shell(
                f"python manage.py create_pool {Scenario.POOL} --name 'Image test' >&2 && python manage.py "
                f"create_management_token --pool {Scenario.POOL} --role admin --name image-test").strip()
            if not re.fullmatch(r"slm_\S+", token):
                raise Fail("create_management_token printed no token")
        with timings.step("web, worker and beat healthy"):
            for service in APP_SERVICES:
                compose.start(service)
            wait_healthy(compose)
        with timings.step("non-root user, every app in the image"):
            check_non_root(compose)
            check_every_app(compose)
        scenario = Scenario(f"http://127.0.0.1:{web_port}", sim, token)
        with timings.step("management API: application, connection, enable"):
            scenario.management_api()
        with timings.step("scan login through the container"):
            scenario.open_login_page()
            left_alone = scenario.new_ticket()["ticket"]  # never read again: only the worker can expire it
            left_at = time.monotonic()
            redirect_to = scenario.scan_login()
            scenario.check_user_and_event()
            scenario.check_static_and_catalogue()
            scenario.check_operations()
            say(f"logged in; the browser goes on to {redirect_to.split('?')[0]}?code=…")
        with timings.step("the image's default command serves"):
            check_image_command(compose, project_dir / ".env", database_url, redis_url)
        with timings.step("overdue ticket expired by worker + beat"):
            wait = TICKET_TTL + 45 - (time.monotonic() - left_at)
            wait_until("the expiry of the overdue ticket by the worker", lambda: expired_by_sweeper(database_url, left_alone),
                       max(wait, 10), interval=1)
    except BaseException:
        dump_logs(compose)
        raise
    return size


def main() -> int:
    timeout = int(os.environ.get("IMAGE_TEST_TIMEOUT", "900"))

    def give_up(signum, frame):
        raise Fail(f"out of time (IMAGE_TEST_TIMEOUT={timeout}s)" if signum == signal.SIGALRM else "stopped by a signal")
    signal.signal(signal.SIGALRM, give_up)
    signal.signal(signal.SIGTERM, give_up)
    signal.alarm(timeout)
    timings = Timings()
    try:
        with machine_lock(), tempfile.TemporaryDirectory(prefix="scanlogin-image-") as tmpdir:
            cleanup = None
            try:
                with contextlib.ExitStack() as stack:
                    size = run_steps(timings, stack, Path(tmpdir))
                    say("-- cleaning up")
                    cleanup = time.monotonic()
            finally:
                if cleanup is not None:
                    timings.rows.append(("cleanup: containers, volumes, database, Redis, simulator", time.monotonic() - cleanup, "ok"))
    except Exception as exc:
        if not isinstance(exc, Fail):
            traceback.print_exc()
        detail = str(exc) if isinstance(exc, Fail) else f"{type(exc).__name__}: {exc}"
        print(f"\nimage-test: FAILED: {detail}\n{timings.report()}", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.alarm(0)
    print(f"\nimage-test: passed\n{timings.report()}\n  image {IMAGE}: {size / 1e6:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
