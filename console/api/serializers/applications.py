"""Applications: client_id is read-only; client_secret appears only when created or rotated."""
from rest_framework import serializers

from tenants.origins import validate_web_origin

from .common import StrictInputSerializer


class ApplicationOutputSerializer(serializers.Serializer):
    client_id = serializers.CharField(read_only=True)
    name = serializers.CharField()
    description = serializers.CharField()
    redirect_uris = serializers.ListField(child=serializers.CharField())
    web_origins = serializers.ListField(child=serializers.CharField(), help_text="Exact origins allowed to call ScanLogin from a browser (CORS).")
    client_type = serializers.CharField(help_text="confidential (client secret at the token endpoint) or public (PKCE S256, no secret).")
    created_at = serializers.DateTimeField()


class ApplicationWithSecretSerializer(ApplicationOutputSerializer):
    client_secret = serializers.SerializerMethodField(help_text="Shown only in this answer; store it now.")

    def get_client_secret(self, app) -> str:
        return self.context["client_secret"]


class ClientSecretSerializer(serializers.Serializer):
    client_id = serializers.CharField()
    client_secret = serializers.CharField(help_text="Shown only in this answer; the old secret stops working.")


class ApplicationInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    redirect_uris = serializers.ListField(
        child=serializers.URLField(max_length=500), required=False, max_length=20,
        help_text="Absolute URLs the OIDC login may redirect back to.",
    )
    web_origins = serializers.ListField(
        child=serializers.CharField(max_length=200, validators=[validate_web_origin]), required=False, max_length=20,
        help_text="Exact origins (scheme://host[:port], no path, no wildcard) of the pages that use the browser SDK; "
                  "only these get CORS on the ticket API and the token endpoint.",
    )
    client_type = serializers.ChoiceField(
        choices=["confidential", "public"], required=False,
        help_text="confidential (default): authenticates with its client secret; public: PKCE S256, no secret.",
    )


class ApplicationPatchSerializer(ApplicationInputSerializer):
    name = serializers.CharField(required=False, max_length=100)


class EnablingSerializer(serializers.Serializer):
    application = serializers.CharField(help_text="client_id")
    connection = serializers.CharField(help_text="identifier")
    enabled = serializers.BooleanField()
