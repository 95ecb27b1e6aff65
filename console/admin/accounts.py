"""Read-only console pages for a pool's end users, their identities and login events.

Scoped by the console's shared PoolScopedAdmin: the current pool only, 404 for anything else.
Block/unblock and unlink are done through the management API (accounts.services); a pool admin
merges two accounts here (the list's action) or through the API.
"""
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountAudit, EndUser, Identity, LoginEvent
from accounts.selectors import end_users_sharing_a_phone
from accounts.services import end_user_merge
from console.scoping import PoolScopedAdmin, current_pool, is_pool_admin
from console.site import console_site
from scanlogin.errors import ServiceError


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


class AccountAuditInline(ReadOnlyInline):
    model = AccountAudit
    fields = ("created_at", "change", "detail_text", "actor")
    readonly_fields = fields
    max_num = 0
    verbose_name_plural = _("changes to this account")

    @admin.display(description=_("detail"))
    def detail_text(self, obj):
        return obj.detail_text()


class SharedPhoneFilter(admin.SimpleListFilter):
    """"Accounts sharing a phone": the pool's accounts whose number is on another account too (left
    unverified by the one-account-per-phone migration, or typed in), the candidates for a merge."""

    title = _("phone")
    parameter_name = "phone_shared"

    def lookups(self, request, model_admin):
        return [("yes", _("Accounts sharing a phone"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=end_users_sharing_a_phone(pool=current_pool(request)).values("pk")).order_by("phone", "-last_login_at")
        return queryset


@admin.register(EndUser, site=console_site)
class EndUserAdmin(PoolScopedReadOnlyAdmin):
    list_display = ("__str__", "phone", "phone_verified", "username", "email", "blocked", "created_at", "last_login_at")
    list_filter = (SharedPhoneFilter, "blocked", "phone_verified")
    search_fields = ("phone", "username", "email", "nickname", "sub")
    fields = ("sub", "pool", "nickname", "phone", "phone_verified", "username", "email", "blocked", "merged_into",
              "created_at", "last_login_at")
    readonly_fields = fields
    inlines = [IdentityInline, LoginEventInline, AccountAuditInline]
    actions = ["merge_accounts"]

    def has_merge_permission(self, request):
        return is_pool_admin(request)

    @admin.action(description=_("Merge two accounts"), permissions=["merge"])
    def merge_accounts(self, request, queryset):
        """Two selected accounts → a page to choose the one that stays, then end_user_merge."""
        users = list(queryset.filter(merged_into__isnull=True)[:3])
        if len(users) != 2:
            self.message_user(request, gettext("Select exactly two accounts (not merged already) to merge."), messages.ERROR)
            return None
        by_pk = {str(u.pk): u for u in users}
        survivor = by_pk.get(request.POST.get("survivor", ""))
        if request.POST.get("confirm") == "yes" and survivor is not None:
            other = next(u for u in users if u.pk != survivor.pk)
            return self._merge(request, other, survivor)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": gettext("Merge two accounts"),
                   "users": users, "action_name": "merge_accounts", "select_across": False,
                   "selected": [u.pk for u in users]}
        return TemplateResponse(request, "console/merge_accounts.html", context)

    def _merge(self, request, user, into):
        try:
            end_user_merge(user=user, into=into, actor=f"console {request.user.get_username()}")
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None
        self.message_user(request, gettext("“%(user)s” was merged into “%(into)s”: its WeChat identities, login history and "
                                      "tokens are now on “%(into)s”, and it is blocked.") % {"user": user, "into": into},
                          messages.SUCCESS)
        return None


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
