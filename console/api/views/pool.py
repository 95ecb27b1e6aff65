"""/api/v1/pool: the token's own user pool — its login addresses and its custom login domain."""
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from oidc.selectors import pool_login_urls
from tenants.services import pool_custom_domain_set

from ..base import PoolAPIView
from ..schema import errors
from ..serializers.pool import PoolOutputSerializer, PoolPatchSerializer

TAGS = ["pool"]


class PoolView(PoolAPIView):
    @extend_schema(tags=TAGS, operation_id="pool_read", responses={200: PoolOutputSerializer, **errors(404)})
    def get(self, request):
        return Response(PoolOutputSerializer(self.pool, context={"urls": pool_login_urls(request, self.pool)}).data)

    @extend_schema(tags=TAGS, operation_id="pool_update", request=PoolPatchSerializer,
                   responses={200: PoolOutputSerializer, **errors(400, 403, 409, 413, 415)})
    def patch(self, request):
        data = PoolPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "custom_domain" in data.validated_data:
            pool_custom_domain_set(pool=self.pool, domain=data.validated_data["custom_domain"])
        return self.get(request)
