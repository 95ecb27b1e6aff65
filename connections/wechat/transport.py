"""HTTP to WeChat: one shared `requests` session, timeouts, safe retries, scrubbed failures.

URLs to WeChat carry `secret=` and `access_token=`; they are never logged or put into an
exception. requests/urllib3 put the URL into their own exception texts and DEBUG logs, so
their exceptions are replaced (not chained) and urllib3's connection log is filtered.
"""
import json
import logging
import time
import urllib.request

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from scanlogin import metrics

from .errors import WeChatUnavailable, WeChatUnreachable, error_for, scrub

logger = logging.getLogger("scanlogin.wechat")

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")  # a drawn code's first bytes
RETRY_BACKOFF = (0.2, 0.5)  # seconds before the 2nd and 3rd attempt of a call that is safe to repeat


class ScrubSecretsFilter(logging.Filter):
    """Rewrites log records so no secret= / access_token= value survives."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


for _name in ("urllib3.connectionpool", "urllib3.util.retry", "requests"):
    logging.getLogger(_name).addFilter(ScrubSecretsFilter())


def _new_session() -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=8, pool_maxsize=64, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "ScanLogin-WeChat/1.0"
    # requests reads the proxy variables and looks for ~/.netrc on every call when trust_env is on
    # (a fifth of a WeChat call's CPU). WeChat calls carry their credentials in the URL, never in
    # .netrc, so without a proxy configured in the environment there is nothing to look up.
    session.trust_env = bool(urllib.request.getproxies())
    return session


_session = _new_session()


def timeouts() -> tuple[float, float]:
    return (settings.WECHAT_CONNECT_TIMEOUT, settings.WECHAT_READ_TIMEOUT)


def send(method: str, url: str, *, api: str, retry: bool, **kwargs) -> requests.Response:
    """Send one request; network errors and timeouts become WeChatUnavailable.

    `retry` repeats the request (with a short backoff) only for calls safe to repeat: a token
    fetch or a code drawing. Login and phone codes are single-use, so those calls never repeat.
    """
    attempts = 1 + (len(RETRY_BACKOFF) if retry else 0)
    for attempt in range(attempts):
        if attempt:
            time.sleep(RETRY_BACKOFF[attempt - 1])
        started = time.perf_counter()
        try:
            response = _session.request(method, url, timeout=timeouts(), **kwargs)
        except requests.Timeout:
            failure = "timed out"
        except requests.RequestException as exc:
            failure = f"unreachable ({type(exc).__name__})"
        else:
            _observe(api, started, result_of(response))
            return response
        _observe(api, started, "unreachable")
        logger.warning("WeChat %s %s (attempt %d of %d)", api, failure, attempt + 1, attempts)
    raise WeChatUnreachable(-1, f"WeChat {failure}", api) from None


def _observe(api: str, started: float, result: str) -> None:
    metrics.WECHAT_SECONDS.labels(api).observe(time.perf_counter() - started)
    metrics.WECHAT_REQUESTS.labels(api, result).inc()


def result_of(response: requests.Response) -> str:
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


def parse_json(response: requests.Response, api: str) -> dict:
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
