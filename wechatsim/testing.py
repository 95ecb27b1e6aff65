"""Helpers for tests that drive the simulator over real HTTP."""
import requests

TIMEOUT = 10


def sim_post(sim, path: str, payload: dict | None = None) -> dict:
    response = requests.post(sim.base_url + path, json=payload or {}, timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()


def sim_get(sim, path: str):
    response = requests.get(sim.base_url + path, timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()


def sim_app(sim, appid: str, secret: str, **kw) -> dict:
    """Register a mini-program (kw: token_ttl, pages)."""
    return sim_post(sim, "/sim/apps", {"appid": appid, "secret": secret, **kw})


def sim_user(sim, phone: str, **kw) -> dict:
    """Create a simulated WeChat user (kw: openid, appid, unionid, nickname, blocked)."""
    return sim_post(sim, "/sim/users", {"phone": phone, **kw})


def sim_code(sim, *, appid: str, openid: str | None = None, kind: str = "login", user: str | None = None,
             **kw) -> str:
    """A single-use wx.login ("login") or getPhoneNumber ("phone") code for a user of `appid`."""
    payload = {"appid": appid, "kind": kind, **kw}
    if user is not None:
        payload["user"] = user
    else:
        payload["openid"] = openid
    return sim_post(sim, "/sim/codes", payload)["code"]


def sim_fault(sim, api: str, *, count: int = 1, **kw) -> dict:
    """Make the next `count` calls of `api` fail or lag (kw: errcode, delay_ms, status, content_type)."""
    return sim_post(sim, "/sim/faults", {"api": api, "count": count, **kw})


def sim_expire_tokens(sim, appid: str | None = None) -> int:
    return sim_post(sim, "/sim/tokens/expire", {"appid": appid} if appid else {})["expired"]


def sim_stats(sim) -> dict:
    return sim_get(sim, "/sim/stats")


def sim_token_fetches(sim, appid: str, endpoint: str = "token") -> int:
    key = "token_fetches" if endpoint == "token" else "stable_token_fetches"
    return sim_stats(sim).get(key, {}).get(appid, 0)


def sim_token_calls(sim, appid: str) -> int:
    """Calls of `appid` to cgi-bin/token and cgi-bin/stable_token, answered or refused."""
    return sim_stats(sim).get("calls:token", {}).get(appid, 0)


def sim_clock(sim, offset: float) -> None:
    sim_post(sim, "/sim/clock", {"offset": offset})
