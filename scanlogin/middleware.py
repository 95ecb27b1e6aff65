"""Project middleware that must stay async-capable under ASGI.

Why it matters: one sync-only middleware makes Django run everything below it in a thread and
call the async long-poll view back through async_to_sync, so every waiting browser would hold a
thread for up to 30 s (10,000 waiters = 10,000 threads). tests/test_middleware.py checks that
every entry of MIDDLEWARE is async-capable.
"""
from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
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
