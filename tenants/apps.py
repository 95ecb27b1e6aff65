from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("User pool")

    def ready(self):
        from scanlogin.config_cache import watch

        from .models import Application, UserPool

        watch(UserPool, Application)  # read on every login step, kept per process (scanlogin/config_cache.py)
