"""The WeChat simulator: a threaded HTTP server with its state in memory.

A development and test tool only: `start_simulator` refuses to run unless
settings.WECHAT_SIMULATOR_ENABLED, which settings forbid without DEBUG.
"""
import logging
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import phone, sim_api, wechat_api
from .http import Request, Response
from .state import SimState

logger = logging.getLogger("scanlogin.wechatsim")
MAX_BODY = 1024 * 1024
HANDLERS = (wechat_api.handle, sim_api.handle, phone.handle)


class SimulatorDisabled(ImproperlyConfigured):
    """The simulator was asked to start where settings do not allow it (production)."""


def ensure_enabled() -> None:
    if not getattr(settings, "WECHAT_SIMULATOR_ENABLED", False):
        raise SimulatorDisabled("The WeChat simulator is disabled (WECHAT_SIMULATOR_ENABLED is off).")


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, state: SimState, scanlogin_url: str):
        super().__init__(address, SimHandler)
        self.state = state
        state.scanlogin_url = scanlogin_url.rstrip("/")


class SimHandler(BaseHTTPRequestHandler):
    server: SimHTTPServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one segment: without these, keep-alive clients wait ~40 ms per
    # answer on the delayed-ACK/Nagle interplay of a separately written body.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _dispatch(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            return self._send(Response.error("bad_length", "missing, invalid or too large Content-Length", 413))
        body = self.rfile.read(length) if length else b""
        req = Request.parse(self.command, self.path, body, self.headers, client_ip=self.client_address[0])
        try:
            response = self._route(req)
        except Exception:  # a simulator bug must answer, not hang the caller
            logger.exception("WeChat simulator failed on %s %s", req.method, req.path)
            response = Response.error("simulator_error", "internal simulator error", 500)
        self._send(response)

    def _route(self, req: Request) -> Response:
        for handle in HANDLERS:
            response = handle(self.server.state, req)
            if response is not None:
                return response
        return Response.error("not_found", f"no route {req.method} {req.path}", 404)

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller gave up (a timeout test); nothing to tell it

    def log_message(self, format, *args):
        # The request line carries secret= and access_token=: log only the path, at debug level.
        logger.debug("simulator %s %s", self.command, self.path.split("?", 1)[0])


@dataclass
class RunningSimulator:
    server: SimHTTPServer
    thread: threading.Thread

    @property
    def state(self) -> SimState:
        return self.server.state

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_simulator(host: str = "127.0.0.1", port: int = 0, *, scanlogin_url: str = "http://127.0.0.1:8000",
                    state: SimState | None = None) -> RunningSimulator:
    """Start the simulator in a background thread; port 0 picks a free port."""
    ensure_enabled()
    server = SimHTTPServer((host, port), state or SimState(), scanlogin_url)
    thread = threading.Thread(target=server.serve_forever, name="wechat-simulator", daemon=True)
    thread.start()
    return RunningSimulator(server=server, thread=thread)


def register_default_app(state: SimState) -> None:
    """Register the platform's default mini-program from settings, as `make run` needs."""
    state.register_app(settings.WECHAT_DEFAULT_APP_ID, settings.WECHAT_DEFAULT_APP_SECRET,
                       pages=(settings.WECHAT_MINIPROGRAM_PAGE, "pages/index/index"), default=True)
