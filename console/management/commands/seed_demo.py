"""Seed the embedded demo: a pool, its admin, an application and a PC scan connection.

Idempotent: running it again leaves one of each and resets the demo admin's password.
"""
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import EndUser
from accounts.services import end_user_create
from connections.models import Connection
from connections.services import connection_create, connection_enable_for
from scanlogin.config_cache import config_cache
from scanlogin.hashing import sha256_hex
from tenants.models import Application, Role, UserPool
from tenants.services import application_create, membership_set

DEMO_POOL = "demo"
DEMO_ADMIN = "admin"
DEMO_APP_CLIENT_ID = "demo-app"
DEMO_END_USER = "demo-user"


class Command(BaseCommand):
    help = "Create (or refresh) the demo pool, admin, application and connection."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DEMO_HOST", "http://127.0.0.1:8000"))

    def handle(self, *args, host, **options):
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "scanlogin-demo")
        pool, _ = UserPool.objects.get_or_create(slug=DEMO_POOL, defaults={"name": "Demo pool"})
        admin = self._admin(password)
        membership_set(user=admin, pool=pool, role=Role.ADMIN)
        app = self._application(pool, host)
        conn = Connection.objects.filter(pool=pool, identifier="wechat-pc").first() or connection_create(
            pool=pool,
            identifier="wechat-pc",
            display_name="WeChat",
            callback_url=f"{host}/u/{pool.slug}/welcome",
        )
        connection_enable_for(connection=conn, application=app)
        self._scanflow_demo(pool, app, host)
        self._example_clients(pool, conn)
        self.stdout.write(self.style.SUCCESS("Demo ready."))
        self.stdout.write(f"  Console:        {host}/console/")
        self.stdout.write(f"  Demo admin:     {DEMO_ADMIN} / {password}")
        self.stdout.write(f"  Hosted login:   {host}/u/{pool.slug}/login?app_id={app.client_id}")
        self.stdout.write(f"  OIDC discovery: {host}/u/{pool.slug}/oidc/.well-known/openid-configuration")
        self.stdout.write(f"  OIDC client:    {app.client_id} / {self._client_secret(app)} (redirect URI {host}/u/{pool.slug}/welcome)")

    def _scanflow_demo(self, pool, app, host):
        """Connections whose settings change the outcome, and an existing end user to match or bind."""
        variants = [
            ("wechat-members", "WeChat (members only)", {"login_only": True}),
            ("wechat-link", "WeChat (link account)", {"linking_enabled": True, "link_match_fields": ["phone"], "link_ask_bind": True}),
        ]
        for identifier, name, fields in variants:
            conn = Connection.objects.filter(pool=pool, identifier=identifier).first() or connection_create(
                pool=pool, identifier=identifier, display_name=name, callback_url=f"{host}/u/{pool.slug}/welcome", **fields)
            connection_enable_for(connection=conn, application=app)
        password = os.environ.get("DEMO_USER_PASSWORD", "demo-user-pass")
        user = EndUser.objects.filter(pool=pool, username=DEMO_END_USER).first() or end_user_create(
            pool=pool, username=DEMO_END_USER, phone="+8613800138000", phone_verified=True, nickname="Demo User",
            email="demo.user@example.com")
        user.set_password(password)
        user.save(update_fields=["password"])
        self.stdout.write(f"  Demo end user:  {DEMO_END_USER} / {password} (phone +8613800138000)")

    def _example_clients(self, pool, conn):
        """The sample website's clients (examples/website, `make example`) on its own origin."""
        origin = os.environ.get("EXAMPLE_ORIGIN", "http://localhost:8002")
        for client_id, kind, name in (("example-site", "confidential", "Example shop"), ("example-spa", "public", "Example shop (single-page)")):
            app = Application.objects.filter(pool=pool, client_id=client_id).first()
            if app is None:
                app, _secret = application_create(pool=pool, name=name, client_type=kind, redirect_uris=[f"{origin}/callback"],
                                                  web_origins=[origin], description="The sample website of examples/website.")
                Application.objects.filter(pk=app.pk).update(client_id=client_id)
                config_cache.changed()  # an UPDATE sends no signal
                app.refresh_from_db()
            if kind == "confidential":
                app.client_secret_hash = sha256_hex(os.environ.get("EXAMPLE_CLIENT_SECRET", "example-site-secret"))
                app.save(update_fields=["client_secret_hash"])
            connection_enable_for(connection=conn, application=app)
        self.stdout.write(f"  Sample website: {origin}/ (make example; clients example-site / example-site-secret and example-spa)")

    def _admin(self, password):
        User = get_user_model()
        admin, _ = User.objects.get_or_create(username=DEMO_ADMIN, defaults={"email": "admin@example.com"})
        admin.is_staff = True
        admin.is_active = True
        admin.set_password(password)
        admin.save()
        return admin

    def _client_secret(self, app) -> str:
        """A known secret for the demo application only, so the README's OIDC sample runs as is."""
        secret = os.environ.get("DEMO_CLIENT_SECRET", "demo-client-secret")
        app.client_secret_hash = sha256_hex(secret)
        app.save(update_fields=["client_secret_hash"])
        return secret

    def _application(self, pool, host):
        app = Application.objects.filter(pool=pool, client_id=DEMO_APP_CLIENT_ID).first()
        if app is None:
            app, _secret = application_create(
                pool=pool,
                name="Demo website",
                description="A sample website that logs its users in with WeChat scan.",
                redirect_uris=[f"{host}/u/{pool.slug}/welcome"],
            )
            Application.objects.filter(pk=app.pk).update(client_id=DEMO_APP_CLIENT_ID)
            config_cache.changed()  # an UPDATE sends no signal
            app.refresh_from_db()
        return app
