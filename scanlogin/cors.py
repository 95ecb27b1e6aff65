"""CORS by django-cors-headers, deciding per request which web origins may read an answer.

ScanLogin's rule (hostedlogin/cors.py, connected to the library's `check_request_enabled`
signal) reads applications from the database, so under ASGI its decision runs in a worker thread
instead of on the event loop; the library does everything else (preflights, headers, Vary).
"""
from asgiref.sync import sync_to_async
from corsheaders.middleware import CorsMiddleware as LibraryCorsMiddleware


class CorsMiddleware(LibraryCorsMiddleware):
    async def __acall__(self, request):
        if "origin" not in request.headers:
            return await super().__acall__(request)  # nothing to decide: no database either
        response = await sync_to_async(self.check_preflight)(request)
        if response is None:
            response = await self.get_response(request)
        await sync_to_async(self.add_response_headers)(request, response)
        return response
