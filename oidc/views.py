"""The OpenID Connect endpoints of a pool: discovery, JWKS, authorize, token, userinfo, end-session."""
import base64
import binascii
import time
from functools import wraps
from urllib.parse import urlencode

from authlib.integrations.django_oauth2 import ResourceProtector
from authlib.integrations.django_oauth2.resource_protector import return_error_response
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InvalidRequestError, UnauthorizedClientError
from authlib.oidc.core.errors import LoginRequiredError
from csp.decorators import csp_replace
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.sessions import get_auth_time, get_connection_id, get_end_user, get_identity_id, logout_end_user
from connections.selectors import connections_enabled_for
from scanlogin.errors import NotFound, ServiceError
from scanlogin.ratelimit import limit_requests
from tenants.selectors import pool_get

from . import keys
from .claims import identity_for, user_claims
from .clients import SCOPES_SUPPORTED
from .end_session import end_session_request
from .selectors import oidc_urls
from .server import AUTH_METHODS, PoolAuthorizationServer, issuer_for
from .tokens import PoolBearerTokenValidator
from .web_message import RESPONSE_MODES, WEB_MESSAGE, as_web_message, keeps_opener

CLAIMS_SUPPORTED = ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "amr", "name", "nickname",
                    "picture", "updated_at", "phone_number", "phone_number_verified", "wechat_openid", "wechat_unionid"]


def _pool_or_404(view):
    @wraps(view)
    def wrapper(request, pool, *args, **kwargs):
        try:
            the_pool = pool_get(slug=pool)
        except NotFound:
            return _error_page(request, "pool_not_found", _("There is no identity provider at this address."), 404)
        return view(request, the_pool, *args, **kwargs)
    return wrapper


MAX_PARAM = 2000
MAX_NONCE = 500  # stored with the code


def _params_rejected(request) -> str | None:
    """Why the request's parameters cannot even be looked at (NUL bytes, absurd lengths), or None."""
    for key, values in [*request.GET.lists(), *request.POST.lists()]:
        for value in values:
            if "\x00" in key or "\x00" in value or len(value) > MAX_PARAM:
                return f"Parameter '{key[:40]}' is malformed or too long."
    if len(_authz_params(request).get("nonce", "")) > MAX_NONCE:
        return f"'nonce' is longer than {MAX_NONCE} characters."
    return None


def _cors(view):
    """Machine endpoints a browser app (public client) may call from its own origin."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        resp = HttpResponse(status=204) if request.method == "OPTIONS" else view(request, *args, **kwargs)
        resp["Access-Control-Allow-Origin"] = "*"
        resp["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        resp["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        return resp
    return wrapper


def _error_page(request, code: str, text, status: int = 400):
    return render(request, "enduser/error.html", {"title": _("This sign-in request cannot be completed"), "text": text, "code": code}, status=status)


@require_http_methods(["GET", "OPTIONS"])
@_cors
@_pool_or_404
def discovery(request, pool):
    urls = oidc_urls(request, pool)
    return JsonResponse({
        "issuer": urls["issuer"], "authorization_endpoint": urls["authorization"], "token_endpoint": urls["token"],
        "userinfo_endpoint": urls["userinfo"], "jwks_uri": urls["jwks"], "end_session_endpoint": urls["end_session"],
        "response_types_supported": ["code"],
        "response_modes_supported": RESPONSE_MODES,
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": SCOPES_SUPPORTED,
        "claims_supported": CLAIMS_SUPPORTED,
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    })


@require_http_methods(["GET", "OPTIONS"])
@_cors
@_pool_or_404
def jwks(request, pool):
    resp = JsonResponse(keys.jwks(pool))
    resp["Cache-Control"] = "public, max-age=300"
    return resp


def _server(request, pool) -> PoolAuthorizationServer:
    return PoolAuthorizationServer(pool=pool, issuer=issuer_for(request, pool), login_context={
        "auth_time": get_auth_time(request, pool), "identity_id": get_identity_id(request, pool),
    })


def _authz_params(request):
    """A browser-sent request's parameters: the query, or the form of a POST (OIDC Core §3.1.2.1)."""
    return request.POST if request.method == "POST" else request.GET


def _login_again(request, user, pool) -> bool:
    """prompt=login, or a max_age the current session is older than."""
    if user is None or "login" in _authz_params(request).get("prompt", "").split():
        return True
    max_age = _authz_params(request).get("max_age", "")
    auth_time = get_auth_time(request, pool) or 0
    return max_age.isdigit() and auth_time + int(max_age) < time.time()


def _login_url(request, pool) -> str:
    """The hosted login page of the client, coming back here afterwards (as a GET, also after a POST)
    without prompt/max_age, so the fresh login does not loop."""
    given = _authz_params(request)
    params = [(k, v) for k, vs in given.lists() for v in vs if k not in ("prompt", "max_age")]
    back = f"{request.path}?{urlencode(params)}"
    return f"{reverse('hostedlogin:login', kwargs={'pool': pool.slug})}?{urlencode({'app_id': given.get('client_id', ''), 'next': back})}"


@csrf_exempt  # a relying party may POST the request from its own site; it changes nothing a GET would not
@require_http_methods(["GET", "POST"])
@keeps_opener
@_pool_or_404
def authorize(request, pool):
    """Validate the request (errors before a trusted redirect URI is known never redirect), send
    the browser to the hosted login when needed, else return to the client with a code."""
    if problem := _params_rejected(request):
        return _error_page(request, "invalid_request", problem)
    user = get_end_user(request, pool)
    server = _server(request, pool)
    mode = _authz_params(request).get("response_mode", "query")
    answer = (lambda response: as_web_message(request, response)) if mode == WEB_MESSAGE else (lambda response: response)
    try:
        grant = server.get_consent_grant(request, end_user=user)
    except OAuth2Error as error:
        if getattr(error, "redirect_uri", None):
            return answer(server.handle_error_response(request, error))
        return _error_page(request, error.error, error.description or error.error)
    except ValueError:  # Authlib refuses to quote control characters of the request back in an error
        return _error_page(request, "invalid_request", _("The request contains characters that are not allowed."))
    if mode not in RESPONSE_MODES:
        return server.handle_error_response(request, InvalidRequestError(
            "Only response_mode=query or web_message is supported.", redirect_uri=grant.redirect_uri, state=grant.request.payload.state))
    application = grant.client.application
    if not connections_enabled_for(application).exists():
        return answer(server.handle_error_response(request, UnauthorizedClientError(
            "No identity source is enabled for this application.", redirect_uri=grant.redirect_uri, state=grant.request.payload.state)))
    if not _session_source_enabled(request, pool, application):
        user = None  # this session came through a source the application does not offer: log in again
    if _login_again(request, user, pool):
        if "none" in _authz_params(request).get("prompt", "").split():
            return answer(server.handle_error_response(request, _login_required(grant)))
        return HttpResponseRedirect(_login_url(request, pool))
    # web_message: the code goes to the opener as a message (oidc/web_message.py), not in a redirect.
    return answer(server.create_authorization_response(request, grant_user=user, grant=grant))


def _session_source_enabled(request, pool, application) -> bool:
    """The per-application enabling rule, checked again here: the identity source the session's
    login went through is enabled and switched on for this client application."""
    connection_id = get_connection_id(request, pool)
    return connection_id is not None and connections_enabled_for(application).filter(pk=connection_id).exists()


def _login_required(grant):
    return LoginRequiredError(redirect_uri=grant.redirect_uri, state=grant.request.payload.state)


def _token_client(request, *, pool, **_kwargs) -> str:
    """The client a token request names (the HTTP Basic user, else the client_id field): what its rate limit counts."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth[:6].lower() == "basic ":
        try:
            client = base64.b64decode(auth[6:].strip(), validate=True).decode().split(":", 1)[0]
        except (binascii.Error, ValueError):
            client = "\x00malformed"
    else:
        client = request.POST.get("client_id", "")
    return f"{pool}\x00{client[:200]}" if client else ""


@csrf_exempt
@require_http_methods(["POST"])  # CORS (preflights too) is django-cors-headers' job: only web origins (hostedlogin/cors.py)
@limit_requests(("oidc_token_per_client", _token_client), methods=("POST",))
@_pool_or_404
def token(request, pool):
    if problem := _params_rejected(request):
        return JsonResponse({"error": "invalid_request", "error_description": problem}, status=400)
    try:
        return _server(request, pool).create_token_response(request)
    except ValueError:  # as in authorize: an error description Authlib will not echo
        return JsonResponse({"error": "invalid_request", "error_description": "The request contains characters that are not allowed."}, status=400)


@csrf_exempt
@require_http_methods(["GET", "POST", "OPTIONS"])
@_cors
@_pool_or_404
def userinfo(request, pool):
    if _params_rejected(request):
        return JsonResponse({"error": "invalid_request"}, status=400)
    protector = ResourceProtector()
    protector.register_token_validator(PoolBearerTokenValidator(pool))
    try:
        tok = protector.acquire_token(request, scopes=["openid"])
    except OAuth2Error as error:
        return return_error_response(error)
    return JsonResponse(user_claims(tok.user, tok.scope, identity_for(tok.user, tok.identity_id)))


def _end_session_checked(request, pool):
    """(validated request, params) or an error page."""
    if problem := _params_rejected(request):
        return None, _error_page(request, "invalid_request", problem)
    params = _authz_params(request)  # a POST keeps the ID token out of URLs and access logs
    try:
        return end_session_request(pool=pool, params=params, user=get_end_user(request, pool)), params
    except ServiceError as exc:
        return None, _error_page(request, exc.code, exc.message)


def _logged_out(request, pool, req):
    logout_end_user(request, pool)
    if req.redirect_uri:
        return HttpResponseRedirect(req.redirect_uri)
    return render(request, "oidc/logged_out.html", {"pool": pool, "app": req.application})


@csrf_exempt  # relying parties POST here from their own sites; what they cannot prove is asked (below)
@require_http_methods(["GET", "POST"])
@_pool_or_404
@csp_replace({"form-action": None})  # confirming logout ends at the client's post-logout URI
def end_session(request, pool):
    """RP-initiated logout, GET or POST: at once when the id_token_hint names this session's user
    and a client of the pool; otherwise the user is asked, on a page whose form only this site
    can submit (end_session_confirm, CSRF-protected)."""
    req, answer = _end_session_checked(request, pool)
    if req is None:
        return answer
    if req.needs_confirmation:
        fields = [(k, v) for k, vs in answer.lists() for v in vs if k != "csrfmiddlewaretoken"]
        page = render(request, "oidc/logout_confirm.html", {"pool": pool, "params": fields, "app": req.application})
        page["Cache-Control"] = "no-store"
        return page
    return _logged_out(request, pool, req)


@require_POST
@_pool_or_404
def end_session_confirm(request, pool):
    """The user pressed "Log out" on the confirmation page (this site's own form, CSRF-checked)."""
    req, answer = _end_session_checked(request, pool)
    return answer if req is None else _logged_out(request, pool, req)
