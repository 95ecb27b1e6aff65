"""The simulator's own /sim/* routes: register apps and users, draw codes, inject faults."""
from .http import Request, Response, dispatch, json_object
from .qr import SCENE_MAX, draw_scene_png
from .state import SimInputError, SimState

FAULT_APIS = ("token", "jscode2session", "wxacode", "phone")


def post_apps(state: SimState, req: Request) -> Response:
    body = json_object(req)
    app = state.register_app(body.get("appid", ""), body.get("secret", ""), token_ttl=_int(body, "token_ttl"),
                             pages=body.get("pages"), default=bool(body.get("default")),
                             unionid=body.get("unionid", True) is not False,
                             ip_whitelist=body.get("ip_whitelist"), secret_frozen=body.get("secret_frozen") is True)
    return Response.json({"appid": app.appid, "token_ttl": app.token_ttl, "pages": list(app.pages),
                          "ip_whitelist": list(app.ip_whitelist), "secret_frozen": app.secret_frozen}, 201)


def get_apps(state: SimState, req: Request) -> Response:
    with state.lock:
        apps = [{"appid": a.appid, "token_ttl": a.token_ttl, "default": a.appid == state.default_appid}
                for a in state.apps.values()]
    return Response.json(apps)


def post_users(state: SimState, req: Request) -> Response:
    body = json_object(req)
    user = state.create_user(phone=body.get("phone", ""), appid=body.get("appid", ""), openid=body.get("openid", ""),
                             unionid=body.get("unionid", ""), nickname=body.get("nickname", ""),
                             blocked=bool(body.get("blocked")))
    with state.lock:
        return Response.json(user.public(state.apps), 201)


def get_users(state: SimState, req: Request) -> Response:
    return Response.json(state.users_public())


def post_codes(state: SimState, req: Request) -> Response:
    body = json_object(req)
    code = state.issue_code(appid=body.get("appid", ""), kind=body.get("kind", "login"),
                            user_id=str(body.get("user") or ""), openid=body.get("openid", ""),
                            ttl=_float(body, "ttl"), watermark_appid=body.get("watermark_appid", ""))
    return Response.json({"code": code}, 201)


def get_wxacodes(state: SimState, req: Request) -> Response:
    with state.lock:
        return Response.json(list(state.wxacodes))


def get_wxacode_png(state: SimState, req: Request) -> Response:
    """A small picture of a drawn code, for the phone page's list."""
    scene = req.query.get("scene", "")
    if not 0 < len(scene) <= SCENE_MAX:
        raise SimInputError("scene must be 1-32 characters")
    return Response(body=draw_scene_png(scene, 96), content_type="image/png")


def post_faults(state: SimState, req: Request) -> Response:
    body = json_object(req)
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
    offset = _float(json_object(req), "offset")
    with state.lock:
        state.clock_offset = offset or 0.0
    return Response.json({"offset": state.clock_offset})


def post_reset(state: SimState, req: Request) -> Response:
    state.reset()
    return Response.json({"reset": True})


def _number(body: dict, key: str, kind=float):
    value = body.get(key)
    if value in (None, ""):
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise SimInputError(f"{key} must be a number") from None


def _int(body: dict, key: str) -> int | None:
    return _number(body, key, int)


def _float(body: dict, key: str) -> float | None:
    return _number(body, key, float)


ROUTES = {
    ("POST", "/sim/apps"): post_apps,
    ("GET", "/sim/apps"): get_apps,
    ("POST", "/sim/users"): post_users,
    ("GET", "/sim/users"): get_users,
    ("POST", "/sim/codes"): post_codes,
    ("GET", "/sim/wxacodes"): get_wxacodes,
    ("GET", "/sim/codes"): get_wxacodes,
    ("GET", "/sim/wxacode.png"): get_wxacode_png,
    ("POST", "/sim/faults"): post_faults,
    ("DELETE", "/sim/faults"): delete_faults,
    ("POST", "/sim/tokens/expire"): post_tokens_expire,
    ("GET", "/sim/stats"): get_stats,
    ("POST", "/sim/clock"): post_clock,
    ("POST", "/sim/reset"): post_reset,
}


def handle(state: SimState, req: Request) -> Response | None:
    return dispatch(ROUTES, state, req)
