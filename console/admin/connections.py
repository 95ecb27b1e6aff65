"""Console pages for identity sources: list, create wizard, form, per-application switches."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext  # (not an alias: makemessages finds only the known names)
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from connections.credentials import connection_check_after_save, connection_check_credentials, own_credentials
from connections.forms import ConnectionForm
from connections.models import Connection, ConnectionKind
from connections.selectors import application_switches
from connections.services import (connection_disable_for, connection_enable_for, forget_replaced_credentials, links_by_phone,
                                  mini_program_change_warning)
from connections.wizard import WECHAT_MODES
from console.scoping import PoolScopedAdmin, current_pool, is_pool_admin
from console.site import console_site
from oidc.selectors import callback_gaps_for_connection
from scanlogin.config_cache import config_cache
from scanlogin.errors import ServiceError
from tenants.selectors import application_get

SECRET_ROW = ("app_secret", "app_secret_status")
LINKING_NOTE = _(
    "One account per verified phone: a WeChat user whose verified phone already has an account in this pool "
    "is linked to it by field matching by verified phone, or asked to sign in to bind it (ask the user to bind). "
    "With linking off (or when that account already has another WeChat of this mini-program), the login is "
    "refused and the user is told to log in as before or ask you; no second account is ever created."
)


def logo_img(obj, size=36):
    if not obj.logo:  # sized by the stylesheet: no inline style under the Content-Security-Policy
        return mark_safe('<span class="sl-logo sl-logo--empty"></span>')
    return format_html('<img class="sl-logo" src="{}" width="{}" height="{}" alt="">', obj.logo.url, size, size)


@admin.register(Connection, site=console_site)
class ConnectionAdmin(PoolScopedAdmin):
    form = ConnectionForm
    list_display = ["logo_thumb", "display_name", "identifier", "kind_label", "deployment", "status", "app_count"]
    list_display_links = ["logo_thumb", "display_name"]
    search_fields = ["display_name", "identifier"]
    change_form_template = "console/connection_change_form.html"
    change_list_template = "console/connection_change_list.html"
    actions = ["disable_connections", "enable_connections"]
    # Never the AppSecret.
    export_fields = ["identifier", "display_name", "callback_url", "private_deployment", "app_id", "login_only",
                     "linking_enabled", "link_match_fields", "link_ask_bind", "enabled", "created_at"]

    class Media:
        js = ["console/connection_form.js"]

    # --- list columns -------------------------------------------------------------------
    @admin.display(description=_("logo"))
    def logo_thumb(self, obj):
        return logo_img(obj)

    @admin.display(description=_("type"))
    def kind_label(self, obj):
        return obj.get_kind_display()

    @admin.display(description=_("mini-program"))
    def deployment(self, obj):
        return _("Private (%(app_id)s)") % {"app_id": obj.app_id} if obj.private_deployment else _("Platform default")

    @admin.display(description=_("status"), ordering="enabled")
    def status(self, obj):
        label, css = (_("Enabled"), "on") if obj.enabled else (_("Disabled"), "off")
        return format_html('<span class="sl-badge sl-badge--{}">{}</span>', css, label)

    @admin.display(description=_("applications"))
    def app_count(self, obj):
        return obj.links.count()

    @admin.display(description=_("AppSecret"))
    def app_secret_status(self, obj):
        if obj is None or not obj.app_secret:
            return _("not set")
        return _("set · last 4: %(last4)s") % {"last4": obj.app_secret_last4}

    # --- form -----------------------------------------------------------------------------
    def get_fieldsets(self, request, obj=None):
        secret = ["app_secret"] + (["app_secret_status"] if obj is not None else [])
        mini_program = ["private_deployment", "app_id"] + (secret if is_pool_admin(request) else [])
        # Operators get a read-only page: show the logo as an image, not a storage path.
        basics = ["identifier", "display_name", "callback_url", "logo" if is_pool_admin(request) else "logo_thumb"]
        return [
            (_("Basics"), {"fields": basics}),
            (_("Mini-program"), {"fields": mini_program, "classes": ["sl-section-mp"],
                                 "description": self._mini_program_note(obj)}),
            (_("Login mode"), {"fields": ["login_only"]}),
            (_("Account identity linking"),
             {"fields": ["linking_enabled", "link_match_fields", "link_ask_bind"], "classes": ["sl-section-link"],
              "description": LINKING_NOTE}),
            (_("Status"), {"fields": ["enabled"]}),
        ]

    def _mini_program_note(self, obj):
        """Before an admin switches the mini-program: what happens to the users who signed in through it."""
        if obj is None or not obj.identities.exists():
            return None
        if links_by_phone(obj):
            return _("Users have signed in through this mini-program. If you change it (private deployment or "
                     "AppID), WeChat gives them new identities; field matching by verified phone (on) links them "
                     "back to their accounts.")
        return _("Users have signed in through this mini-program. If you change it (private deployment or AppID), "
                 "WeChat gives them new identities and they can no longer reach their accounts by scanning: turn "
                 "on account identity linking with field matching by verified phone first.")

    def get_readonly_fields(self, request, obj=None):
        return ["app_secret_status", "logo_thumb"] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.pool = current_pool(request)
        return form

    def save_model(self, request, obj, form, change):
        stored = Connection.objects.filter(pk=obj.pk).first() if change else None
        before = own_credentials(stored) if stored is not None else None
        super().save_model(request, obj, form, change)
        forget_replaced_credentials(connection=obj, before=before)
        request._sl_saved_credentials = (obj, before)  # checked with WeChat after the commit (changeform_view)
        warning = mini_program_change_warning(connection=obj, previous_app_id=stored.wechat_app_id) if stored else None
        if warning:
            level = messages.INFO if warning["code"] == "mini_program_changed" else messages.WARNING
            self.message_user(request, warning["message"], level)

    @method_decorator(sensitive_post_parameters("app_secret"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        saved = getattr(request, "_sl_saved_credentials", None)
        if saved is not None:
            # After the save committed (WeChat is never called inside a transaction); it only warns.
            check = connection_check_after_save(connection=saved[0], before=saved[1])
            if check is not None:
                self._credentials_message(request, check)
        return response

    def _credentials_message(self, request, check):
        if check.ok:
            messages.success(request, gettext("WeChat accepts the AppID %(app_id)s and its AppSecret from this server.")
                             % {"app_id": check.app_id})
        elif check.ok is None:
            messages.warning(request, check.reason)
        else:
            messages.warning(request, gettext("WeChat refused the credentials: %(reason)s") % {"reason": check.reason})

    def add_view(self, request, form_url="", extra_context=None):
        # The product's path: sources -> WeChat -> login mode -> this form.
        if request.method == "GET" and request.GET.get("mode") != ConnectionKind.WECHAT_MINIPROGRAM_PC:
            return HttpResponseRedirect(reverse("console:connections_connection_create"))
        extra = {"wizard_mode": WECHAT_MODES[0]["title"], **(extra_context or {})}
        return super().add_view(request, form_url, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = {"app_switches": self._switches(obj), "callback_gaps": callback_gaps_for_connection(obj),
                 "check_credentials_url": reverse("console:connections_connection_check_credentials", args=[obj.pk]),
                 **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def _switches(self, conn):
        return [
            {"application": app, "on": on,
             "url": reverse("console:connections_connection_toggle", args=[conn.pk, app.client_id])}
            for app, on in application_switches(conn)
        ]

    # --- actions --------------------------------------------------------------------------
    @admin.action(description=_("Disable selected identity sources"), permissions=["change"])
    def disable_connections(self, request, queryset):
        queryset.update(enabled=False)
        config_cache.changed()  # an UPDATE sends no signal

    @admin.action(description=_("Enable selected identity sources"), permissions=["change"])
    def enable_connections(self, request, queryset):
        queryset.update(enabled=True)
        config_cache.changed()

    # --- extra pages ----------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("create/", view(self.wizard_sources_view), name="connections_connection_create"),
            path("create/wechat/", view(self.wizard_wechat_view), name="connections_connection_create_wechat"),
            path("<path:object_id>/applications/<str:client_id>/", view(self.toggle_view),
                 name="connections_connection_toggle"),
            path("<path:object_id>/check-credentials/", view(self.check_credentials_view),
                 name="connections_connection_check_credentials"),
        ] + super().get_urls()

    def _wizard_page(self, request, template, title, **context):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context}
        return TemplateResponse(request, template, context)

    def wizard_sources_view(self, request):
        return self._wizard_page(request, "console/wizard_sources.html", gettext("Create identity source"))

    def wizard_wechat_view(self, request):
        add_url = reverse("console:connections_connection_add") + f"?mode={ConnectionKind.WECHAT_MINIPROGRAM_PC}"
        return self._wizard_page(request, "console/wizard_wechat.html", gettext("WeChat login modes"),
                                 modes=WECHAT_MODES, add_url=add_url)

    def toggle_view(self, request, object_id, client_id):
        """POST enabled=1|0: enable or disable the connection for one application of the pool."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        conn = self.get_object(request, object_id)
        app = application_get(pool=current_pool(request), client_id=client_id)
        try:
            if request.POST.get("enabled") == "1":
                connection_enable_for(connection=conn, application=app)
                messages.success(request, gettext("“%(c)s” is now enabled for “%(a)s”.") % {"c": conn.display_name, "a": app.name})
            else:
                connection_disable_for(connection=conn, application=app)
                messages.success(request, gettext("“%(c)s” is now disabled for “%(a)s”.") % {"c": conn.display_name, "a": app.name})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(self._back(request, conn))

    def check_credentials_view(self, request, object_id):
        """POST: ask WeChat whether it accepts the connection's AppID and AppSecret; the verdict as a message."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        conn = self.get_object(request, object_id)  # another pool's connection: 404
        if not self.has_view_permission(request, conn):
            raise PermissionDenied
        try:
            self._credentials_message(request, connection_check_credentials(connection=conn))
        except ServiceError as exc:  # checked too often, or the token budget is spent
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("console:connections_connection_change", args=[conn.pk]) + "#credentials")

    def _back(self, request, conn):
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
            return target
        return reverse("console:connections_connection_change", args=[conn.pk])
