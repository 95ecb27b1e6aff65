"""Read-only console pages for a pool's end users, their identities and login events.

Scoping is minimal and local (PoolScopedReadOnlyAdmin: rows of pools the staff user is a member
of; superusers see all); the console's shared pool-scoping mixin should replace it when merged.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from console.selectors import pools_for_staff
from console.site import console_site

from .models import EndUser, Identity, LoginEvent


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        if obj is not None and not pools_for_staff(request.user).filter(pk=obj.pool_id).exists():
            return False
        return pools_for_staff(request.user).exists()

    def has_module_permission(self, request):
        return pools_for_staff(request.user).exists()


class PoolScopedReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(pool__in=pools_for_staff(request.user))

    def get_list_filter(self, request):
        return ("pool",) + tuple(super().get_list_filter(request)) if request.user.is_superuser else super().get_list_filter(request)


class IdentityInline(ReadOnlyMixin, admin.TabularInline):
    model = Identity
    fields = ("connection", "app_id", "openid", "unionid", "first_seen_at", "last_seen_at")
    readonly_fields = fields
    extra = 0


class LoginEventInline(ReadOnlyMixin, admin.TabularInline):
    model = LoginEvent
    fields = ("created_at", "outcome", "reason", "connection", "application", "ip")
    readonly_fields = fields
    extra = 0
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
class LoginEventAdmin(PoolScopedReadOnlyAdmin):
    list_display = ("created_at", "outcome", "reason", "user", "connection", "application", "ip")
    list_filter = ("outcome",)
    search_fields = ("user__phone", "ip", "reason")
    list_select_related = ("user", "connection", "application")
    readonly_fields = ("created_at", "pool", "outcome", "reason", "user", "connection", "application", "ip", "user_agent")
    date_hierarchy = "created_at"
    verbose_name_plural = _("login events")
