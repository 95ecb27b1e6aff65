"""Login events: the pool's audit trail, read-only."""
from rest_framework import serializers

from accounts.models import LoginOutcome


class LoginEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    outcome = serializers.ChoiceField(choices=LoginOutcome.choices)
    reason = serializers.CharField()
    user = serializers.UUIDField(source="user.sub", allow_null=True, help_text="End user sub")
    connection = serializers.CharField(source="connection.identifier", allow_null=True, help_text="Connection identifier")
    application = serializers.CharField(source="application.client_id", allow_null=True, help_text="Application client_id")
    ip = serializers.IPAddressField(allow_null=True)
    region = serializers.JSONField(help_text='Where the IP was when the event was written: {"country", "province", "city"}, '
                                             '{"local": true} for a private or loopback address, or {} when unknown')
    user_agent = serializers.CharField()


class LoginEventFilterSerializer(serializers.Serializer):
    user = serializers.UUIDField(required=False, help_text="End user sub")
    connection = serializers.CharField(required=False, max_length=31, help_text="Connection identifier")
    application = serializers.CharField(required=False, max_length=64, help_text="Application client_id")
    outcome = serializers.ChoiceField(required=False, choices=LoginOutcome.choices)
    since = serializers.DateTimeField(required=False, help_text="ISO 8601; events at or after")
    until = serializers.DateTimeField(required=False, help_text="ISO 8601; events before")
