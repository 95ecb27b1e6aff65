"""The simulator's own /sim/* routes: register apps and users, draw codes, inject faults."""
from .http import Request, Response
from .state import SimInputError, SimState

FAULT_APIS = ("token", "jscode2session", "wxacode", "phone")


def _body(req: Request) -> dict:
    body = req.json()
    if body is None:
        raise SimInputError("send a JSON object")
    return body


def post_apps(state: SimState, req: Request) -> Response:
    body = _body(req)
    app = state.register_app(body.get("appid", ""), body.get("secret", ""), token_ttl=_int(body, "token_ttl"),
                             pages=body.get("pages"), default=bool(body.get("default")),
                             unionid=body.get("unionid", True) is not False)
    return Response.json({"appid": app.appid, "token_ttl": app.token_ttl, "pages": list(app.pages)}, 201)


def get_apps(state: SimState, req: Request) -> Response:
    with state.lock:
        apps = [{"appid": a.appid, "token_ttl": a.token_ttl, "default": a.appid == state.default_appid}
                for a in state.apps.values()]
    return Response.json(apps)


def post_users(state: SimState, req: Request) -> Response:
    body = _body(req)
    user = state.create_user(phone=body.get("phone", ""), appid=body.get("appid", ""), openid=body.get("openid", ""),
                             unionid=body.get("unionid", ""), nickname=body.get("nickname", ""),
                             blocked=bool(body.get("blocked")))
    with state.lock:
        return Response.json(user.public(state.apps), 201)


def get_users(state: SimState, req: Request) -> Response:
    return Response.json(state.users_public())


def post_codes(state: SimState, req: Request) -> Response:
    body = _body(req)
    code = state.issue_code(appid=body.get("appid", ""), kind=body.get("kind", "login"),
                            user_id=str(body.get("user") or ""), openid=body.get("openid", ""),
                            ttl=_float(body, "ttl"), watermark_appid=body.get("watermark_appid", ""))
    return Response.json({"code": code}, 201)


def get_wxacodes(state: SimState, req: Request) -> Response:
    with state.lock:
        return Response.json(list(state.wxacodes))


def post_faults(state: SimState, req: Request) -> Response:
    body = _body(req)
    if body.get("api") not in FAULT_APIS:
        raise SimInputError(f"api must be one of {', '.join(FAULT_APIS)}")
    fault = {"api": body["api"], "errcode": _int(body, "errcode"), "errmsg": str(body.get("errmsg", "")),
             "delay_ms": _int(body, "delay_ms") or 0, "status": _int(body, "status"),
             "content_type": str(body.get("content_type", "")), "count": _int(body, "count") or 1}
    state.add_fault(fault)
    return Response.json(fault, 201)


def delete_faults(state: SimState, req: Request) -> Response:
    with state.lock:
        state.faults.clear()
    return Response.json({"faults": 0})


def post_tokens_expire(state: SimState, req: Request) -> Response:
    body = req.json() or {}
    return Response.json({"expired": state.expire_tokens(body.get("appid", ""))})


def get_stats(state: SimState, req: Request) -> Response:
    with state.lock:
        return Response.json({name: dict(per_app) for name, per_app in state.stats.items()})


def post_clock(state: SimState, req: Request) -> Response:
    """Test-only: move the simulator's clock (codes and tokens then expire as if time passed)."""
    offset = _float(_body(req), "offset")
    with state.lock:
        state.clock_offset = offset or 0.0
    return Response.json({"offset": state.clock_offset})


def post_reset(state: SimState, req: Request) -> Response:
    state.reset()
    return Response.json({"reset": True})


def _int(body: dict, key: str) -> int | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SimInputError(f"{key} must be an integer") from None


def _float(body: dict, key: str) -> float | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise SimInputError(f"{key} must be a number") from None


ROUTES = {
    ("POST", "/sim/apps"): post_apps,
    ("GET", "/sim/apps"): get_apps,
    ("POST", "/sim/users"): post_users,
    ("GET", "/sim/users"): get_users,
    ("POST", "/sim/codes"): post_codes,
    ("GET", "/sim/wxacodes"): get_wxacodes,
    ("GET", "/sim/codes"): get_wxacodes,
    ("POST", "/sim/faults"): post_faults,
    ("DELETE", "/sim/faults"): delete_faults,
    ("POST", "/sim/tokens/expire"): post_tokens_expire,
    ("GET", "/sim/stats"): get_stats,
    ("POST", "/sim/clock"): post_clock,
    ("POST", "/sim/reset"): post_reset,
}


def handle(state: SimState, req: Request) -> Response | None:
    view = ROUTES.get((req.method, req.path))
    if view is None:
        return None
    try:
        return view(state, req)
    except SimInputError as exc:
        return Response.error("invalid_request", str(exc))
