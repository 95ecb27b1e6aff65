"""The Celery app. Broker is Redis when REDIS_URL is set; tasks are discovered in the apps."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scanlogin.settings")

app = Celery("scanlogin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
