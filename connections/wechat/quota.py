"""A budget of WeChat calls per AppID and API, spent before WeChat's own limits are reached.

WeChat limits some calls per AppID (getwxacodeunlimit about 5,000 a minute, the access token
about 2,000 a day), and every tenant on the platform's default mini-program shares one AppID.
`quota_spend` counts each call against `WECHAT_QUOTA[api]` (a rate string; empty: no budget) in
the shared counters of scanlogin/ratelimit.py; once the budget is spent the call is refused with
WeChatQuotaExhausted (503 wechat_quota_exhausted, Retry-After) without calling WeChat.

Every refusal is announced on `quota_refused` (kwargs app_id, api, retry_after): the place to count
them (metrics, alerts). The scan flow also writes a login event for it.
"""
from django.conf import settings
from django.dispatch import Signal

from scanlogin.ratelimit import spend, usage

from .errors import WeChatQuotaExhausted

quota_refused = Signal()  # sent with app_id, api, retry_after each time a call is refused for its budget


def quota_spend(*, app_id: str, api: str) -> None:
    """Count one `api` call of `app_id`; raise WeChatQuotaExhausted when its budget is spent."""
    wait = spend(quota_rate(api), "wechat-quota", f"{api}:{app_id}")
    if wait is not None:
        quota_refused.send(sender=WeChatQuotaExhausted, app_id=app_id, api=api, retry_after=wait)
        raise WeChatQuotaExhausted(api=api, retry_after=wait)


def quota_rate(api: str) -> str:
    return getattr(settings, "WECHAT_QUOTA", {}).get(api) or ""


def quota_usage(*, app_id: str, api: str) -> list[dict]:
    """How much of `api`'s budget `app_id` has spent in each current window (read, never counted):
    [{"limit", "used", "window", "reset_in"}], empty when the call has no budget."""
    return usage(quota_rate(api), "wechat-quota", f"{api}:{app_id}")
