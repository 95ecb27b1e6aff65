"""Delete stored logo files no connection or application points to any more.

Logos are replaced and deleted through several paths (console forms, the management API, the
admin's delete). Rather than hook each, a periodic sweep removes files that nothing references;
only files older than `min_age_seconds` are touched, so an upload whose row is not committed
yet is never taken away.
"""
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from tenants.models import Application

from .models import Connection

LOGO_DIRS = ("connection-logos", "app-logos")


def _referenced() -> set[str]:
    names = set(Connection.objects.exclude(logo="").values_list("logo", flat=True))
    return names | set(Application.objects.exclude(logo="").values_list("logo", flat=True))


def logo_files_purge_orphans(*, min_age_seconds: int = 3600) -> int:
    """Delete unreferenced logo files older than min_age_seconds; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    referenced, deleted = _referenced(), 0
    for folder in LOGO_DIRS:
        try:
            _dirs, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        for name in files:
            path = f"{folder}/{name}"
            if path not in referenced and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    return deleted
