"""/api/v1/users: read and filter end users; block, unblock and unlink identities (admin only)."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from accounts.selectors import end_user_get, end_users_for_pool, identity_get
from accounts.services import end_user_merge, end_user_set_blocked, identity_unlink

from ..base import PoolAPIView
from ..permissions import AdminOnly, HasManagementToken
from ..schema import PAGE_PARAMETERS, errors, paginated
from ..serializers.users import EndUserFilterSerializer, EndUserMergeSerializer, EndUserSerializer

TAGS = ["users"]


class EndUserListView(PoolAPIView):
    @extend_schema(tags=TAGS, operation_id="users_list", parameters=[EndUserFilterSerializer, *PAGE_PARAMETERS],
                   responses={200: paginated(EndUserSerializer), **errors(400, 404)})
    def get(self, request):
        filters = EndUserFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        users = end_users_for_pool(pool=self.pool, **filters.validated_data).select_related("merged_into").prefetch_related(
            "identities__connection")
        return self.paginate(users, EndUserSerializer)


class EndUserDetailView(PoolAPIView):
    @extend_schema(tags=TAGS, operation_id="users_read", responses={200: EndUserSerializer, **errors(404)})
    def get(self, request, sub):
        return Response(EndUserSerializer(end_user_get(pool=self.pool, sub=sub)).data)


class _BlockView(PoolAPIView):
    permission_classes = [HasManagementToken, AdminOnly]
    blocked: bool

    def post(self, request, sub):
        user = end_user_get(pool=self.pool, sub=sub)
        end_user_set_blocked(user=user, blocked=self.blocked)
        return Response(EndUserSerializer(user).data)


def _block_schema(operation_id):
    return extend_schema_view(post=extend_schema(tags=TAGS, operation_id=operation_id, request=None,
                                                 responses={200: EndUserSerializer, **errors(403, 404)}))


@_block_schema("users_block")
class EndUserBlockView(_BlockView):
    blocked = True


@_block_schema("users_unblock")
class EndUserUnblockView(_BlockView):
    blocked = False


class EndUserMergeView(PoolAPIView):
    permission_classes = [HasManagementToken, AdminOnly]

    @extend_schema(
        tags=TAGS, operation_id="users_merge", summary="Merge a user into another", request=EndUserMergeSerializer,
        responses={200: EndUserSerializer, **errors(400, 403, 404, 409)},
        description="Merge this user into the user `into` (the survivor, answered back): its WeChat identities, "
                    "login history and OIDC tokens move to the survivor; this user is blocked and points at it "
                    "(`merged_into`). Both users must be in the token's pool (404 otherwise); a user cannot be "
                    "merged into itself (400 `merge_same_user`) or merged twice (409 `already_merged`).",
    )
    def post(self, request, sub):
        user = end_user_get(pool=self.pool, sub=sub)
        data = EndUserMergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        into = end_user_get(pool=self.pool, sub=data.validated_data["into"])
        survivor = end_user_merge(user=user, into=into, actor=f"api token {request.auth.prefix}")
        return Response(EndUserSerializer(survivor).data)


class IdentityDetailView(PoolAPIView):
    permission_classes = [HasManagementToken, AdminOnly]

    @extend_schema(tags=TAGS, operation_id="users_identity_unlink", responses={204: None, **errors(403, 404)})
    def delete(self, request, sub, identity_id):
        identity = identity_get(user=end_user_get(pool=self.pool, sub=sub), identity_id=identity_id)
        identity_unlink(identity=identity)
        return Response(status=status.HTTP_204_NO_CONTENT)
