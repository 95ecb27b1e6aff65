"""/sim/phone: a page that plays the phone, and the JSON proxy it calls.

The page calls ScanLogin's mini-program API exactly as the real mini-program would. The calls go
through the simulator (server side) to avoid CORS: the simulator draws the wx.login or
getPhoneNumber code for the chosen user, then POSTs to {scanlogin_url}/api/miniprogram/*.
"""
import html
from pathlib import Path

import requests

from .http import Request, Response
from .state import SimInputError, SimState

PAGE = Path(__file__).with_name("phone.html")
PROXY_TIMEOUT = (3.0, 30.0)


def page(state: SimState, req: Request) -> Response:
    text = PAGE.read_text(encoding="utf-8").replace("{{SCANLOGIN_URL}}", html.escape(state.scanlogin_url))
    return Response(body=text.encode(), content_type="text/html; charset=utf-8")


def call_scanlogin(state: SimState, path: str, payload: dict) -> Response:
    """POST to ScanLogin and hand its answer (or the failure) back to the page as JSON."""
    url = f"{state.scanlogin_url}/api/miniprogram/{path}"
    try:
        answer = requests.post(url, json=payload, timeout=PROXY_TIMEOUT)
    except requests.RequestException as exc:
        return Response.json({"url": url, "sent": payload, "status": None,
                              "answer": {"error": "scanlogin_unreachable", "message": type(exc).__name__}})
    try:
        body = answer.json()
    except ValueError:
        kind = answer.headers.get("Content-Type", "no content type").split(";")[0]
        body = {"error": "not_json", "message": f"ScanLogin answered HTTP {answer.status_code} with {kind}, not JSON"}
    return Response.json({"url": url, "sent": payload, "status": answer.status_code, "answer": body})


def _body(req: Request) -> dict:
    body = req.json()
    if body is None:
        raise SimInputError("send a JSON object")
    return body


def scan(state: SimState, req: Request) -> Response:
    body = _body(req)
    if not body.get("scene"):
        raise SimInputError("scene is required")
    code = state.issue_code(appid=body.get("appid", ""), kind="login", user_id=str(body.get("user") or ""))
    return call_scanlogin(state, "scan", {"scene": body["scene"], "code": code})


def confirm(state: SimState, req: Request) -> Response:
    body = _body(req)
    code = state.issue_code(appid=body.get("appid", ""), kind="phone", user_id=str(body.get("user") or ""))
    return call_scanlogin(state, "confirm", {"scan_token": body.get("scan_token", ""), "phone_code": code})


def cancel(state: SimState, req: Request) -> Response:
    return call_scanlogin(state, "cancel", {"scan_token": _body(req).get("scan_token", "")})


ROUTES = {
    ("GET", "/sim/phone"): page,
    ("POST", "/sim/phone/scan"): scan,
    ("POST", "/sim/phone/confirm"): confirm,
    ("POST", "/sim/phone/cancel"): cancel,
}


def handle(state: SimState, req: Request) -> Response | None:
    view = ROUTES.get((req.method, req.path))
    if view is None:
        return None
    try:
        return view(state, req)
    except SimInputError as exc:
        return Response.error("invalid_request", str(exc))
