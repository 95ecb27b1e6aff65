"""An application seen as an OAuth client (Authlib's ClientMixin), always inside one pool."""
from authlib.oauth2.rfc6749 import ClientMixin, scope_to_list

from scanlogin.errors import NotFound
from tenants.models import Application
from tenants.selectors import application_get

SCOPES_SUPPORTED = ["openid", "profile", "phone"]


class PoolClient(ClientMixin):
    def __init__(self, application: Application):
        self.application = application
        self.client_id = application.client_id

    @property
    def is_public(self) -> bool:
        return self.application.is_public_client

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        uris = self.application.redirect_uris
        return uris[0] if len(uris) == 1 else None

    def get_allowed_scope(self, scope):
        return " ".join(s for s in scope_to_list(scope or "") if s in SCOPES_SUPPORTED)

    def check_redirect_uri(self, redirect_uri):
        # Exact match only: no prefix, no wildcard, no normalisation (no open redirect).
        return redirect_uri in self.application.redirect_uris

    def check_client_secret(self, client_secret):
        return not self.is_public and self.application.check_client_secret(client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        if endpoint != "token":
            return True
        return method == "none" if self.is_public else method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in ("authorization_code", "refresh_token")


def client_for(pool, client_id) -> PoolClient | None:
    """The pool's application as a client; another pool's client_id is as unknown as none."""
    try:
        return PoolClient(application_get(pool=pool, client_id=client_id))
    except NotFound:
        return None
