"""The mini-program's API (/api/miniprogram/scan|confirm|cancel): thin JSON views over hostedlogin/phone.py."""
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.regions import region_for_ip
from connections.wechat.errors import (
    WeChatCodeInvalid,
    WeChatCredentialsInvalid,
    WeChatError,
    WeChatInvalidRequest,
    WeChatQuotaExhausted,
    WeChatRateLimited,
    WeChatUserBlocked,
)
from scanlogin.errors import ServiceError
from scanlogin.ratelimit import from_ip, limit_requests, rate_check

from .jsonio import error, error_response, read_json
from .phone import ticket_cancel, ticket_confirm, ticket_scan

WECHAT_ERRORS = [  # (class, HTTP status, stable code, message); the first match wins
    (WeChatQuotaExhausted, 503, "wechat_quota_exhausted", _("Too many logins right now. Try again in a minute.")),
    (WeChatCodeInvalid, 400, "wechat_code_invalid", _("The WeChat code is invalid, expired or already used.")),
    (WeChatRateLimited, 429, "wechat_rate_limited", _("WeChat is limiting requests; try again shortly.")),
    (WeChatCredentialsInvalid, 502, "wechat_misconfigured", _("This login method is misconfigured (WeChat refused its credentials).")),
    (WeChatUserBlocked, 403, "wechat_user_blocked", _("WeChat refused this user (risk control).")),
    (WeChatInvalidRequest, 502, "wechat_misconfigured", _("WeChat refused the request; the mini-program may be misconfigured.")),
    (WeChatError, 502, "wechat_unavailable", _("WeChat is unavailable; try again shortly.")),
]


def wechat_error_response(exc: WeChatError, *, detail: dict | None = None) -> JsonResponse:
    """A WeChat failure as the contract's error (never the raw errmsg: it may echo a code or token).
    `detail` (Try login only: console staff) is added as `"detail"`."""
    status, code, message = next(((s, c, m) for cls, s, c, m in WECHAT_ERRORS if isinstance(exc, cls)), WECHAT_ERRORS[-1][1:])
    response = error(code, status, message)
    if detail is not None:
        response = JsonResponse({"error": code, "message": str(message), "detail": detail}, status=status)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _run(request, fields, action):
    try:
        return action(read_json(request, fields))
    except ServiceError as exc:
        return error_response(exc)
    except WeChatError as exc:
        return wechat_error_response(exc)


def _scan_answer(ticket, token) -> JsonResponse:
    return JsonResponse({
        "scan_token": token,
        "expires_in": max(0, int((ticket.expires_at - timezone.now()).total_seconds())),
        "app": {"name": ticket.application.name},
        "pool": {"name": ticket.pool.name},
        "connection": {"display_name": ticket.connection.display_name},
        # The raw User-Agent: the mini-program names the browser in the phone's language. The
        # region says where the IP is (accounts.regions): what the user checks against "is it me?".
        "client": {"ip": ticket.ip or "", "user_agent": ticket.user_agent, "region": region_for_ip(ticket.ip)},
    })


per_ip = limit_requests(("miniprogram_per_ip", from_ip))


def _scan_token_counted(scan_token: str) -> str:
    """Count a confirm/cancel against its scan token's limit (a scan token is tried a few times, not hammered)."""
    rate_check("miniprogram_per_scan_token", scan_token)
    return scan_token


@csrf_exempt
@require_POST
@per_ip
def scan(request):
    """{scene, code} → the scan token and what the phone shows before the user confirms."""
    return _run(request, {"scene": (str, 32, True), "code": (str, 256, True)},
                lambda d: _scan_answer(*ticket_scan(scene=d["scene"], code=d["code"])))


@csrf_exempt
@require_POST
@per_ip
def confirm(request):
    """{scan_token, phone_code} → confirmed, or 403 login_only / user_blocked (ticket rejected)."""
    def run(data):
        ticket_confirm(scan_token=_scan_token_counted(data["scan_token"]), phone_code=data["phone_code"])
        return JsonResponse({"status": "confirmed"})

    return _run(request, {"scan_token": (str, 128, True), "phone_code": (str, 256, True)}, run)


@csrf_exempt
@require_POST
@per_ip
def cancel(request):
    """{scan_token} → cancelled."""
    def run(data):
        ticket_cancel(scan_token=_scan_token_counted(data["scan_token"]))
        return JsonResponse({"status": "cancelled"})

    return _run(request, {"scan_token": (str, 128, True)}, run)
