from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    name = "oidc"
    label = "oidc"
    verbose_name = _("OpenID Connect")
