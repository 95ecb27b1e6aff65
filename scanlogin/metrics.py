"""The Prometheus metrics of ScanLogin (prometheus_client), and their exposition.

Every process records into its own values; `/metrics` (scanlogin/health.py) exposes them. With
several processes (uvicorn/gunicorn workers, Celery) set PROMETHEUS_MULTIPROC_DIR to a directory
shared by them and empty when they start: prometheus_client then keeps each process's values in
memory-mapped files there and the scrape sums them (counters and histograms add up; the waiter
gauge sums the live processes only). Without it each process exposes only its own values.

Why prometheus_client and not django-prometheus: it is the maintained reference client and the
only piece needed; django-prometheus's request middleware is MiddlewareMixin-based (two thread
hops per request under ASGI) and its database/cache wrappers replace our engines.
"""
import os
import time
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess
from asgiref.sync import iscoroutinefunction
from django.utils.decorators import sync_and_async_middleware


def _prepare_multiprocess_dir() -> None:
    """Make the directory if missing, and drop live-gauge files a former process with our pid left
    (a restarted container reuses pids: its waiter gauge must start at 0, not at the dead one's value).
    Counters and histograms of earlier processes stay: they only add to the totals."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if directory:
        os.makedirs(directory, exist_ok=True)
        multiprocess.mark_process_dead(os.getpid(), directory)


_prepare_multiprocess_dir()

LOGINS = Counter(
    "scanlogin_logins_total", "Login outcomes (one per login event).", ["pool", "connection", "outcome"])
WECHAT_REQUESTS = Counter(
    "scanlogin_wechat_requests_total",
    'HTTP requests to WeChat by call and result ("ok", WeChat\'s errcode, or "unreachable").', ["api", "result"])
WECHAT_SECONDS = Histogram(
    "scanlogin_wechat_request_seconds", "Time of one HTTP request to WeChat.", ["api"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8))
TICKET_NOTIFY_SECONDS = Histogram(
    "scanlogin_ticket_notify_seconds",
    "From a ticket transition's commit (its publish) to the waiting browser's answer.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
LONGPOLL_WAITERS = Gauge(
    "scanlogin_longpoll_waiters", "Browsers waiting in a ticket long-poll right now.", multiprocess_mode="livesum")
HTTP_REQUESTS = Counter(
    "scanlogin_http_requests_total", "HTTP requests answered, by method, status and view.", ["method", "status", "view"])
HTTP_SECONDS = Histogram(
    "scanlogin_http_request_seconds", "Time from a request entering Django to its response (long-polls included).",
    ["method", "view"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))


# The classic text format, which every Prometheus version reads (our names need nothing newer).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def exposition() -> tuple[bytes, str]:
    """The text exposition of every metric (all processes' values in multiprocess mode) and its content type."""
    directory = multiprocess_dir()
    if not directory:
        return generate_latest(REGISTRY), CONTENT_TYPE
    _forget_dead_processes(directory)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)
    return generate_latest(registry), CONTENT_TYPE


def _forget_dead_processes(directory: str) -> None:
    """Drop the live-gauge files of processes that are gone (a restarted worker's waiters are not waiting).

    gunicorn would call mark_process_dead from its child_exit hook; uvicorn and Celery have no such
    hook, so the scrape does it. Counters and histograms of dead processes stay: they are totals.
    """
    for file in Path(directory).glob("gauge_live*_*.db"):
        pid = file.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), directory)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # anything else counts as "other"


def view_label(request) -> str:
    """The route's name (bounded, unlike the path); "operations" endpoints name themselves."""
    named = getattr(request, "metrics_view", None)
    if named:
        return named
    match = getattr(request, "resolver_match", None)
    return (match.view_name or "unnamed") if match else "unresolved"


def observe_request(request, response, started: float) -> None:
    method = request.method if request.method in METHODS else "other"
    view = view_label(request)
    HTTP_REQUESTS.labels(method, str(response.status_code), view).inc()
    HTTP_SECONDS.labels(method, view).observe(time.perf_counter() - started)


@sync_and_async_middleware
def request_metrics_middleware(get_response):
    """Counts and times every request; runs inline on the event loop under ASGI (no thread hop)."""
    if iscoroutinefunction(get_response):
        async def middleware(request):
            started = time.perf_counter()
            response = await get_response(request)
            observe_request(request, response, started)
            return response
    else:
        def middleware(request):
            started = time.perf_counter()
            response = get_response(request)
            observe_request(request, response, started)
            return response
    return middleware
