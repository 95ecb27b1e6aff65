"""HTTP to WeChat: one shared urllib3 pool, timeouts, safe retries, scrubbed failures.

URLs to WeChat carry `secret=` and `access_token=`; they are never logged or put into an
exception. urllib3 puts the URL into its own exception texts and DEBUG logs, so its exceptions
are replaced (not chained) and its connection log is filtered.

urllib3 rather than `requests` (which sits on it): a WeChat call is a plain GET or a JSON POST to
one host, and requests' sessions, hooks and adapters cost twice urllib3's own CPU per call (three
calls per login). What requests did besides, this module does: certifi's CA bundle, the proxy of
the environment (HTTPS_PROXY/HTTP_PROXY, NO_PROXY) read once at start, the query string.
"""
import json
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import certifi
import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError, NewConnectionError, TimeoutError as Urllib3Timeout

from scanlogin import metrics

from .errors import WeChatUnavailable, WeChatUnreachable, error_for, scrub

logger = logging.getLogger("scanlogin.wechat")

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")  # a drawn code's first bytes
RETRY_BACKOFF = (0.2, 0.5)  # seconds before the 2nd and 3rd attempt of a call that is safe to repeat
HEADERS = {"User-Agent": "ScanLogin-WeChat/1.0"}


class ScrubSecretsFilter(logging.Filter):
    """Rewrites log records so no secret= / access_token= value survives."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


for _name in ("urllib3.connectionpool", "urllib3.connection", "urllib3.poolmanager", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(ScrubSecretsFilter())


@dataclass(frozen=True)
class Answer:
    """WeChat's answer: status, body, headers (names case-insensitive)."""

    status_code: int
    content: bytes
    headers: dict = field(default_factory=dict)


_direct = urllib3.PoolManager(num_pools=8, maxsize=64, ca_certs=certifi.where(), headers=HEADERS)
_proxies = {scheme: url for scheme, url in getproxies().items() if scheme in ("http", "https")}
_via_proxy: dict[str, urllib3.ProxyManager] = {}


def _pool_for(url: str) -> urllib3.PoolManager:
    """The direct pool, or the proxy's for a URL the environment sends through one."""
    parts = urlsplit(url)
    proxy = _proxies.get(parts.scheme)
    if not proxy or proxy_bypass(parts.hostname or ""):
        return _direct
    if proxy not in _via_proxy:
        _via_proxy[proxy] = urllib3.ProxyManager(proxy, num_pools=8, maxsize=64, ca_certs=certifi.where(), headers=HEADERS)
    return _via_proxy[proxy]


def timeouts() -> tuple[float, float]:
    return (settings.WECHAT_CONNECT_TIMEOUT, settings.WECHAT_READ_TIMEOUT)


def send(method: str, url: str, *, api: str, retry: bool, params: dict | None = None, json: dict | None = None) -> Answer:
    """Send one request; network errors and timeouts become WeChatUnavailable.

    `retry` repeats the request (with a short backoff) only for calls safe to repeat: a token
    fetch or a code drawing. Login and phone codes are single-use, so those calls never repeat.
    """
    if params:
        url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
    connect, read = timeouts()
    attempts = 1 + (len(RETRY_BACKOFF) if retry else 0)
    for attempt in range(attempts):
        if attempt:
            time.sleep(RETRY_BACKOFF[attempt - 1])
        started = time.perf_counter()
        try:
            raw = _pool_for(url).request(method, url, json=json, retries=False,
                                         timeout=urllib3.Timeout(connect=connect, read=read))
        except NewConnectionError as exc:  # (a subclass of the connect timeout, for history's sake)
            failure = f"unreachable ({type(exc).__name__})"
        except Urllib3Timeout:
            failure = "timed out"
        except (HTTPError, OSError) as exc:
            failure = f"unreachable ({type(exc).__name__})"
        else:
            response = Answer(raw.status, raw.data, raw.headers)
            _observe(api, started, result_of(response))
            return response
        _observe(api, started, "unreachable")
        logger.warning("WeChat %s %s (attempt %d of %d)", api, failure, attempt + 1, attempts)
    raise WeChatUnreachable(-1, f"WeChat {failure}", api) from None


def _observe(api: str, started: float, result: str) -> None:
    metrics.WECHAT_SECONDS.labels(api).observe(time.perf_counter() - started)
    metrics.WECHAT_REQUESTS.labels(api, result).inc()


def result_of(response: Answer) -> str:
    """The metrics result of one answer: "ok", WeChat's errcode, or "http_<status>" / "invalid" for
    an answer that is not WeChat's (the callers raise the typed errors; this only names the outcome)."""
    body = response.content
    if response.status_code == 200 and body.startswith(IMAGE_MAGIC):
        return "ok"  # a drawn code
    try:
        data = json.loads(body)
        errcode = int((data.get("errcode") or 0) if isinstance(data, dict) else "x")
    except (ValueError, TypeError):
        return f"http_{response.status_code}" if response.status_code >= 400 else "invalid"
    if errcode:
        return str(errcode)
    return "ok" if response.status_code < 500 else f"http_{response.status_code}"


def parse_json(response: Answer, api: str) -> dict:
    """WeChat's JSON answer; an error answer raises its typed exception."""
    try:
        data = json.loads(response.content)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise WeChatUnavailable(-1, f"non-JSON answer (HTTP {response.status_code})", api)
    check_errcode(data, api)
    if response.status_code >= 500:
        raise WeChatUnavailable(-1, f"HTTP {response.status_code}", api)
    return data


def check_errcode(data: dict, api: str) -> None:
    errcode = data.get("errcode") or 0
    try:
        errcode = int(errcode)
    except (TypeError, ValueError):
        raise WeChatUnavailable(-1, "malformed errcode", api) from None
    if errcode:
        raise error_for(errcode, str(data.get("errmsg", "")), api)
