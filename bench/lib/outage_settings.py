"""Settings of the server under test in the bench's Redis outage phase.

The phase kills the redis-server that carries the ticket notifications; the cache (the WeChat
access token) is kept in the process here so that phones can still scan and the phase measures
the long-poll's fallback alone.
"""
from scanlogin.settings import *  # noqa: F401,F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench-outage"}}
