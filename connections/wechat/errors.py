"""Typed WeChat errors.

Every failure of a WeChat call becomes one of these, carrying WeChat's `errcode` and `errmsg`
and the name of the call. Callers catch the class that says what to do (tell the user the code
is invalid, try again later, fix the configuration) instead of reading numbers. Messages never
hold an AppSecret, an access token or a URL: the client builds them from scrubbed parts only.
"""
import re

_SECRET_PARAM = re.compile(r"(?i)\b(secret|access_token|js_code|code|session_key)=([^&\s\"']+)")


def scrub(text: str) -> str:
    """Redact secret-bearing query parameters from any text that might reach a log or a message."""
    return _SECRET_PARAM.sub(r"\1=***", str(text))


class WeChatError(Exception):
    """A WeChat call failed. `.errcode` and `.errmsg` are WeChat's; `.api` names the call."""

    def __init__(self, errcode: int, errmsg: str = "", api: str = ""):
        self.errcode = int(errcode)
        self.errmsg = scrub(errmsg)[:300]
        self.api = api
        super().__init__(f"WeChat {api or 'call'} failed: errcode {self.errcode}: {self.errmsg}")


class WeChatCodeInvalid(WeChatError):
    """The login or phone code is invalid, expired, used, missing or of another AppID (40029, 40163, 41008)."""


class WeChatWatermarkMismatch(WeChatCodeInvalid):
    """The phone answer's watermark names another AppID: refuse it as an invalid code."""


class WeChatRateLimited(WeChatError):
    """WeChat's frequency limit was hit (45011, 45009): try again later."""


class WeChatCredentialsInvalid(WeChatError):
    """AppID/AppSecret/IP whitelist problem (40013, 40125, 40164, 40243): a configuration error, never retried."""


class WeChatInvalidRequest(WeChatError):
    """The request was refused as malformed: page (41030), scene (40169, 40129), arguments (40097, 47001)."""


class WeChatUserBlocked(WeChatError):
    """WeChat flagged the user as high-risk (40226)."""


class WeChatUnavailable(WeChatError):
    """WeChat is busy (-1), unreachable, timed out, or answered something that is not WeChat's JSON."""


class WeChatUnreachable(WeChatUnavailable):
    """No answer at all: the connection failed or timed out (WeChat gave no errcode)."""


class WeChatQuotaExhausted(WeChatError):
    """ScanLogin's own budget for this AppID and call is spent (WECHAT_QUOTA): WeChat was not called.

    `retry_after` is the number of seconds until the budget's window opens again.
    """

    def __init__(self, *, api: str, retry_after: int):
        super().__init__(0, f"budget for {api} spent", api)
        self.retry_after = retry_after
        self.event_reason = f"wechat_quota_exhausted:{api}"


class WeChatTokenInvalid(WeChatError):
    """The access token is invalid or expired (40001, 40014, 42001); the client refreshes and retries once."""


ERRCODE_CLASSES: dict[int, type[WeChatError]] = {
    40029: WeChatCodeInvalid,
    40163: WeChatCodeInvalid,
    41008: WeChatCodeInvalid,        # missing code
    45011: WeChatRateLimited,
    45009: WeChatRateLimited,
    40013: WeChatCredentialsInvalid,
    40125: WeChatCredentialsInvalid,
    40164: WeChatCredentialsInvalid,
    40243: WeChatCredentialsInvalid,
    41030: WeChatInvalidRequest,
    40169: WeChatInvalidRequest,
    40129: WeChatInvalidRequest,
    40097: WeChatInvalidRequest,
    47001: WeChatInvalidRequest,     # body is not the JSON WeChat expects
    40226: WeChatUserBlocked,
    -1: WeChatUnavailable,
    40001: WeChatTokenInvalid,
    40014: WeChatTokenInvalid,
    42001: WeChatTokenInvalid,
}


def error_for(errcode: int, errmsg: str, api: str) -> WeChatError:
    """The typed exception for a WeChat error answer."""
    return ERRCODE_CLASSES.get(int(errcode), WeChatError)(errcode, errmsg, api)
