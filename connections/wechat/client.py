"""The WeChat server API client ScanLogin uses: token, code2Session, getUnlimited, phone number.

The base URL comes from settings (`WECHAT_API_BASE`), so the same code talks to WeChat or to
the simulator. See the README's WeChat section for the facts each call relies on.
"""
from dataclasses import dataclass, field

from django.conf import settings

from scanlogin.fallback import shared_cache

from . import transport
from .errors import (
    WeChatError,
    WeChatTokenInvalid,
    WeChatUnavailable,
    WeChatWatermarkMismatch,
)
from .quota import quota_spend
from .scene import validate_scene
from .tokens import TokenStore, token_cache_key, token_cache_keys

TOKEN_ENDPOINTS = ("token", "stable_token")
IMAGE_MAGIC = transport.IMAGE_MAGIC


@dataclass(frozen=True)
class SessionInfo:
    openid: str
    unionid: str
    session_key: str = field(repr=False)


@dataclass(frozen=True)
class PhoneInfo:
    phone_number: str
    pure_phone_number: str
    country_code: str


def is_image(body: bytes) -> bool:
    return body.startswith(IMAGE_MAGIC)


class WeChatClient:
    """Calls WeChat for one mini-program (AppID + AppSecret)."""

    def __init__(self, app_id: str, app_secret: str, *, base_url: str | None = None, cache=None,
                 token_endpoint: str | None = None):
        self.app_id = app_id
        self._secret = app_secret
        self.base_url = (base_url or settings.WECHAT_API_BASE).rstrip("/")
        self.token_endpoint = token_endpoint or settings.WECHAT_TOKEN_ENDPOINT
        if self.token_endpoint not in TOKEN_ENDPOINTS:
            raise ValueError(f"token_endpoint must be one of {TOKEN_ENDPOINTS}")
        key = token_cache_key(app_id=app_id, secret=app_secret, base_url=self.base_url, endpoint=self.token_endpoint)
        connect, read = transport.timeouts()
        self._tokens = TokenStore(cache=cache or shared_cache, key=key, fetch=self._fetch_token,
                                  wait_timeout=3 * (connect + read) + 2)

    def __repr__(self):
        return f"<WeChatClient {self.app_id} via {self.token_endpoint}>"

    # -- access token -------------------------------------------------------------------

    def access_token(self) -> str:
        """The shared cached token of this AppID and secret, fetched once across processes when missing."""
        return self._tokens.get()

    def forget_token(self) -> None:
        """Drop the cached token of this AppID and secret (and its lock and shared failure)."""
        self._tokens.cache.delete_many(token_cache_keys(self._tokens.key))

    def check_credentials(self) -> None:
        """Ask WeChat now whether it accepts this AppID and secret from this server; raises its WeChatError.

        A configuration check, not a refresh: it asks `stable_token` without force, for which WeChat
        checks the AppID, the secret, its freeze and the IP whitelist like any token fetch but hands
        out the current stable token rather than a new one, so no token anybody holds (this one's or
        another system's of the same mini-program) is invalidated. It spends the "token" budget. A
        failure goes to the caller only: it is never shared through the cache, so a wrong secret
        being checked neither fails nor delays logins waiting for this AppID's token. A success is
        stored like any fetched stable token.
        """
        stable = self if self.token_endpoint == "stable_token" else WeChatClient(
            self.app_id, self._secret, base_url=self.base_url, cache=self._tokens.cache, token_endpoint="stable_token")
        body = {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret, "force_refresh": False}
        # One attempt: whoever asked is waiting for the verdict, and may simply ask again.
        response = self._send("POST", "/cgi-bin/stable_token", api="token", retry=False, json=body)
        token, expires_in = self._token_answer(transport.parse_json(response, "token"))
        stable._tokens.store(token, expires_in)

    def _send(self, method: str, path: str, *, api: str, retry: bool, **kwargs):
        """One WeChat call, spent from this AppID's budget first (WECHAT_QUOTA; refused without calling WeChat)."""
        quota_spend(app_id=self.app_id, api=api)
        return transport.send(method, self._url(path), api=api, retry=retry, **kwargs)

    def _fetch_token(self, *, stale: str | None) -> tuple[str, int]:
        if self.token_endpoint == "stable_token":
            token, expires_in = self._stable_token(force=False)
            if token == stale:  # WeChat still hands out the token it just refused: force a new one
                token, expires_in = self._stable_token(force=True)
            return token, expires_in
        response = self._send("GET", "/cgi-bin/token", api="token", retry=True, params={
            "grant_type": "client_credential", "appid": self.app_id, "secret": self._secret})
        return self._token_answer(transport.parse_json(response, "token"))

    def _stable_token(self, *, force: bool) -> tuple[str, int]:
        body = {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret,
                "force_refresh": force}
        # A forced refresh is rationed (30 s apart): never repeat one blindly after a timeout.
        response = self._send("POST", "/cgi-bin/stable_token", api="token", retry=not force, json=body)
        return self._token_answer(transport.parse_json(response, "token"))

    @staticmethod
    def _token_answer(data: dict) -> tuple[str, int]:
        token, expires_in = data.get("access_token"), data.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise WeChatUnavailable(-1, "token answer without access_token/expires_in", "token")
        return token, expires_in

    def _with_token(self, call):
        """Run call(token); on an invalid/expired token drop it, fetch another and retry once."""
        token = self.access_token()
        try:
            return call(token)
        except WeChatTokenInvalid:
            self._tokens.drop(token)
            return call(self._tokens.refresh(stale=token))

    # -- calls ----------------------------------------------------------------------------

    def code2session(self, js_code: str) -> SessionInfo:
        """Exchange a wx.login code (single use: never retried) for openid/unionid/session_key."""
        response = self._send("GET", "/sns/jscode2session", api="jscode2session", retry=False, params={
            "appid": self.app_id, "secret": self._secret, "js_code": js_code, "grant_type": "authorization_code"})
        data = transport.parse_json(response, "jscode2session")
        if not data.get("openid") or not data.get("session_key"):
            raise WeChatUnavailable(-1, "jscode2session answer without openid", "jscode2session")
        return SessionInfo(openid=data["openid"], unionid=data.get("unionid") or "", session_key=data["session_key"])

    def phone_number(self, code: str) -> PhoneInfo:
        """The verified phone for a getPhoneNumber code (single use: only a token error retries)."""

        def call(token):
            response = self._send("POST", "/wxa/business/getuserphonenumber", api="phone",
                                  retry=False, params={"access_token": token}, json={"code": code})
            return transport.parse_json(response, "phone")

        info = self._with_token(call).get("phone_info")
        if not isinstance(info, dict) or not info.get("purePhoneNumber"):
            raise WeChatUnavailable(-1, "phone answer without phone_info", "phone")
        watermark = info.get("watermark") or {}
        if watermark.get("appid") != self.app_id:
            raise WeChatWatermarkMismatch(40029, "phone number watermark names another AppID", "phone")
        return PhoneInfo(phone_number=str(info.get("phoneNumber") or info["purePhoneNumber"]),
                         pure_phone_number=str(info["purePhoneNumber"]),
                         country_code=str(info.get("countryCode") or ""))

    def wxacode(self, *, scene: str, page: str | None = None, width: int = 430, check_path: bool = False,
                env_version: str | None = None) -> bytes:
        """Draw an unlimited mini-program code; returns the image bytes (PNG or JPEG)."""
        validate_scene(scene)
        body = {"scene": scene, "width": width, "check_path": check_path}
        if page:
            body["page"] = page
        if env_version:
            body["env_version"] = env_version

        def call(token):
            response = self._send("POST", "/wxa/getwxacodeunlimit", api="wxacode", retry=True,
                                  params={"access_token": token}, json=body)
            return self._image_or_error(response)

        return self._with_token(call)

    @staticmethod
    def _image_or_error(response) -> bytes:
        """Success is image bytes, failure is JSON; decided by Content-Type and by the bytes themselves."""
        body = response.content
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if response.status_code == 200 and is_image(body):
            return body  # the magic bytes decide even when the Content-Type is wrong
        transport.parse_json(response, "wxacode")  # raises the typed error of a JSON error answer
        raise WeChatUnavailable(-1, f"expected an image, got {content_type or 'no content type'}", "wxacode")

    def _url(self, path: str) -> str:
        return self.base_url + path


def client_for_connection(connection) -> WeChatClient:
    """A client with the connection's AppID/secret (its own or the platform default)."""
    app_id, app_secret = connection.wechat_credentials()
    return WeChatClient(app_id, app_secret, base_url=settings.WECHAT_API_BASE)


def forget_cached_tokens(*, app_id: str, app_secret: str) -> None:
    """Drop the cached access tokens (classic and stable) fetched with these credentials: a connection's
    secret changed, so nothing fetched with the old one may be used again."""
    for endpoint in TOKEN_ENDPOINTS:
        WeChatClient(app_id, app_secret, base_url=settings.WECHAT_API_BASE, token_endpoint=endpoint).forget_token()


__all__ = ["PhoneInfo", "SessionInfo", "WeChatClient", "WeChatError", "client_for_connection"]
