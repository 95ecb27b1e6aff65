"""The console's tenant scoping, in one place.

The current pool lives in the session; every pool-scoped ModelAdmin inherits PoolScopedAdmin,
which filters querysets and related choices to that pool, decides permissions by the staff
user's role in it (never by Django model permissions) and answers 404 for anything outside it.
"""
import csv

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tenants.models import Role, UserPool
from tenants.selectors import pool_get_for_staff, pools_for_staff, role_for_staff

SESSION_KEY = "console_pool"


def current_pool(request) -> UserPool | None:
    """The pool the staff user works in: the one chosen in the session, else their first."""
    if not hasattr(request, "_console_pool"):
        pools = pools_for_staff(request.user)
        slug = request.session.get(SESSION_KEY)
        pool = pools.filter(slug=slug).first() if slug else None
        request._console_pool = pool or pools.first()
    return request._console_pool


def current_role(request) -> str | None:
    if not hasattr(request, "_console_role"):
        request._console_role = role_for_staff(request.user, current_pool(request))
    return request._console_role


def switch_pool(request, slug: str) -> UserPool:
    """Make `slug` the current pool; 404 when the user is not a member of it."""
    pool = pool_get_for_staff(user=request.user, slug=slug)
    request.session[SESSION_KEY] = pool.slug
    request._console_pool = pool
    request.__dict__.pop("_console_role", None)
    return pool


def is_pool_admin(request) -> bool:
    return current_role(request) == Role.ADMIN


class PoolScopedAdmin(admin.ModelAdmin):
    """Base admin for models with a `pool` foreign key: scoped lists, lookups, objects, roles."""

    pool_field = "pool"
    export_fields: list[str] = []
    view_roles = (Role.ADMIN, Role.OPERATOR)
    edit_roles = (Role.ADMIN,)

    def _has_role(self, request, roles) -> bool:
        return current_role(request) in roles

    def has_module_permission(self, request):
        return self._has_role(request, self.view_roles)

    def has_view_permission(self, request, obj=None):
        return self._has_role(request, self.view_roles)

    def has_add_permission(self, request):
        return self._has_role(request, self.edit_roles)

    def has_change_permission(self, request, obj=None):
        return self._has_role(request, self.edit_roles)

    def has_delete_permission(self, request, obj=None):
        return self._has_role(request, self.edit_roles)

    def get_queryset(self, request):
        pool = current_pool(request)
        qs = super().get_queryset(request)
        return qs.filter(**{self.pool_field: pool}) if pool is not None else qs.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", self._scoped_related(db_field, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", self._scoped_related(db_field, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _scoped_related(self, db_field, request):
        model = db_field.related_model
        qs = model._default_manager.all()
        if model is UserPool:
            return qs.filter(pk=getattr(current_pool(request), "pk", None))
        if any(f.name == "pool" for f in model._meta.get_fields()):
            return qs.filter(pool=current_pool(request))
        return qs

    def get_object(self, request, object_id, from_field=None):
        # Before any permission check (Django checks roles first and answers 403 even for an id
        # that is not there): another pool's object must look absent to everyone, 404.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object in this pool.")
        return obj

    def save_model(self, request, obj, form, change):
        if not change:
            setattr(obj, self.pool_field, current_pool(request))
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.export_fields:
            actions["export_csv"] = (PoolScopedAdmin.export_csv, "export_csv", _("Export selected as CSV"))
        return actions

    def export_csv(self, request, queryset):
        # The action receives get_queryset() narrowed by the selected ids: never another pool's rows.
        return export_csv_response(queryset, self.export_fields, f"{self.opts.model_name}s.csv")

    def changelist_view(self, request, extra_context=None):
        extra = {"title": capfirst(self.opts.verbose_name_plural), **(extra_context or {})}
        return super().changelist_view(request, extra)


def export_csv_response(queryset, fields: list[str], filename: str) -> HttpResponse:
    """A CSV of the given fields of an (already pool-scoped) queryset."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(fields)
    for row in queryset.values_list(*fields):
        writer.writerow(row)
    return response
