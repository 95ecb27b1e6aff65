"""End users and their linked identities (read-only fields; block/unblock/unlink are actions)."""
from rest_framework import serializers

from .common import StrictInputSerializer


class IdentitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    app_id = serializers.CharField()
    openid = serializers.CharField()
    unionid = serializers.CharField()
    connection = serializers.CharField(source="connection.identifier", allow_null=True, help_text="Connection identifier")
    first_seen_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()


class EndUserSerializer(serializers.Serializer):
    sub = serializers.UUIDField()
    phone = serializers.CharField()
    phone_verified = serializers.BooleanField()
    nickname = serializers.CharField()
    avatar = serializers.CharField()
    username = serializers.CharField()
    email = serializers.CharField()
    blocked = serializers.BooleanField()
    merged_into = serializers.UUIDField(source="merged_into.sub", allow_null=True, default=None,
                                        help_text="The sub of the user this one was merged into, or null.")
    created_at = serializers.DateTimeField()
    last_login_at = serializers.DateTimeField(allow_null=True)
    identities = IdentitySerializer(many=True, read_only=True)


class EndUserFilterSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, max_length=32)
    blocked = serializers.BooleanField(required=False, allow_null=True, default=None)


class EndUserMergeSerializer(StrictInputSerializer):
    into = serializers.UUIDField(help_text="The sub of the user that survives the merge (same pool).")
