"""Console pages for applications, memberships, management tokens and (superusers) pools."""
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext  # (not an alias: makemessages finds only the known names)
from django.utils.translation import gettext_lazy as _

from connections.selectors import connection_switches
from console.forms import ApplicationForm, MembershipForm
from console.scoping import PoolScopedAdmin, current_pool
from console.site import console_site
from hostedlogin.trylogin import staff_may_try, try_grant_issue
from oidc.selectors import callback_gaps_for_application, oidc_urls, pool_login_urls
from tenants.domains import forget_domains
from tenants.models import Application, ManagementToken, Membership, Role, UserPool
from tenants.services import application_create, application_rotate_secret, membership_set, pool_create
from tenants.tokens import token_create, token_revoke

from .connections import logo_img


def adopt(obj, saved):
    """Make the admin's unsaved `obj` the row a service created.

    ModelAdmin keeps using the object it passed to save_model (history, redirects), while the
    row was written by a service function that owns the rules; copy the saved state across.
    """
    obj.__dict__.update(saved.__dict__)


def secret_once_response(request, admin_obj, obj, *, title, secret, label, note):
    """The only page that ever shows a newly made secret; it is never stored in plaintext."""
    context = {
        **admin_obj.admin_site.each_context(request), "opts": admin_obj.opts, "title": title,
        "object": obj, "secret": secret, "secret_label": label, "note": note,
        "continue_url": reverse(f"console:{admin_obj.opts.app_label}_{admin_obj.opts.model_name}_change", args=[obj.pk]),
    }
    response = TemplateResponse(request, "console/secret_once.html", context)
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Application, site=console_site)
class ApplicationAdmin(PoolScopedAdmin):
    form = ApplicationForm
    list_display = ["logo_thumb", "name", "client_id", "connection_count", "created_at"]
    list_display_links = ["logo_thumb", "name"]
    search_fields = ["name", "client_id"]
    readonly_fields = ["client_id", "created_at", "redirect_uri_list", "web_origin_list"]
    change_form_template = "console/application_change_form.html"
    export_fields = ["name", "client_id", "description", "redirect_uris", "web_origins", "created_at"]

    @admin.display(description=_("logo"))
    def logo_thumb(self, obj):
        return logo_img(obj)

    @admin.display(description=_("identity sources"))
    def connection_count(self, obj):
        return obj.connection_links.count()

    @admin.display(description=_("Redirect URIs"))
    def redirect_uri_list(self, obj):
        return format_html_join(mark_safe("<br>"), "<code>{}</code>", ((uri,) for uri in obj.redirect_uris)) or "-"

    @admin.display(description=_("Web origins"))
    def web_origin_list(self, obj):
        return format_html_join(mark_safe("<br>"), "<code>{}</code>", ((o,) for o in obj.web_origins)) or "-"

    def get_fields(self, request, obj=None):
        editable = self.has_change_permission(request, obj)
        uris, origins = ("redirect_uris", "web_origins") if editable else ("redirect_uri_list", "web_origin_list")
        fields = ["name", "description", "logo", "client_type", uris, origins]
        if obj is not None:
            fields = ["client_id", *fields, "created_at"]
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        app, secret = application_create(
            pool=current_pool(request), name=obj.name, description=obj.description,
            redirect_uris=obj.redirect_uris, logo=obj.logo or None, client_type=obj.client_type, web_origins=obj.web_origins,
        )
        adopt(obj, app)
        request._new_client_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_new_client_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return secret_once_response(
            request, self, obj, title=gettext("Application created"), secret=secret, label=gettext("Client secret"),
            note=gettext("Copy the client secret now: it is stored hashed and cannot be shown again."),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        app = self.get_object(request, object_id)
        extra = {
            "connection_switches": self._switches(request, app),
            "try_login_url": reverse("console:tenants_application_try_login", args=[app.pk]),
            "oidc": oidc_urls(request, app.pool),
            "login_urls": pool_login_urls(request, app.pool),
            "callback_gaps": callback_gaps_for_application(app),
            "can_rotate": self.has_change_permission(request, app),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)

    def _switches(self, request, app):
        back = reverse("console:tenants_application_change", args=[app.pk])
        return [
            {"connection": conn, "on": on, "next": back,
             "url": reverse("console:connections_connection_toggle", args=[conn.pk, app.client_id])}
            for conn, on in connection_switches(app)
        ]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/rotate-secret/", view(self.rotate_secret_view), name="tenants_application_rotate"),
            path("<path:object_id>/try-login/", view(self.try_login_view), name="tenants_application_try_login"),
        ] + super().get_urls()

    def try_login_view(self, request, object_id):
        """"Try login": a fresh one-time grant for this staff member, pool and application, and on to
        the hosted login with it (each press gets its own; the grant never sits in a page)."""
        app = self.get_object(request, object_id)
        if not self.has_view_permission(request, app) or not staff_may_try(request.user, app.pool):
            raise PermissionDenied
        grant = try_grant_issue(staff=request.user, application=app)
        login = reverse("hostedlogin:login", kwargs={"pool": app.pool.slug})
        response = HttpResponseRedirect(f"{login}?{urlencode({'app_id': app.client_id, 'try': grant})}")
        response["Referrer-Policy"] = "no-referrer"  # (admin_view already makes it never cached)
        return response

    def rotate_secret_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        app = self.get_object(request, object_id)
        if not self.has_change_permission(request, app):
            raise PermissionDenied
        secret = application_rotate_secret(application=app)
        self.log_change(request, app, [{"changed": {"fields": ["client secret"]}}])
        return secret_once_response(
            request, self, app, title=gettext("New client secret"), secret=secret, label=gettext("Client secret"),
            note=gettext("The old secret no longer works. Copy the new one now: it cannot be shown again."),
        )


class AdminOnly(PoolScopedAdmin):
    """Pages only a pool admin sees (operators get no menu entry and 403 on the URLs)."""

    view_roles = (Role.ADMIN,)


@admin.register(Membership, site=console_site)
class MembershipAdmin(AdminOnly):
    form = MembershipForm
    list_display = ["user", "role", "created_at"]
    search_fields = ["user__username"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        fields = ["user", "role"] if obj is not None else ["username", "role"]
        return [(None, {"fields": fields})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.pool = current_pool(request)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        membership = membership_set(user=obj.user, pool=current_pool(request), role=obj.role)
        adopt(obj, membership)


@admin.register(ManagementToken, site=console_site)
class ManagementTokenAdmin(AdminOnly):
    list_display = ["name", "prefix_display", "role", "state", "expires_at", "last_used_at", "created_at"]
    fields = ["name", "role", "expires_at"]
    actions = ["revoke_tokens"]

    @admin.display(description=_("token"))
    def prefix_display(self, obj):
        return format_html("<code>slm_{}_…</code>", obj.prefix)

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.revoked_at:
            return format_html('<span class="sl-badge sl-badge--off">{}</span>', _("Revoked"))
        if not obj.is_active():
            return format_html('<span class="sl-badge sl-badge--off">{}</span>', _("Expired"))
        return format_html('<span class="sl-badge sl-badge--on">{}</span>', _("Active"))

    def get_readonly_fields(self, request, obj=None):
        return ["name", "role", "expires_at", "prefix", "last_used_at", "revoked_at", "created_by", "created_at"] if obj else []

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or self.fields

    def has_change_permission(self, request, obj=None):
        # Tokens are immutable: create, revoke or delete them.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        token, plaintext = token_create(pool=current_pool(request), name=obj.name, role=obj.role,
                                        expires_at=obj.expires_at, created_by=request.user)
        adopt(obj, token)
        request._new_token = plaintext

    def response_add(self, request, obj, post_url_continue=None):
        return secret_once_response(
            request, self, obj, title=gettext("Management token created"), secret=request._new_token,
            label=gettext("Token"), note=gettext("Copy the token now: it is stored hashed and cannot be shown again."),
        )

    @admin.action(description=_("Revoke selected tokens"), permissions=["delete"])
    def revoke_tokens(self, request, queryset):
        for token in queryset:
            token_revoke(token=token)
        messages.success(request, gettext("Revoked %(n)d token(s).") % {"n": len(queryset)})


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_active and request.user.is_superuser
    )


@admin.register(UserPool, site=console_site)
class UserPoolAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "slug", "custom_domain", "created_at"]
    search_fields = ["name", "slug", "custom_domain"]
    fields = ["name", "slug", "custom_domain"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug", "created_at"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return forget_domains(form.initial.get("custom_domain") or "", obj.custom_domain or "")
        pool = pool_create(slug=obj.slug, name=obj.name)
        adopt(obj, pool)


@admin.register(get_user_model(), site=console_site)
class StaffUserAdmin(SuperuserOnly, UserAdmin):
    """Superusers create console staff; pool admins then add them to pools by username."""
