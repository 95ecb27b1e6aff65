from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HostedLoginConfig(AppConfig):
    name = "hostedlogin"
    verbose_name = _("Hosted login")

    def ready(self):
        from corsheaders.signals import check_request_enabled

        from .cors import cors_allowed

        check_request_enabled.connect(cors_allowed, dispatch_uid="scanlogin-cors")
