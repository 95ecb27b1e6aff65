"""Per-token rate limit (settings.MANAGEMENT_API_RATE, e.g. "600/min"), counted in the Django cache."""
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ManagementTokenThrottle(SimpleRateThrottle):
    scope = "management_token"

    def get_rate(self):
        # Read at request time (not import time) so a deployment or a test can change it.
        return getattr(settings, "MANAGEMENT_API_RATE", "600/min")

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        # The token's random public prefix: unique per token, never reused like a database id could be.
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
