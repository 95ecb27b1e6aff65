"""/api/v1/applications: CRUD, secret rotation, and enabling connections per application."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from connections.models import Connection
from connections.selectors import connection_get, is_linked
from connections.services import connection_disable_for, connection_enable_for
from tenants.models import Application
from tenants.selectors import application_get
from tenants.services import application_create, application_delete, application_rotate_secret, application_update

from ..base import PoolAPIView
from ..permissions import AdminOnly, HasManagementToken
from ..schema import PAGE_PARAMETERS, errors, paginated
from ..serializers.applications import (
    ApplicationInputSerializer,
    ApplicationOutputSerializer,
    ApplicationPatchSerializer,
    ApplicationWithSecretSerializer,
    ClientSecretSerializer,
    EnablingSerializer,
)
from ..serializers.connections import ConnectionOutputSerializer

TAGS = ["applications"]


class ApplicationListView(PoolAPIView):
    @extend_schema(tags=TAGS, operation_id="applications_list", parameters=PAGE_PARAMETERS,
                   responses={200: paginated(ApplicationOutputSerializer), **errors(400, 404)})
    def get(self, request):
        return self.paginate(Application.objects.filter(pool=self.pool), ApplicationOutputSerializer)

    @extend_schema(tags=TAGS, operation_id="applications_create", request=ApplicationInputSerializer,
                   responses={201: ApplicationWithSecretSerializer, **errors(400, 403, 413, 415)})
    def post(self, request):
        data = ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        app, secret = application_create(pool=self.pool, **data.validated_data)
        body = ApplicationWithSecretSerializer(app, context={"client_secret": secret}).data
        return Response(body, status=status.HTTP_201_CREATED)


class ApplicationDetailView(PoolAPIView):
    @extend_schema(tags=TAGS, operation_id="applications_read", responses={200: ApplicationOutputSerializer, **errors(404)})
    def get(self, request, client_id):
        return Response(ApplicationOutputSerializer(application_get(pool=self.pool, client_id=client_id)).data)

    @extend_schema(tags=TAGS, operation_id="applications_update", request=ApplicationPatchSerializer,
                   responses={200: ApplicationOutputSerializer, **errors(400, 403, 404, 413, 415)})
    def patch(self, request, client_id):
        app = application_get(pool=self.pool, client_id=client_id)
        data = ApplicationPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(ApplicationOutputSerializer(application_update(application=app, **data.validated_data)).data)

    @extend_schema(tags=TAGS, operation_id="applications_delete", responses={204: None, **errors(403, 404)})
    def delete(self, request, client_id):
        application_delete(application=application_get(pool=self.pool, client_id=client_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApplicationRotateSecretView(PoolAPIView):
    permission_classes = [HasManagementToken, AdminOnly]

    @extend_schema(tags=TAGS, operation_id="applications_rotate_secret", request=None,
                   responses={200: ClientSecretSerializer, **errors(403, 404)})
    def post(self, request, client_id):
        app = application_get(pool=self.pool, client_id=client_id)
        secret = application_rotate_secret(application=app)
        return Response({"client_id": app.client_id, "client_secret": secret})


class ApplicationConnectionsView(PoolAPIView):
    @extend_schema(tags=TAGS, operation_id="applications_connections_list", parameters=PAGE_PARAMETERS,
                   responses={200: paginated(ConnectionOutputSerializer), **errors(400, 404)})
    def get(self, request, client_id):
        app = application_get(pool=self.pool, client_id=client_id)
        return self.paginate(Connection.objects.filter(pool=self.pool, links__application=app), ConnectionOutputSerializer)


class EnablingView(PoolAPIView):
    # Operators and admins may enable and disable a connection for an application.

    permission_classes = [HasManagementToken]

    def get_pair(self, client_id, identifier):
        return application_get(pool=self.pool, client_id=client_id), connection_get(pool=self.pool, identifier=identifier)

    @staticmethod
    def answer(app, conn, enabled):
        return Response({"application": app.client_id, "connection": conn.identifier, "enabled": enabled})

    @extend_schema(tags=TAGS, operation_id="applications_connection_read", responses={200: EnablingSerializer, **errors(404)})
    def get(self, request, client_id, identifier):
        app, conn = self.get_pair(client_id, identifier)
        return self.answer(app, conn, is_linked(connection=conn, application=app))

    @extend_schema(tags=TAGS, operation_id="applications_connection_enable", request=None,
                   responses={200: EnablingSerializer, **errors(404)})
    def put(self, request, client_id, identifier):
        app, conn = self.get_pair(client_id, identifier)
        connection_enable_for(connection=conn, application=app)
        return self.answer(app, conn, True)

    @extend_schema(tags=TAGS, operation_id="applications_connection_disable", responses={204: None, **errors(404)})
    def delete(self, request, client_id, identifier):
        app, conn = self.get_pair(client_id, identifier)
        connection_disable_for(connection=conn, application=app)
        return Response(status=status.HTTP_204_NO_CONTENT)
