"""Bearer access tokens of one pool, as Authlib's resource protector sees them."""
from authlib.oauth2.rfc6750 import BearerTokenValidator, InvalidTokenError

from scanlogin.hashing import sha256_hex

from .models import OAuthToken


class PoolBearerTokenValidator(BearerTokenValidator):
    """Finds a token by its hash inside one pool: another pool's token is unknown (401)."""

    def __init__(self, pool):
        super().__init__()
        self.pool = pool

    def authenticate_token(self, token_string):
        if not token_string or len(token_string) > 200:
            return None
        return OAuthToken.objects.select_related("user").filter(pool=self.pool, access_token_hash=sha256_hex(token_string)).first()

    def validate_token(self, token, scopes, request):
        super().validate_token(token, scopes, request)
        if token.user.blocked:  # a blocked user's tokens stop working at once
            raise InvalidTokenError(realm=self.realm, extra_attributes=self.extra_attributes)
