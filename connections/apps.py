from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionsConfig(AppConfig):
    name = "connections"
    verbose_name = _("Identity sources")

    def ready(self):
        from scanlogin.config_cache import watch

        from .models import Connection, ConnectionApplication

        watch(Connection, ConnectionApplication)  # read on every login step, kept per process (scanlogin/config_cache.py)
