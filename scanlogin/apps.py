from django.apps import AppConfig


class ScanLoginConfig(AppConfig):
    """The project package as an app: its system checks, its management commands (generate_secrets)
    and the log redaction every server process needs."""

    name = "scanlogin"
    label = "scanlogin"
    verbose_name = "ScanLogin"

    def ready(self):
        from . import checks, logredact  # noqa: F401  (checks register themselves)

        logredact.install()
