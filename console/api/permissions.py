"""Role rules of the management API: admins do everything, operators read and enable."""
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from tenants.models import ManagementToken, Role


def is_admin(request) -> bool:
    return isinstance(request.auth, ManagementToken) and request.auth.role == Role.ADMIN


class HasManagementToken(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, ManagementToken)


class AdminOrReadOnly(permissions.BasePermission):
    """Operators may read; writes need an admin token."""

    message = _("This action needs an admin token.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or is_admin(request)


class AdminOnly(permissions.BasePermission):
    message = _("This action needs an admin token.")

    def has_permission(self, request, view):
        return is_admin(request)
