from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HostedLoginConfig(AppConfig):
    name = "hostedlogin"
    verbose_name = _("Hosted login")

    def ready(self):
        from corsheaders.signals import check_request_enabled

        from .cors import cors_allowed

        check_request_enabled.connect(cors_allowed, dispatch_uid="scanlogin-cors")

        from scanlogin.metrics import TICKET_NOTIFY_SECONDS

        from . import longpoll

        if TICKET_NOTIFY_SECONDS.observe not in longpoll.DELIVERY_OBSERVERS:
            longpoll.DELIVERY_OBSERVERS.append(TICKET_NOTIFY_SECONDS.observe)
