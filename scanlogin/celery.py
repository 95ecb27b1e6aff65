"""The Celery app. Broker is Redis when REDIS_URL is set; tasks are discovered in the apps."""
import os

from celery import Celery
from django.db import DatabaseError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scanlogin.settings")

app = Celery("scanlogin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The periodic tasks are idempotent: a retry after a lost database connection is safe.
RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_backoff_max": 60, "max_retries": 5}
