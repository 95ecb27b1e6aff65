"""Project middleware for ASGI: async-capable, and cheap on the event loop.

One sync-only middleware makes Django run everything below it in a thread and call the async
long-poll view back through async_to_sync, so every waiting browser would hold a thread for up
to 30 s (10,000 waiters = 10,000 threads). tests/test_asgi_middleware.py checks that every entry
of MIDDLEWARE is async-capable. The built-in middleware is subclassed to run inline (below).
"""
from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from csp import middleware as _csp
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import middleware as _auth
from django.contrib.messages import middleware as _messages
from django.contrib.messages.storage import default_storage
from django.contrib.sessions import middleware as _sessions
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware import clickjacking as _clickjacking
from django.middleware import common as _common
from django.middleware import csrf as _csrf
from django.middleware import locale as _locale
from django.middleware import security as _security
from django.utils.functional import SimpleLazyObject, empty
from whitenoise.middleware import WhiteNoiseMiddleware


class AsyncWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise's static file serving, async-capable: other requests pass straight through.

    WhiteNoise (6.x) is sync-only. Finding a file is a dict lookup, so only a static file's
    answer goes through a thread; every other request stays on the event loop.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        super().__init__(get_response)
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        return super().__call__(request)

    async def __acall__(self, request):
        static_file = self.find_file(request.path_info) if self.autorefresh else self.files.get(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve, thread_sensitive=False)(static_file, request)
        return await self.get_response(request)


class InlineMiddleware:
    """Run a CPU-only middleware's hooks on the event loop instead of hopping to a thread.

    Django's MiddlewareMixin runs every process_request/process_response of an async request
    through sync_to_async: about 0.1 ms of CPU per hop, two hops per middleware, and a new
    thread per request for the first one. The hooks of the classes below do no I/O (a database
    call from the loop would raise SynchronousOnlyOperation rather than block), so they run
    inline; `needs_thread(request, response)` names the cases that do I/O (a session save),
    which still go through a thread. Under WSGI nothing changes.
    """

    def needs_thread(self, request, response) -> bool:
        return False

    async def __acall__(self, request):
        response = self.process_request(request) if hasattr(self, "process_request") else None
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            if self.needs_thread(request, response):
                return await sync_to_async(self.process_response, thread_sensitive=True)(request, response)
            response = self.process_response(request, response)
        return response


class SecurityMiddleware(InlineMiddleware, _security.SecurityMiddleware):
    pass


class LocaleMiddleware(InlineMiddleware, _locale.LocaleMiddleware):
    pass


class CommonMiddleware(InlineMiddleware, _common.CommonMiddleware):
    pass


class CsrfViewMiddleware(InlineMiddleware, _csrf.CsrfViewMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        if self.async_mode:  # Django adapts process_view by its kind: give the async chain a coroutine
            check = super().process_view

            async def process_view(request, callback, callback_args, callback_kwargs):
                # A cookie, a header and (for POST) the body already in memory: no I/O.
                return check(request, callback, callback_args, callback_kwargs)

            self.process_view = process_view


class AuthenticationMiddleware(InlineMiddleware, _auth.AuthenticationMiddleware):
    pass  # request.user stays lazy: the query runs where it is used


class XFrameOptionsMiddleware(InlineMiddleware, _clickjacking.XFrameOptionsMiddleware):
    pass


class SessionMiddleware(InlineMiddleware, _sessions.SessionMiddleware):
    def needs_thread(self, request, response) -> bool:
        session = getattr(request, "session", None)
        return session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


def _untouched(storage) -> bool:
    return isinstance(storage, SimpleLazyObject) and storage._wrapped is empty


class MessageMiddleware(InlineMiddleware, _messages.MessageMiddleware):
    """Django's messages, with the storage built only when a view or template uses it: the JSON
    API and the long-poll never do, and building it (two storages, a cookie signer) cost a tenth
    of a re-poll's CPU."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def needs_thread(self, request, response) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and not _untouched(storage) and (storage.used or storage.added_new)

    def process_response(self, request, response):
        if _untouched(getattr(request, "_messages", None)):
            return response
        return super().process_response(request, response)


_CSP_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_csp_plain: dict = {}  # header → the policy of a response without overrides or nonce (the settings' own)


@receiver(setting_changed)
def _forget_csp(setting, **_kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_plain.clear()


class CSPMiddleware(InlineMiddleware, _csp.CSPMiddleware):
    """django-csp's header from settings (CPU only, run inline). A response with no per-view
    override and no nonce gets the settings' policy, which is the same every time: it is built
    once (django-csp builds it per response, a twentieth of a re-poll's CPU)."""

    def process_response(self, request, response):
        plain = getattr(request, "_csp_nonce", None) is None and not any(hasattr(response, a) for a in _CSP_OVERRIDES)
        if not plain or (settings.DEBUG and response.status_code in (404, 500)):
            return super().process_response(request, response)
        if not _csp_plain:
            _csp_plain[HEADER] = build_policy()
            _csp_plain[HEADER_REPORT_ONLY] = build_policy(report_only=True)
        for header, exempt, setting in ((HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
                                        (HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY")):
            policy = _csp_plain[header]
            prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            if policy and header not in response and not getattr(response, exempt, False) \
                    and not request.path_info.startswith(prefixes):
                response[header] = policy
        request.csp_nonce = _csp.CheckableLazyObject(self._csp_nonce_post_response)
        return response
