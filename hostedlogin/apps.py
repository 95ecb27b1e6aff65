from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HostedLoginConfig(AppConfig):
    name = "hostedlogin"
    verbose_name = _("Hosted login")
