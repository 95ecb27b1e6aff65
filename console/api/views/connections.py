"""/api/v1/connections: list, create, read, update, delete; the applications a connection is enabled for."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from connections.credentials import connection_check_after_save, connection_check_credentials, own_credentials
from connections.models import Connection
from connections.selectors import applications_enabled_for, connection_get
from connections.services import connection_create, connection_delete, connection_update

from ..base import PoolAPIView, UploadMixin
from ..permissions import HasManagementToken
from ..schema import PAGE_PARAMETERS, errors, paginated
from ..serializers.applications import ApplicationOutputSerializer
from ..serializers.connections import (
    ConnectionInputSerializer,
    ConnectionOutputSerializer,
    ConnectionPatchSerializer,
    ConnectionSavedSerializer,
    CredentialCheckSerializer,
)

TAGS = ["connections"]


def _body(serializer_class):
    return {"application/json": serializer_class, "multipart/form-data": serializer_class}


def _saved(request, conn, *, before) -> dict:
    """The connection as saved, with the credential check's verdict when the save gave it new
    credentials of its own (it warns; the save stands either way). Runs after the save committed."""
    body = ConnectionOutputSerializer(conn, context={"request": request}).data
    check = connection_check_after_save(connection=conn, before=before)
    if check is not None:
        body["credentials"] = check.as_dict()
    return body


class ConnectionListView(UploadMixin, PoolAPIView):
    @extend_schema(tags=TAGS, operation_id="connections_list", parameters=PAGE_PARAMETERS,
                   responses={200: paginated(ConnectionOutputSerializer), **errors(400, 404)})
    def get(self, request):
        return self.paginate(Connection.objects.filter(pool=self.pool), ConnectionOutputSerializer)

    @extend_schema(tags=TAGS, operation_id="connections_create", request=_body(ConnectionInputSerializer),
                   responses={201: ConnectionSavedSerializer, **errors(400, 403, 409, 413, 415)})
    def post(self, request):
        data = ConnectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conn = connection_create(pool=self.pool, **data.to_service_kwargs())
        return Response(_saved(request, conn, before=None), status=status.HTTP_201_CREATED)


class ConnectionDetailView(UploadMixin, PoolAPIView):
    def get_connection(self, identifier):
        return connection_get(pool=self.pool, identifier=identifier)

    @extend_schema(tags=TAGS, operation_id="connections_read", responses={200: ConnectionOutputSerializer, **errors(404)})
    def get(self, request, identifier):
        conn = self.get_connection(identifier)
        return Response(ConnectionOutputSerializer(conn, context={"request": request}).data)

    @extend_schema(tags=TAGS, operation_id="connections_update", request=_body(ConnectionPatchSerializer),
                   responses={200: ConnectionSavedSerializer, **errors(400, 403, 404, 413, 415)})
    def patch(self, request, identifier):
        conn = self.get_connection(identifier)
        data = ConnectionPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        before = own_credentials(conn)
        conn = connection_update(connection=conn, **data.to_service_kwargs())
        return Response(_saved(request, conn, before=before))

    @extend_schema(tags=TAGS, operation_id="connections_delete", responses={204: None, **errors(403, 404)})
    def delete(self, request, identifier):
        connection_delete(connection=self.get_connection(identifier))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConnectionApplicationsView(PoolAPIView):
    @extend_schema(tags=TAGS, operation_id="connections_applications_list", parameters=PAGE_PARAMETERS,
                   responses={200: paginated(ApplicationOutputSerializer), **errors(400, 404)})
    def get(self, request, identifier):
        conn = connection_get(pool=self.pool, identifier=identifier)
        return self.paginate(applications_enabled_for(conn), ApplicationOutputSerializer)


class ConnectionCheckCredentialsView(PoolAPIView):
    # Operators may check too (it changes nothing); the check is rate-limited per connection.
    permission_classes = [HasManagementToken]

    @extend_schema(
        tags=TAGS, operation_id="connections_check_credentials", request=None,
        responses={200: CredentialCheckSerializer, **errors(404, 503)},
        description=(
            "Asks WeChat for an access token with the connection's AppID and AppSecret now (for a connection on the "
            "platform's default mini-program: the platform's). Answers 200 `{\"ok\": true}` or `{\"ok\": false, "
            "\"errcode\", \"reason\"}`: 40013 invalid AppID, 40125 wrong AppSecret, 40164 this server's IP is not "
            "whitelisted (`egress_ip` is the address WeChat saw), 40243 AppSecret frozen, `null` when WeChat could not "
            "be reached. Limited per connection (`RATE_LIMIT_CREDENTIAL_CHECK_PER_CONNECTION`: 429 `rate_limited`) and "
            "by the AppID's token budget (503 `wechat_quota_exhausted`), both with Retry-After."
        ),
    )
    def post(self, request, identifier):
        conn = connection_get(pool=self.pool, identifier=identifier)
        return Response(connection_check_credentials(connection=conn).as_dict())
