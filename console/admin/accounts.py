"""Read-only console pages for a pool's end users, their identities and login events.

Scoped by the console's shared PoolScopedAdmin: the current pool only, 404 for anything else.
Block/unblock and unlink are done through the management API (accounts.services).
"""
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import EndUser, Identity, LoginEvent
from console.scoping import PoolScopedAdmin
from console.site import console_site


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PoolScopedReadOnlyAdmin(ReadOnlyMixin, PoolScopedAdmin):
    pass


class LoginEventRegionMixin:
    """The region a login event came from, in words ("中国 广东 深圳", "Local network"), beside its IP."""

    @admin.display(description=_("region"))
    def origin(self, obj):
        return obj.region_text() or "—"

    @admin.display(description=_("IP and region"), ordering="ip")
    def ip_origin(self, obj):
        """One list column for both, so the list still fits a laptop's screen."""
        return format_html('{}<div class="sl-muted">{}</div>', obj.ip or "—", obj.region_text() or "—")


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """Rows of one end user. Shown only on a page the parent admin already found in the
    current pool (it answers 404 otherwise), so viewing them needs no check of its own."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return True


class IdentityInline(ReadOnlyInline):
    model = Identity
    fields = ("connection", "app_id", "openid", "unionid", "first_seen_at", "last_seen_at")
    readonly_fields = fields


class LoginEventInline(LoginEventRegionMixin, ReadOnlyInline):
    model = LoginEvent
    fields = ("created_at", "outcome", "reason", "connection", "application", "origin", "ip")
    readonly_fields = fields
    max_num = 0
    ordering = ("-created_at",)


@admin.register(EndUser, site=console_site)
class EndUserAdmin(PoolScopedReadOnlyAdmin):
    list_display = ("__str__", "phone", "phone_verified", "username", "email", "blocked", "created_at", "last_login_at")
    list_filter = ("blocked", "phone_verified")
    search_fields = ("phone", "username", "email", "nickname", "sub")
    fields = ("sub", "pool", "nickname", "phone", "phone_verified", "username", "email", "blocked", "created_at", "last_login_at")
    readonly_fields = fields
    inlines = [IdentityInline, LoginEventInline]


@admin.register(Identity, site=console_site)
class IdentityAdmin(PoolScopedReadOnlyAdmin):
    list_display = ("__str__", "user", "connection", "unionid", "last_seen_at")
    search_fields = ("openid", "unionid", "user__phone")
    list_select_related = ("user", "connection")
    readonly_fields = ("pool", "user", "connection", "app_id", "openid", "unionid", "first_seen_at", "last_seen_at")
    exclude = ("profile",)


@admin.register(LoginEvent, site=console_site)
class LoginEventAdmin(LoginEventRegionMixin, PoolScopedReadOnlyAdmin):
    list_display = ("created_at", "outcome", "reason", "user", "connection", "application", "ip_origin")
    list_filter = ("outcome",)
    search_fields = ("user__phone", "ip", "reason")
    list_select_related = ("user", "connection", "application")
    fields = ("created_at", "pool", "outcome", "reason", "user", "connection", "application", "origin", "ip", "user_agent")
    readonly_fields = fields
    date_hierarchy = "created_at"
