"""Bearer authentication with a pool's management token (`Authorization: Bearer slm_…`)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from tenants.tokens import token_authenticate


class TokenPrincipal:
    """request.user for API calls: the token's pool and role, never a console staff user."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, token):
        self.token, self.pool, self.role = token, token.pool, token.role

    def __str__(self):
        return f"token {self.token.prefix}"


class ManagementTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        try:
            header = authentication.get_authorization_header(request).split()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("The token is invalid, expired or revoked.")) from None
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # -> 401 not_authenticated
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        # One message for unknown, wrong, expired and revoked tokens: no oracle for guessers.
        token = token_authenticate(plaintext)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is invalid, expired or revoked."))
        return TokenPrincipal(token), token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
