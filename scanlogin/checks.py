"""System checks of the project package (`manage.py check --deploy`)."""
from django.conf import settings
from django.core import checks

from .secret_keys import HOW_TO_FIX, key_problems


@checks.register(checks.Tags.security, deploy=True)
def secret_keys_check(app_configs, **kwargs):
    """SECRET_KEY and FIELD_ENCRYPTION_KEY must be real secrets (with DEBUG off the settings refuse
    to start otherwise; this reports the same under DEBUG too, before a deployment)."""
    return [checks.Error(message, hint=HOW_TO_FIX, id=check_id)
            for check_id, message in key_problems(settings.SECRET_KEY, settings.FIELD_ENCRYPTION_KEY)]
