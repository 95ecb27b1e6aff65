"""CORS by django-cors-headers, deciding per request which web origins may read an answer.

ScanLogin's rule (hostedlogin/cors.py, connected to the library's `check_request_enabled`
signal) reads applications from the database, so under ASGI its decision runs in a worker thread
instead of on the event loop; the library does everything else (preflights, headers, Vary).
A request without Origin, or from a page of this very host (a browser sends Origin with its POSTs
on the hosted login too), has nothing to decide and stays on the event loop.
"""
from asgiref.sync import sync_to_async
from corsheaders.middleware import CorsMiddleware as LibraryCorsMiddleware
from django.core.exceptions import DisallowedHost


def same_origin(request) -> bool:
    """The request's Origin is this host itself (the hosted login's own page): no CORS at all."""
    try:
        return request.headers.get("origin") == f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return False


class CorsMiddleware(LibraryCorsMiddleware):
    async def __acall__(self, request):
        if "origin" not in request.headers or same_origin(request):
            return await super().__acall__(request)  # nothing to decide: no database either
        response = await sync_to_async(self.check_preflight)(request)
        if response is None:
            response = await self.get_response(request)
        await sync_to_async(self.add_response_headers)(request, response)
        return response
