"""Cursor pagination for every list: stable under inserts, newest first."""
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from .errors import ApiError


class NewestFirstCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        """A cursor that is not one we issued is bad input (400 invalid_cursor), not a missing page."""
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ApiError(400, "invalid_cursor", "The cursor is not valid: use a `next` or `previous` link from a list answer.") from exc
