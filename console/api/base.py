"""The base view every management API endpoint uses: token auth, roles, throttle, pagination."""
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from .auth import ManagementTokenAuthentication
from .pagination import NewestFirstCursorPagination
from .permissions import AdminOrReadOnly, HasManagementToken
from .throttling import ManagementTokenThrottle


class JSONAnswers(DefaultContentNegotiation):
    """The API answers JSON whatever the Accept header asks for (no 406): it has no other form."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PoolAPIView(APIView):
    # Every query of a subclass is scoped to `self.pool`, the pool of the calling token.
    # (A comment, not a docstring: view docstrings become OpenAPI descriptions.)

    authentication_classes = [ManagementTokenAuthentication]
    permission_classes = [HasManagementToken, AdminOrReadOnly]
    throttle_classes = [ManagementTokenThrottle]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONAnswers
    pagination_class = NewestFirstCursorPagination

    @property
    def pool(self):
        return self.request.auth.pool

    def paginate(self, queryset, serializer_class, **context):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        data = serializer_class(page, many=True, context={"request": self.request, **context}).data
        return paginator.get_paginated_response(data)


class UploadMixin:
    # Multipart (logo upload) and form bodies besides JSON.
    parser_classes = [JSONParser, MultiPartParser, FormParser]
