"""What a WeChat failure means and what to fix, in words for console staff (never for end users).

The credential check and Try login show these; the hosted login shows end users only its friendly
message. A hint names WeChat's errcode and, for 40164, the IP address WeChat saw calling, which
WeChat writes into its errmsg ("invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist").
"""
import ipaddress
import re

from django.utils.translation import gettext as _

from .errors import WeChatError, WeChatQuotaExhausted, WeChatUnreachable

_INVALID_IP = re.compile(r"invalid ip ([0-9A-Fa-f:.]+)")


def egress_ip(exc: WeChatError) -> str:
    """The caller IP WeChat names in a 40164 answer ("" when it names none)."""
    found = _INVALID_IP.search(exc.errmsg or "") if exc.errcode == 40164 else None
    if not found:
        return ""
    try:
        return str(ipaddress.ip_address(found.group(1).rstrip(",.")))
    except ValueError:
        return ""


def errcode_of(exc: WeChatError) -> int | None:
    """WeChat's errcode, or None when WeChat gave none (no answer, or ScanLogin's own budget refused)."""
    return None if isinstance(exc, (WeChatUnreachable, WeChatQuotaExhausted)) else exc.errcode


def _what(exc: WeChatError) -> str:
    code = {"errcode": exc.errcode}
    if exc.errcode == 40164:
        ip = egress_ip(exc)
        if ip:
            return _("WeChat refused calls from this server's IP address %(ip)s (%(errcode)s).") % {**code, "ip": ip}
        return _("WeChat refused calls from this server's IP address (%(errcode)s).") % code
    what = {
        40013: _("WeChat does not know this AppID (%(errcode)s)."),
        40125: _("WeChat refused the AppSecret (%(errcode)s)."),
        40243: _("WeChat says the AppSecret is frozen (%(errcode)s)."),
    }
    return what[exc.errcode] % code


def _credentials_fix(exc: WeChatError, *, private: bool) -> str:
    if not private:
        return _("This connection uses the platform's default mini-program (WECHAT_DEFAULT_APP_ID, "
                 "WECHAT_DEFAULT_APP_SECRET): tell the platform operator.")
    fixes = {
        40013: _("Check the AppID on the connection page: copy it from the mini-program's admin console "
                 "(Development → Development settings)."),
        40125: _("Copy or reset the AppSecret in the mini-program's admin console (Development → Development "
                 "settings) and save it on the connection page."),
        40164: _("Add this server's IP address to the IP whitelist in the mini-program's admin console "
                 "(Development → Development settings → IP whitelist)."),
        40243: _("Unfreeze or reset the AppSecret in the mini-program's admin console, then save the current "
                 "one on the connection page."),
    }
    return fixes[exc.errcode]


CREDENTIAL_ERRCODES = (40013, 40125, 40164, 40243)


def wechat_hint(exc: WeChatError, *, private: bool) -> str:
    """One or two sentences for staff: what WeChat said, with its errcode, and what to fix.
    `private`: the connection uses its own mini-program (else the platform's default one)."""
    if exc.errcode in CREDENTIAL_ERRCODES and not isinstance(exc, WeChatQuotaExhausted):
        return f"{_what(exc)} {_credentials_fix(exc, private=private)}"
    if isinstance(exc, WeChatQuotaExhausted):
        return _("ScanLogin's own budget of WeChat “%(api)s” calls for this AppID is spent (WECHAT_QUOTA); "
                 "it opens again in %(seconds)s seconds.") % {"api": exc.api, "seconds": exc.retry_after}
    if isinstance(exc, WeChatUnreachable):
        return _("WeChat could not be reached (no answer in time). Check that this server can reach WeChat's "
                 "API (outgoing network, proxy, WECHAT_API_BASE) and try again.")
    code = {"errcode": exc.errcode}
    if exc.errcode == 41030:
        return _("WeChat does not find the login page in the released version of the mini-program (%(errcode)s): "
                 "publish a version that contains it, or check WECHAT_MINIPROGRAM_PAGE.") % code
    if exc.errcode in (45009, 45011):
        return _("WeChat's rate limit for this mini-program was reached (%(errcode)s). Wait a minute and try again.") % code
    if exc.errcode == -1:
        return _("WeChat is busy or answered something unexpected (%(errcode)s). Try again in a moment.") % code
    return _("WeChat refused the request (%(errcode)s: %(errmsg)s).") % {**code, "errmsg": exc.errmsg[:120]}
