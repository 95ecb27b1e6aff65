"""Connections: what the API reads back (never the secret) and what it accepts."""
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from connections.logos import process_logo
from connections.models import MatchField

from ..permissions import is_admin
from .common import StrictInputSerializer


class IdentityLinkingSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="Link unknown WeChat identities to existing accounts.")
    match_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=MatchField.choices), help_text="Fields to match on, e.g. [\"phone\"]."
    )
    ask_bind = serializers.BooleanField(help_text="Ask the user to sign in to the existing account once to bind it.")


class IdentityLinkingInputSerializer(StrictInputSerializer, IdentityLinkingSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class ConnectionOutputSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    display_name = serializers.CharField()
    callback_url = serializers.CharField()
    logo = serializers.SerializerMethodField()
    private_deployment = serializers.BooleanField()
    app_id = serializers.CharField()
    app_secret_set = serializers.SerializerMethodField()
    app_secret_last4 = serializers.SerializerMethodField()
    login_only = serializers.BooleanField()
    identity_linking = serializers.SerializerMethodField()
    enabled = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_logo(self, conn):
        return self.context["request"].build_absolute_uri(conn.logo.url) if conn.logo else None

    def get_app_secret_set(self, conn) -> bool:
        return bool(conn.app_secret)

    @extend_schema_field({"type": "string", "nullable": True,
                          "description": "Last 4 characters of the AppSecret; null for operator tokens or when unset."})
    def get_app_secret_last4(self, conn):
        if not is_admin(self.context["request"]):
            return None  # operators never see any part of a secret
        return conn.app_secret_last4 or None

    @extend_schema_field(IdentityLinkingSerializer)
    def get_identity_linking(self, conn):
        return {"enabled": conn.linking_enabled, "match_fields": list(conn.link_match_fields or []),
                "ask_bind": conn.link_ask_bind}


class ConnectionInputSerializer(StrictInputSerializer):
    """Fields accepted on create (POST) and update (PATCH, partial). Rules live in the model's full_clean."""

    identifier = serializers.CharField(max_length=31, help_text="^[a-z0-9-]+$, 1–31 characters; immutable.")
    display_name = serializers.CharField(max_length=60)
    callback_url = serializers.CharField(max_length=500, help_text="Absolute http(s) URL.")
    logo = serializers.FileField(required=False, allow_null=True, help_text="PNG, JPEG or WebP (multipart upload); null removes it.")
    private_deployment = serializers.BooleanField(required=False)
    app_id = serializers.CharField(required=False, allow_blank=True, max_length=18, help_text="wx + 16 hex characters.")
    app_secret = serializers.CharField(
        required=False, allow_blank=True, write_only=True, max_length=64, trim_whitespace=True,
        help_text="32 letters and digits. Write-only: never returned. Empty or absent keeps the stored one.",
    )
    login_only = serializers.BooleanField(required=False)
    identity_linking = IdentityLinkingInputSerializer(required=False)
    enabled = serializers.BooleanField(required=False)

    def validate_logo(self, upload):
        if upload is None:
            return None
        try:
            return process_logo(upload)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_service_kwargs(self) -> dict:
        """validated_data in the shape connection_create/connection_update take."""
        data = dict(self.validated_data)
        linking = data.pop("identity_linking", None) or {}
        renames = {"enabled": "linking_enabled", "match_fields": "link_match_fields", "ask_bind": "link_ask_bind"}
        data.update({renames[k]: v for k, v in linking.items()})
        if "logo" in data and data["logo"] is None:
            data["logo"] = ""
        return data


class ConnectionPatchSerializer(ConnectionInputSerializer):
    identifier = serializers.CharField(required=False, max_length=31, help_text="May be sent only unchanged.")
    display_name = serializers.CharField(required=False, max_length=60)
    callback_url = serializers.CharField(required=False, max_length=500)


class CredentialCheckSerializer(serializers.Serializer):
    """The verdict of a credential check (also the `credentials` field of a save that changed them)."""

    ok = serializers.BooleanField(
        allow_null=True, help_text="true: WeChat accepts the AppID and AppSecret from this server; false: it refused "
                                   "or could not be reached; null (only after a save): the check could not run now.")
    app_id = serializers.CharField(help_text="The AppID checked (the platform's for a connection without private deployment).")
    private_deployment = serializers.BooleanField()
    errcode = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="WeChat's errcode when ok is false: 40013 invalid AppID, 40125 wrong AppSecret, 40164 this server's "
                  "IP is not whitelisted, 40243 AppSecret frozen; null when WeChat could not be reached.")
    reason = serializers.CharField(required=False, help_text="What it means and what to fix, in the request's language.")
    egress_ip = serializers.CharField(required=False, help_text="With 40164: the IP address WeChat saw calling (whitelist it).")


class ConnectionSavedSerializer(ConnectionOutputSerializer):
    credentials = CredentialCheckSerializer(
        required=False, help_text="Present when the save gave the connection new credentials of its own: the credential "
                                  "check's verdict. A warning only: the connection was saved either way.")
