"""The simulator's world, in memory behind one lock: apps, users, codes, tokens, faults.

Everything is plain data so tests can look at it directly (`sim.state`) as well as over HTTP.
Time is `time.time()` plus a test-only clock offset, so expiry can be tested without waiting.
"""
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field

CODE_TTL = 300               # wx.login and getPhoneNumber codes live 5 minutes
TOKEN_TTL = 7200
STABLE_REUSE_WINDOW = 300    # stable_token hands out the same token until 5 minutes before expiry
STABLE_FORCE_INTERVAL = 30   # forced stable refreshes must be 30 s apart
CODE2SESSION_PER_MINUTE = 100
DEFAULT_PAGES = ("pages/index/index", "pages/login/login")


class SimError(Exception):
    """A WeChat-shaped error answer: {"errcode", "errmsg"}."""

    def __init__(self, errcode: int, errmsg: str):
        super().__init__(errmsg)
        self.errcode, self.errmsg = errcode, errmsg

    def answer(self) -> dict:
        return {"errcode": self.errcode, "errmsg": f"{self.errmsg} rid: {secrets.token_hex(4)}"}


class SimInputError(Exception):
    """Bad input to a /sim/* route (answered 400 {"error", "message"})."""


@dataclass
class App:
    appid: str
    secret: str
    token_ttl: int = TOKEN_TTL
    pages: tuple = DEFAULT_PAGES
    unionid: bool = True     # bound to an Open Platform account: jscode2session answers a unionid
    ip_whitelist: tuple = ()  # when set, only these caller IPs may use the AppSecret (else 40164)
    secret_frozen: bool = False  # the AppSecret is frozen in the admin console (40243)


@dataclass
class User:
    id: str
    phone: str
    unionid: str
    nickname: str
    blocked: bool = False
    openids: dict = field(default_factory=dict)   # explicit openids per AppID

    def openid_for(self, appid: str) -> str:
        if appid in self.openids:
            return self.openids[appid]
        digest = hashlib.sha256(f"{self.id}:{appid}".encode()).hexdigest()
        return "o" + digest[:27]

    def public(self, appids) -> dict:
        return {"id": self.id, "phone": self.phone, "unionid": self.unionid, "nickname": self.nickname,
                "blocked": self.blocked, "openids": {a: self.openid_for(a) for a in appids}}


@dataclass
class Code:
    code: str
    appid: str
    user_id: str
    kind: str
    expires_at: float
    used: bool = False
    watermark_appid: str = ""


@dataclass
class Token:
    appid: str
    kind: str          # "token" or "stable_token"
    expires_at: float
    revoked: bool = False


class SimState:
    """All simulator state. Every public method takes the lock."""

    def __init__(self):
        self.lock = threading.RLock()
        self.scanlogin_url = "http://127.0.0.1:8000"  # where /sim/phone sends the mini-program's calls
        self.reset()

    def reset(self):
        with self.lock:
            self.apps: dict[str, App] = {}
            self.default_appid = ""
            self.users: dict[str, User] = {}
            self.codes: dict[str, Code] = {}
            self.tokens: dict[str, Token] = {}
            self.stable_forced_at: dict[str, float] = {}
            self.wxacodes: list[dict] = []
            self.faults: list[dict] = []
            self.stats: dict[str, dict[str, int]] = {}
            self.session_calls: dict[str, list[float]] = {}
            self.clock_offset = 0.0
            self.next_user = 1

    def now(self) -> float:
        return time.time() + self.clock_offset

    def count(self, what: str, appid: str) -> None:
        with self.lock:
            per_app = self.stats.setdefault(what, {})
            per_app[appid] = per_app.get(appid, 0) + 1

    # -- apps and users --------------------------------------------------------------------

    def register_app(self, appid: str, secret: str, *, token_ttl: int | None = None, pages=None,
                     default: bool = False, unionid: bool = True, ip_whitelist=None,
                     secret_frozen: bool = False) -> App:
        """Register (or replace) a mini-program. `ip_whitelist`: the IPs allowed to call with its
        secret (empty: any); `secret_frozen`: the secret is frozen, as WeChat's admin console can do."""
        if not appid or not secret:
            raise SimInputError("appid and secret are required")
        if ip_whitelist is not None and (not isinstance(ip_whitelist, (list, tuple))
                                         or not all(isinstance(ip, str) for ip in ip_whitelist)):
            raise SimInputError("ip_whitelist must be a list of IP addresses")
        if pages is not None and (not isinstance(pages, (list, tuple)) or not all(isinstance(p, str) for p in pages)):
            raise SimInputError("pages must be a list of page paths")
        if token_ttl is not None and int(token_ttl) < 1:
            raise SimInputError("token_ttl must be at least 1 second")
        with self.lock:
            app = App(appid=appid, secret=secret, token_ttl=int(token_ttl or TOKEN_TTL),
                      pages=tuple(pages) if pages else DEFAULT_PAGES, unionid=unionid,
                      ip_whitelist=tuple(ip_whitelist or ()), secret_frozen=bool(secret_frozen))
            self.apps[appid] = app
            if default or not self.default_appid:
                self.default_appid = appid
            return app

    def create_user(self, *, phone: str, appid: str = "", openid: str = "", unionid: str = "",
                    nickname: str = "", blocked: bool = False) -> User:
        if not phone:
            raise SimInputError("phone is required")
        with self.lock:
            user_id = str(self.next_user)
            self.next_user += 1
            user = User(id=user_id, phone=str(phone), nickname=nickname or "微信用户", blocked=bool(blocked),
                        unionid=unionid or "oU" + hashlib.sha256(f"union:{user_id}:{phone}".encode()).hexdigest()[:26])
            if openid:
                target = appid or self.default_appid
                if self.find_user(target, openid):
                    raise SimInputError(f"openid {openid} is already used for {target}")
                user.openids[target] = openid
            self.users[user_id] = user
            return user

    def find_user(self, appid: str, openid: str) -> User | None:
        with self.lock:
            return next((u for u in self.users.values() if u.openid_for(appid) == openid), None)

    def users_public(self) -> list[dict]:
        with self.lock:
            return [u.public(self.apps) for u in self.users.values()]

    # -- codes -----------------------------------------------------------------------------

    def issue_code(self, *, appid: str, kind: str, user_id: str = "", openid: str = "", ttl: float | None = None,
                   watermark_appid: str = "") -> str:
        if kind not in ("login", "phone"):
            raise SimInputError('kind must be "login" or "phone"')
        with self.lock:
            appid = appid or self.default_appid
            if appid not in self.apps:
                raise SimInputError(f"unknown appid {appid}")
            user = self.users.get(str(user_id)) if user_id else self.find_user(appid, openid)
            if user is None:
                raise SimInputError("unknown user/openid for this appid")
            code = secrets.token_urlsafe(24)
            self.codes[code] = Code(code=code, appid=appid, user_id=user.id, kind=kind,
                                    expires_at=self.now() + (CODE_TTL if ttl is None else float(ttl)),
                                    watermark_appid=watermark_appid)
            return code

    def redeem_code(self, code: str, *, appid: str, kind: str) -> User:
        """Use a code once: 40029 unknown/expired/other app/other kind, 40163 already used."""
        with self.lock:
            found = self.codes.get(code or "")
            if found is None or found.kind != kind or found.appid != appid:
                raise SimError(40029, "invalid code")
            if found.used:
                raise SimError(40163, "code been used")
            if found.expires_at <= self.now():
                raise SimError(40029, "invalid code, code expired")
            found.used = True
            return self.users[found.user_id]

    def code_owner(self, code: str) -> str:
        """The user id a code belongs to ("" if unknown), without using the code."""
        with self.lock:
            found = self.codes.get(code or "")
            return found.user_id if found else ""

    def code_watermark(self, code: str) -> str:
        with self.lock:
            found = self.codes.get(code)
            return found.watermark_appid if found else ""

    # -- tokens ----------------------------------------------------------------------------

    def check_app(self, appid: str, secret: str, client_ip: str = "") -> App:
        """The app these credentials name, checked as WeChat does: 40013 unknown AppID, 40125 wrong
        secret, 40243 frozen secret, 40164 caller IP not in the app's whitelist (WeChat names the IP)."""
        with self.lock:
            app = self.apps.get(appid or "")
            if app is None:
                raise SimError(40013, "invalid appid")
            if not secrets.compare_digest(app.secret.encode(), (secret or "").encode()):
                raise SimError(40125, "invalid appsecret")
            if app.secret_frozen:
                raise SimError(40243, "AppSecret has been frozen, please unfreeze it in the admin console")
            if app.ip_whitelist and client_ip not in app.ip_whitelist:
                raise SimError(40164, f"invalid ip {client_ip} ipv6 ::ffff:{client_ip}, not in whitelist")
            return app

    def issue_token(self, app: App, kind: str) -> tuple[str, int]:
        with self.lock:
            if kind == "token":  # a new classic token replaces the previous (no overlap here)
                for tok in self.tokens.values():
                    if tok.appid == app.appid and tok.kind == "token":
                        tok.revoked = True
            token = secrets.token_urlsafe(48)
            self.tokens[token] = Token(appid=app.appid, kind=kind, expires_at=self.now() + app.token_ttl)
            self.count("token_fetches" if kind == "token" else "stable_token_fetches", app.appid)
            return token, app.token_ttl

    def stable_token(self, app: App, force: bool) -> tuple[str, int]:
        with self.lock:
            now = self.now()
            current = [(t, rec) for t, rec in self.tokens.items()
                       if rec.appid == app.appid and rec.kind == "stable_token" and not rec.revoked
                       and rec.expires_at > now]
            if force:
                last = self.stable_forced_at.get(app.appid)
                if last is not None and now - last < STABLE_FORCE_INTERVAL:
                    raise SimError(45009, "reach max api daily quota limit (forced refresh too frequent)")
                self.stable_forced_at[app.appid] = now
                for _t, rec in current:
                    rec.revoked = True
            else:
                window = min(STABLE_REUSE_WINDOW, app.token_ttl / 2)
                for token, rec in current:
                    if rec.expires_at - now > window:
                        return token, int(rec.expires_at - now)
            return self.issue_token(app, "stable_token")

    def check_token(self, token: str) -> App:
        with self.lock:
            rec = self.tokens.get(token or "")
            if rec is None or rec.revoked:
                raise SimError(40001, "invalid credential, access_token is invalid or not latest")
            if rec.expires_at <= self.now():
                raise SimError(42001, "access_token expired")
            return self.apps[rec.appid]

    def expire_tokens(self, appid: str = "") -> int:
        with self.lock:
            hit = [rec for rec in self.tokens.values() if not appid or rec.appid == appid]
            for rec in hit:
                rec.expires_at = min(rec.expires_at, self.now())
            return len(hit)

    # -- rate limits, faults and records ---------------------------------------------------

    def session_rate_ok(self, key: str) -> bool:
        with self.lock:
            now = self.now()
            recent = [t for t in self.session_calls.get(key, []) if now - t < 60]
            recent.append(now)
            self.session_calls[key] = recent
            return len(recent) <= CODE2SESSION_PER_MINUTE

    def add_fault(self, fault: dict) -> None:
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, api: str) -> dict | None:
        with self.lock:
            for fault in self.faults:
                if fault["api"] == api and fault["count"] > 0:
                    fault["count"] -= 1
                    return dict(fault)
            return None

    def record_wxacode(self, **entry) -> None:
        with self.lock:
            self.wxacodes.insert(0, entry)
            del self.wxacodes[200:]
