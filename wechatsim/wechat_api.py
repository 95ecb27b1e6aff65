"""The four WeChat calls, with WeChat's parameters, answer shapes and error codes."""
import base64
import json
import secrets
import time

from .http import Request, Response
from .qr import SCENE_MAX, draw_scene_png
from .state import SimError, SimState

SCENE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&'()*+,/:;=?@-._~")
ENV_VERSIONS = ("release", "trial", "develop")


def apply_fault(fault: dict | None) -> Response | None:
    """Play an injected fault: wait, then answer its error (if it has one)."""
    if fault is None:
        return None
    if fault.get("delay_ms"):
        time.sleep(fault["delay_ms"] / 1000)
    if fault.get("status"):
        return Response(status=fault["status"], body=b"<html><body>upstream error</body></html>",
                        content_type="text/html")
    if fault.get("errcode") is not None:
        body = SimError(fault["errcode"], fault.get("errmsg") or "simulated failure").answer()
        return Response(status=200, body=json.dumps(body).encode(),
                        content_type=fault.get("content_type") or "application/json; charset=utf-8")
    return None


def wechat_error(exc: SimError) -> Response:
    return Response.json(exc.answer())  # WeChat answers errors with HTTP 200


def token(state: SimState, req: Request) -> Response:
    if req.query.get("grant_type") != "client_credential":
        raise SimError(40002, "invalid grant_type")
    app = state.check_app(req.query.get("appid", ""), req.query.get("secret", ""), req.client_ip)
    access_token, expires_in = state.issue_token(app, "token")
    return Response.json({"access_token": access_token, "expires_in": expires_in})


def stable_token(state: SimState, req: Request) -> Response:
    body = req.json()
    if body is None:
        raise SimError(47001, "data format error")
    if body.get("grant_type") != "client_credential":
        raise SimError(40002, "invalid grant_type")
    app = state.check_app(body.get("appid", ""), body.get("secret", ""), req.client_ip)
    access_token, expires_in = state.stable_token(app, bool(body.get("force_refresh")))
    return Response.json({"access_token": access_token, "expires_in": expires_in})


def jscode2session(state: SimState, req: Request) -> Response:
    q = req.query
    if q.get("grant_type") != "authorization_code":
        raise SimError(40002, "invalid grant_type")
    app = state.check_app(q.get("appid", ""), q.get("secret", ""), req.client_ip)
    if not q.get("js_code"):
        raise SimError(41008, "missing code")
    if not state.session_rate_ok(app.appid + ":" + state.code_owner(q["js_code"])):
        raise SimError(45011, "api minute-quota reach limit mustslower retry next minute")
    user = state.redeem_code(q["js_code"], appid=app.appid, kind="login")
    if user.blocked:
        raise SimError(40226, "high risk user, login denied")
    state.count("jscode2session", app.appid)
    answer = {"openid": user.openid_for(app.appid), "session_key": _session_key()}
    if app.unionid:
        answer["unionid"] = user.unionid
    return Response.json(answer)


def _session_key() -> str:
    return base64.b64encode(secrets.token_bytes(16)).decode()


def getuserphonenumber(state: SimState, req: Request) -> Response:
    app = state.check_token(req.query.get("access_token", ""))
    body = req.json()
    if body is None or not body.get("code"):
        raise SimError(47001, "data format error")
    watermark = state.code_watermark(body["code"])
    user = state.redeem_code(body["code"], appid=app.appid, kind="phone")
    state.count("phone", app.appid)
    country, pure = split_phone(user.phone)
    full = pure if country == "86" else f"+{country}{pure}"
    return Response.json({"errcode": 0, "errmsg": "ok", "phone_info": {
        "phoneNumber": full, "purePhoneNumber": pure, "countryCode": country,
        "watermark": {"timestamp": int(state.now()), "appid": watermark or app.appid}}})


# Calling codes the simulator recognises in "+<code><number>" written without a separator.
CALLING_CODES = ("852", "853", "886", "86", "81", "82", "65", "61", "44", "49", "33", "1")


def split_phone(phone: str) -> tuple[str, str]:
    """'+1 4155550100' or '+8613800138000' -> (country, number); no '+' means Chinese (86)."""
    phone = phone.strip().replace("-", " ")
    if not phone.startswith("+"):
        return "86", phone.replace(" ", "")
    country, _, rest = phone[1:].partition(" ")
    if rest:
        return country, rest.replace(" ", "")
    for code in CALLING_CODES:
        if country.startswith(code) and len(country) > len(code):
            return code, country[len(code):]
    return country, ""


def getwxacodeunlimit(state: SimState, req: Request) -> Response:
    app = state.check_token(req.query.get("access_token", ""))
    body = req.json()
    if body is None:
        raise SimError(40169, "invalid length for scene, or the data is not json")
    scene = body.get("scene")
    if not isinstance(scene, str) or not scene or len(scene) > SCENE_MAX:
        raise SimError(40169, "invalid length for scene")
    if not set(scene) <= SCENE_CHARS:
        raise SimError(40129, "invalid scene")
    page = body.get("page") or ""
    env_version = body.get("env_version", "release")
    width = body.get("width", 430)
    if not isinstance(page, str) or env_version not in ENV_VERSIONS or not isinstance(width, int):
        raise SimError(40097, "invalid args")
    if page and (page.startswith("/") or "?" in page):
        raise SimError(41030, "invalid page rid")
    if body.get("check_path", True) and (env_version != "release" or (page and page not in app.pages)):
        raise SimError(41030, "invalid page")
    width = min(1280, max(280, width))  # WeChat clamps the width
    state.count("wxacode", app.appid)
    state.record_wxacode(appid=app.appid, scene=scene, page=page, env_version=env_version, width=width,
                         at=int(state.now()))
    return Response(body=draw_scene_png(scene, width), content_type="image/png")


ROUTES = {
    ("GET", "/cgi-bin/token"): ("token", token),
    ("POST", "/cgi-bin/stable_token"): ("token", stable_token),
    ("GET", "/sns/jscode2session"): ("jscode2session", jscode2session),
    ("POST", "/wxa/getwxacodeunlimit"): ("wxacode", getwxacodeunlimit),
    ("POST", "/wxa/business/getuserphonenumber"): ("phone", getuserphonenumber),
}


def handle(state: SimState, req: Request) -> Response | None:
    """Answer a WeChat call, or None when the path is not one."""
    route = ROUTES.get((req.method, req.path))
    if route is None:
        return None
    api, view = route
    state.count("calls:" + api, req.query.get("appid") or (req.json() or {}).get("appid") or "*")
    fault = state.take_fault(api)
    faulted = apply_fault(fault)
    if faulted is not None:
        return faulted
    try:
        response = view(state, req)
    except SimError as exc:
        response = wechat_error(exc)
    if fault and fault.get("content_type"):
        response.content_type = fault["content_type"]  # a mislabelled answer, for sniffing tests
    return response
