"""Project middleware for ASGI: async-capable, and cheap on the event loop.

One sync-only middleware makes Django run everything below it in a thread and call the async
long-poll view back through async_to_sync, so every waiting browser would hold a thread for up
to 30 s (10,000 waiters = 10,000 threads). tests/test_asgi_middleware.py checks that every entry
of MIDDLEWARE is async-capable. The built-in middleware is subclassed to run inline (below).
"""
from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from csp import middleware as _csp
from django.conf import settings
from django.contrib.auth import middleware as _auth
from django.contrib.messages import middleware as _messages
from django.contrib.sessions import middleware as _sessions
from django.middleware import clickjacking as _clickjacking
from django.middleware import common as _common
from django.middleware import csrf as _csrf
from django.middleware import locale as _locale
from django.middleware import security as _security
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


class MessageMiddleware(InlineMiddleware, _messages.MessageMiddleware):
    def needs_thread(self, request, response) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and (storage.used or storage.added_new)


class CSPMiddleware(InlineMiddleware, _csp.CSPMiddleware):
    pass  # builds the Content-Security-Policy header from settings: CPU only
