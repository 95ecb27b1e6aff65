"""The token's user pool: slug and name are read-only; the custom login domain can be set."""
from rest_framework import serializers

from .common import StrictInputSerializer


class PoolOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    custom_domain = serializers.CharField(allow_null=True, help_text="The pool's own login domain, or null.")
    issuer = serializers.SerializerMethodField(help_text="The OIDC issuer on ScanLogin's host (/u/<pool>/oidc).")
    login_domain_issuer = serializers.SerializerMethodField(
        help_text="The OIDC issuer on the pool's own login domain (custom domain, else <pool>.<HOSTED_LOGIN_DOMAIN>), or null.")

    def get_issuer(self, pool) -> str:
        return self.context["urls"]["issuer"]

    def get_login_domain_issuer(self, pool) -> str | None:
        return self.context["urls"]["login_domain_issuer"]


class PoolPatchSerializer(StrictInputSerializer):
    custom_domain = serializers.CharField(
        max_length=253, allow_blank=True, allow_null=True, required=False,
        help_text="A host name of your own (e.g. id.example.com); empty or null removes it. Unique across pools. "
                  "Point its DNS at ScanLogin, give the proxy a certificate for it, and add it to ALLOWED_HOSTS.",
    )
