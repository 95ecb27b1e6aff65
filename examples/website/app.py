"""A sample website that logs its users in with ScanLogin in each of the three ways.

    python examples/website/app.py            # or: make example (next to `make run`)

It is a separate site on its own origin (http://localhost:8002) with its own clients of the demo
pool: `example-site` (confidential, secret `example-site-secret`) and `example-spa` (public, PKCE).
Pages: / (who is logged in, the ID token's claims), /login/redirect (OIDC redirect),
/popup (ScanLogin.loginWithPopup), /embedded (ScanLogin.mountQrCode). It uses the Python standard
library plus Authlib (already installed with ScanLogin) to verify ID tokens against the JWKS.
"""
import argparse
import base64
import hashlib
import html
import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "example_session"


class Config:
    def __init__(self, *, port=8002, host="localhost", scanlogin="http://127.0.0.1:8000", pool="demo",
                 client_id="example-site", client_secret="example-site-secret", public_client_id="example-spa",
                 connection="wechat-pc"):
        self.port, self.host, self.pool, self.connection = port, host, pool, connection
        self.scanlogin = scanlogin.rstrip("/")
        self.client_id, self.client_secret, self.public_client_id = client_id, client_secret, public_client_id

    @property
    def origin(self):
        return f"http://{self.host}:{self.port}"

    @property
    def issuer(self):
        return f"{self.scanlogin}/u/{self.pool}/oidc"

    @property
    def redirect_uri(self):
        return f"{self.origin}/callback"


class OidcError(Exception):
    pass


class Site:
    """The website's server side: sessions in memory, code redemption, ID token verification."""

    def __init__(self, config: Config):
        self.config = config
        self.sessions: dict[str, dict] = {}
        self.lock = threading.Lock()
        self._jwks = None

    # -- OIDC, as any relying party does it
    def _post_form(self, url, data, auth=None):
        req = urllib.request.Request(url, urllib.parse.urlencode(data).encode(), method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        if auth:
            req.add_header("Authorization", "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode())
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as exc:
            body = json.loads(exc.read() or b"{}")
            raise OidcError(f"{body.get('error', exc.code)}: {body.get('error_description', '')}") from None

    def jwks(self, refresh=False):
        if self._jwks is None or refresh:
            with urllib.request.urlopen(f"{self.config.issuer}/jwks.json", timeout=10) as resp:
                self._jwks = JsonWebKey.import_key_set(json.load(resp))
        return self._jwks

    def verify_id_token(self, id_token, *, audience, nonce=None) -> dict:
        """The ID token's claims once its signature (JWKS), issuer, audience, expiry and nonce check out."""
        options = {"iss": {"essential": True, "value": self.config.issuer}, "aud": {"essential": True, "value": audience}}
        if nonce:
            options["nonce"] = {"essential": True, "value": nonce}
        try:
            claims = JsonWebToken(["RS256"]).decode(id_token, self.jwks(), claims_options=options)
            claims.validate(now=int(time.time()), leeway=30)
        except (JoseError, ValueError) as exc:
            raise OidcError(f"invalid ID token: {exc}") from None
        return dict(claims)

    def redeem(self, code, *, code_verifier=None, nonce=None) -> dict:
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.config.redirect_uri}
        if code_verifier:
            data["code_verifier"] = code_verifier
        tokens = self._post_form(f"{self.config.issuer}/token", data, auth=(self.config.client_id, self.config.client_secret))
        return self.verify_id_token(tokens["id_token"], audience=self.config.client_id, nonce=nonce)

    # -- sessions
    def session(self, sid):
        with self.lock:
            return self.sessions.setdefault(sid, {})


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def page(site: Site, title: str, body: str, *, script: str = "") -> str:
    c = site.config
    cfg = json.dumps({"issuer": c.issuer, "clientId": c.client_id, "publicClientId": c.public_client_id,
                      "connection": c.connection, "redirectUri": c.redirect_uri}).replace("<", "\\u003c")
    scripts = (f'<script src="{html.escape(c.scanlogin)}/sdk/scanlogin.js"></script>'
               f'<script id="example-config" type="application/json">{cfg}</script>'
               f'<script src="/static/{script}"></script>') if script else ""
    nav = "".join(f'<a href="{href}">{html.escape(label)}</a>' for href, label in
                  [("/", "Home"), ("/login/redirect", "Redirect"), ("/popup", "Popup"), ("/embedded", "Embedded code")])
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Example shop</title><link rel="stylesheet" href="/static/site.css"></head>
<body><header><strong>Example shop</strong><nav>{nav}</nav></header><main><h1>{html.escape(title)}</h1>{body}</main>{scripts}</body></html>"""


def claims_block(claims: dict | None, via: str = "") -> str:
    if not claims:
        return '<p id="who">Nobody is logged in.</p><pre id="claims" hidden></pre>'
    who = claims.get("phone_number") or claims.get("name") or claims.get("sub")
    return (f'<p id="who">Logged in as <strong>{html.escape(str(who))}</strong> via {html.escape(via or "?")}.</p>'
            f'<h2>ID token claims</h2><pre id="claims">{html.escape(json.dumps(claims, indent=2, ensure_ascii=False))}</pre>'
            '<form method="post" action="/logout"><button type="submit">Log out</button></form>')


class Handler(BaseHTTPRequestHandler):
    site: Site = None  # set by make_server

    def log_message(self, fmt, *args):  # quiet by default
        if os.environ.get("EXAMPLE_LOG"):
            super().log_message(fmt, *args)

    # -- plumbing
    def _sid(self):
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        sid = cookie[COOKIE].value if COOKIE in cookie else ""
        if len(sid) < 20:
            sid = secrets.token_urlsafe(24)
            self._new_sid = sid
        return sid

    def _send(self, status, body, ctype="text/html; charset=utf-8", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if getattr(self, "_new_sid", None):
            self.send_header("Set-Cookie", f"{COOKIE}={self._new_sid}; Path=/; HttpOnly; SameSite=Lax")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status, obj):
        self._send(status, json.dumps(obj), "application/json")

    def _redirect(self, location):
        self._send(302, "", headers={"Location": location})

    # -- routes
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        sid = self._sid()
        session = self.site.session(sid)
        routes = {"/": self.home, "/login/redirect": self.login_redirect, "/callback": self.callback,
                  "/popup": self.popup, "/embedded": self.embedded}
        if url.path in routes:
            return routes[url.path](session, dict(urllib.parse.parse_qsl(url.query)))
        if url.path.startswith("/static/") and (STATIC / url.path[8:]).is_file() and "/" not in url.path[8:]:
            ctype = "text/css" if url.path.endswith(".css") else "text/javascript"
            return self._send(200, (STATIC / url.path[8:]).read_bytes(), ctype)
        self._send(404, page(self.site, "Not found", "<p>No such page.</p>"))

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        session = self.site.session(self._sid())
        if self.headers.get("Origin") not in (None, self.site.config.origin):
            return self._json(403, {"error": "cross_origin"})  # the example's own little CSRF rule
        if url.path == "/logout":
            session.clear()
            return self._redirect("/")
        length = min(int(self.headers.get("Content-Length") or 0), 16384)
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
            if url.path == "/api/redeem":
                claims = self.site.redeem(str(data["code"]), code_verifier=data.get("code_verifier"), nonce=data.get("nonce"))
                via = "embedded code" if data.get("via") == "embedded code" else "popup"
            elif url.path == "/api/verify":
                claims = self.site.verify_id_token(str(data["id_token"]), audience=self.site.config.public_client_id, nonce=data.get("nonce"))
                via = "popup (public client)"
            else:
                return self._json(404, {"error": "not_found"})
        except (KeyError, ValueError, TypeError):
            return self._json(400, {"error": "invalid_request"})
        except OidcError as exc:
            return self._json(400, {"error": "login_failed", "message": str(exc)})
        session.update(claims=claims, via=via)
        self._json(200, {"claims": claims})

    def home(self, session, query):
        body = claims_block(session.get("claims"), session.get("via", "")) + (
            "<p>Log in with one of the three ways ScanLogin offers:</p><ul class='modes'>"
            "<li><a id='mode-redirect' href='/login/redirect'>Redirect</a> — the whole page goes to the hosted login and comes back (OIDC).</li>"
            "<li><a id='mode-popup' href='/popup'>Popup</a> — the hosted login opens in a small window (<code>ScanLogin.loginWithPopup</code>).</li>"
            "<li><a id='mode-embedded' href='/embedded'>Embedded code</a> — the QR code is drawn in this site's own page (<code>ScanLogin.mountQrCode</code>).</li></ul>")
        self._send(200, page(self.site, "Welcome", body))

    def login_redirect(self, session, query):
        c = self.site.config
        verifier, challenge = pkce_pair()
        session["pending"] = {"state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16), "verifier": verifier}
        params = {"response_type": "code", "client_id": c.client_id, "redirect_uri": c.redirect_uri, "scope": "openid profile phone",
                  "state": session["pending"]["state"], "nonce": session["pending"]["nonce"],
                  "code_challenge": challenge, "code_challenge_method": "S256"}
        self._redirect(f"{c.issuer}/authorize?{urllib.parse.urlencode(params)}")

    def callback(self, session, query):
        pending = session.pop("pending", None)
        if not pending or query.get("state") != pending["state"]:
            return self._send(400, page(self.site, "Login failed", "<p id='error'>Unknown or stale login (state).</p>"))
        if "error" in query:
            return self._send(400, page(self.site, "Login failed", f"<p id='error'>{html.escape(query['error'])}</p>"))
        try:
            claims = self.site.redeem(query.get("code", ""), code_verifier=pending["verifier"], nonce=pending["nonce"])
        except OidcError as exc:
            return self._send(400, page(self.site, "Login failed", f"<p id='error'>{html.escape(str(exc))}</p>"))
        session.update(claims=claims, via="redirect")
        self._redirect("/")

    def popup(self, session, query):
        body = (claims_block(session.get("claims"), session.get("via", "")) +
                "<p>The hosted login opens in a popup; this page stays where it is.</p>"
                "<p><button id='popup-confidential' type='button'>Log in with WeChat (popup)</button> "
                "<button id='popup-public' type='button'>Popup as a public client (PKCE in the browser)</button></p>"
                "<p id='status' role='status'></p>")
        self._send(200, page(self.site, "Popup login", body, script="popup.js"))

    def embedded(self, session, query):
        if session.get("claims"):  # logged in: no code to scan
            return self._send(200, page(self.site, "Log in with WeChat", claims_block(session["claims"], session.get("via", ""))))
        body = (claims_block(None) +
                "<div class='embed'><div id='qr-login'></div><div><h2>Scan to log in</h2>"
                "<p>The code is drawn by ScanLogin's SDK inside this page and refreshes itself when it expires.</p>"
                "<p id='status' role='status'></p></div></div>")
        self._send(200, page(self.site, "Log in with WeChat", body, script="embedded.js"))


def make_server(config: Config) -> ThreadingHTTPServer:
    handler = type("SiteHandler", (Handler,), {"site": Site(config)})
    server = ThreadingHTTPServer((config.host if config.host != "localhost" else "127.0.0.1", config.port), handler)
    server.daemon_threads = True
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("EXAMPLE_PORT", 8002)))
    parser.add_argument("--scanlogin", default=os.environ.get("SCANLOGIN_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--pool", default="demo")
    parser.add_argument("--client-id", default="example-site")
    parser.add_argument("--client-secret", default=os.environ.get("EXAMPLE_CLIENT_SECRET", "example-site-secret"))
    parser.add_argument("--public-client-id", default="example-spa")
    parser.add_argument("--connection", default="wechat-pc")
    args = parser.parse_args()
    config = Config(port=args.port, scanlogin=args.scanlogin, pool=args.pool, client_id=args.client_id,
                    client_secret=args.client_secret, public_client_id=args.public_client_id, connection=args.connection)
    server = make_server(config)
    print(f"\n  Example shop on {config.origin}/  (ScanLogin at {config.scanlogin}, pool '{config.pool}')\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
