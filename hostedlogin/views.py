"""The hosted login's HTML pages: login (scan panel), bind, "Try login" success, welcome."""
import json

from django.conf import settings
from csp.decorators import csp_replace
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import LoginOutcome
from accounts.pipeline import BindRefused
from accounts.sessions import get_end_user, logout_end_user
from oidc.preview import id_token_preview
from oidc.web_message import keeps_opener
from scanlogin.errors import NotFound, ServiceError
from scanlogin.proxies import client_ip
from scanlogin.ratelimit import RateLimited, from_ip, limit_requests
from tenants.selectors import application_get, pool_get

from .bind import BIND_MESSAGES, bind_pending_ticket, bind_phone_in_use, ticket_bind_create, ticket_bind_existing
from .browser import ensure_browser_secret, own_ticket, set_browser_cookie
from .completion import login_complete
from .models import TicketStatus
from .redirects import MAX_STATE, next_for_login
from .selectors import login_connections
from .strings import page_strings
from .trylogin import try_mode_for_page

ERROR_TEXT = {
    "pool_not_found": (_("Page not found"), _("There is no login page at this address.")),
    "application_not_found": (_("Unknown application"), _("This application does not exist, or does not log in here. Check the link you followed.")),
    "ticket_not_found": (_("Login request not found"), _("This login request does not exist or was started in another browser.")),
    "ticket_expired": (_("Login request expired"), _("This login request has expired. Start again.")),
    "ticket_already_used": (_("Already used"), _("This login request has already been used.")),
    "invalid_next": (_("This sign-in link is not valid"), _("This sign-in link would continue to another application than the one shown. Start again from the website you came from.")),
}


def error_page(request, code: str, status: int = 404, *, back_url: str = ""):
    title, text = ERROR_TEXT.get(code, (_("Something went wrong"), _("This login request cannot continue. Start again.")))
    return render(request, "enduser/error.html", {"title": title, "text": text, "code": code, "back_url": back_url}, status=status)


@require_GET
@keeps_opener  # it runs in the popup of a website's loginWithPopup
def login_page(request, pool):
    """GET /u/<pool>/login?app_id=<client_id>[&try=1][&next=/u/<pool>/oidc/...]"""
    try:
        the_pool = pool_get(slug=pool)
        app = application_get(pool=the_pool, client_id=request.GET.get("app_id"))
        next_url = next_for_login(pool_slug=pool, application=app, value=request.GET.get("next"))
    except NotFound as exc:
        return error_page(request, exc.code)
    except ServiceError as exc:
        return error_page(request, exc.code, exc.status)
    ensure_browser_secret(request)
    connections = login_connections(app)
    try_mode = try_mode_for_page(request, application=app)  # only with the console's one-time grant
    state = request.GET.get("state", "")
    config = {
        "app_id": app.client_id, "try_mode": try_mode, "next": next_url, "state": state if len(state) <= MAX_STATE else "",
        "connections": [c.identifier for c in connections], "tickets_url": reverse("hostedlogin:tickets", kwargs={"pool": pool}),
        "csrf": get_token(request), "strings": page_strings(),
    }
    context = {"pool": the_pool, "app": app, "connections": connections, "try_mode": try_mode, "config": config,
               "current_user": get_end_user(request, the_pool),
               "csrf_token": config["csrf"]}  # {% csrf_token %} takes this one: one masking per page, not two
    return set_browser_cookie(request, render(request, "hostedlogin/login.html", context))


def _ticket_key(request, *, ticket, **_kwargs) -> str:
    return ticket


@require_http_methods(["GET", "POST"])
@csp_replace({"form-action": None})  # the form ends at the application's callback or OIDC redirect URI
@keeps_opener
@limit_requests(("bind_per_ip", from_ip), ("bind_per_ticket", _ticket_key), methods=("POST",), page=True)
def bind_page(request, pool, ticket):
    """The paused login: bind an existing account (sign in once) or create a new one."""
    t = own_ticket(request, pool, ticket)
    try:
        bind_pending_ticket(t)
    except ServiceError as exc:
        return error_page(request, exc.code, exc.status if exc.status != 409 else 400)
    login_url = f"{reverse('hostedlogin:login', kwargs={'pool': pool})}?app_id={t.application.client_id}"
    error, status, retry_after = None, 200, None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "create":
                res = ticket_bind_create(ticket=t)
            else:
                res = ticket_bind_existing(ticket=t, login=request.POST.get("login", "")[:254],
                                           password=request.POST.get("password", "")[:256], ip=client_ip(request))
        except RateLimited as exc:  # locked out: the form again, with when to come back
            error, status, retry_after = exc.message, 429, exc.retry_after
        except BindRefused as exc:
            error, status = BIND_MESSAGES.get(exc.reason, _("This login cannot continue.")), 400
            if t.status != TicketStatus.CONFIRMED:
                return render(request, "hostedlogin/bind.html", {"ticket": t, "error": error, "finished": True, "login_url": login_url}, status=403)
        except ServiceError as exc:
            return error_page(request, exc.code, 400, back_url=login_url)
        else:
            return HttpResponseRedirect(login_complete(request, ticket=t, user=res.user, identity=res.identity))
    phone_in_use = bind_phone_in_use(t)
    context = {"ticket": t, "error": error, "login_url": login_url, "phone_in_use": phone_in_use,
               "can_create": not t.connection.login_only and not phone_in_use,
               "login_value": request.POST.get("login", "") if request.method == "POST" else ""}
    response = render(request, "hostedlogin/bind.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def try_success(request, pool, ticket):
    """The "Try login" popup's last page: who logged in, with which identity, and how."""
    t = own_ticket(request, pool, ticket)
    if t is None or t.status != TicketStatus.CONSUMED or not t.try_mode or t.user is None:
        return error_page(request, "ticket_not_found")
    outcome_label = dict(LoginOutcome.choices).get(t.outcome, t.outcome)
    preview = id_token_preview(request=request, ticket=t)
    response = render(request, "hostedlogin/try_success.html", {
        "ticket": t, "user": t.user, "identity": t.identity, "outcome": t.outcome, "outcome_label": outcome_label,
        "app": t.application, "pool": t.pool, "connection": t.connection,
        "id_token": preview["token"], "id_token_header": json.dumps(preview["header"], indent=2),
        "id_token_claims": json.dumps(preview["claims"], indent=2, ensure_ascii=False),
        "id_token_ttl_minutes": settings.OIDC_ID_TOKEN_TTL // 60,
    })
    response["Cache-Control"] = "no-store"  # personal data and a signed token: never kept by a cache
    return response


@require_GET
def welcome(request, pool):
    """The demo's callback page: who is logged in on this pool's hosted login."""
    try:
        the_pool = pool_get(slug=pool)
    except NotFound as exc:
        return error_page(request, exc.code)
    user = get_end_user(request, the_pool)
    return render(request, "hostedlogin/welcome.html", {"pool": the_pool, "user": user,
                                                         "identities": list(user.identities.all()) if user else [],
                                                         "code_arrived": bool(request.GET.get("code"))})


@require_POST
def logout(request, pool):
    try:
        the_pool = pool_get(slug=pool)
    except NotFound as exc:
        return error_page(request, exc.code)
    logout_end_user(request, the_pool)
    return HttpResponseRedirect(reverse("hostedlogin:welcome", kwargs={"pool": pool}))
