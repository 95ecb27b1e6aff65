"""The credential check: does WeChat accept this connection's AppID and AppSecret from this server?

The console's "Check credentials" button, `POST /api/v1/connections/<identifier>/check-credentials`
and every save of a private deployment's credentials run `connection_check_credentials`. It asks
WeChat for an access token (connections.wechat.client.WeChatClient.check_credentials: a failure
is never shared through the token cache) and turns WeChat's answer into a verdict with a reason
in words. Each check is counted against RATE_LIMITS["credential_check_per_connection"], and the
fetch itself against the AppID's "token" budget (WECHAT_QUOTA), so a button cannot burn WeChat's
small daily token quota.

A connection on the platform's default mini-program has nothing of its own to check: it is told
whether the platform's credentials work through the shared token the logins use (no new fetch
while one is cached), and that the platform operator fixes them when they do not.
"""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from scanlogin.errors import ServiceError
from scanlogin.ratelimit import rate_check

from .wechat.client import client_for_connection
from .wechat.errors import WeChatError, WeChatQuotaExhausted
from .wechat.hints import egress_ip, errcode_of, wechat_hint

RATE_NAME = "credential_check_per_connection"


@dataclass(frozen=True)
class CredentialCheck:
    ok: bool | None      # None: not checked (too many checks, or the budget is spent)
    app_id: str
    private_deployment: bool
    errcode: int | None = None
    reason: str = ""
    egress_ip: str = ""

    def as_dict(self) -> dict:
        """The API's answer: {"ok": true, …} or {"ok": false, "errcode", "reason", "egress_ip"?, …}
        ({"ok": null, "errcode": null, "reason"} when it could not run)."""
        body = {"ok": self.ok, "app_id": self.app_id, "private_deployment": self.private_deployment}
        if self.ok is not True:
            body.update(errcode=self.errcode, reason=self.reason)
            if self.egress_ip:
                body["egress_ip"] = self.egress_ip
        return body


def connection_check_credentials(*, connection) -> CredentialCheck:
    """Ask WeChat whether it accepts the connection's credentials now.

    Raises RateLimited (429) when the connection was checked too often, and ServiceError 503
    `wechat_quota_exhausted` when the AppID's token budget is spent (WeChat was not asked then).
    """
    rate_check(RATE_NAME, f"{connection.pool_id}:{connection.pk}",
               message=_("The credentials of this connection were checked too often. Wait a moment and try again."))
    client = client_for_connection(connection)
    private = connection.private_deployment
    try:
        if private:
            client.check_credentials()
        else:
            client.access_token()  # the platform's shared token: fetched only when none is cached
    except WeChatQuotaExhausted as exc:
        raise ServiceError("wechat_quota_exhausted", 503, wechat_hint(exc, private=private),
                           retry_after=exc.retry_after) from None
    except WeChatError as exc:
        return CredentialCheck(ok=False, app_id=client.app_id, private_deployment=private, errcode=errcode_of(exc),
                               reason=wechat_hint(exc, private=private), egress_ip=egress_ip(exc))
    return CredentialCheck(ok=True, app_id=client.app_id, private_deployment=private)


def own_credentials(connection) -> tuple[str, str] | None:
    """The connection's own (AppID, AppSecret), None on the platform's mini-program: what a save compares."""
    return connection.wechat_credentials() if connection.private_deployment else None


def connection_check_after_save(*, connection, before: tuple[str, str] | None) -> CredentialCheck | None:
    """The check a save runs when it gave the connection new credentials of its own (`before`:
    own_credentials() before the save; None for a new connection). Returns None when nothing new
    was saved. It only warns: a check that cannot run now (rate limit, spent budget) says so
    (`ok` None) instead of refusing the save."""
    after = own_credentials(connection)
    if after is None or after == before:
        return None
    try:
        return connection_check_credentials(connection=connection)
    except ServiceError as exc:  # RateLimited is one
        return CredentialCheck(ok=None, app_id=connection.app_id, private_deployment=True,
                               reason=_("The credentials were not checked: %(why)s") % {"why": exc.message})
