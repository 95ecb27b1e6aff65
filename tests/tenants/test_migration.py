"""The pool models moved from the console app to tenants: a database made before the move,
with rows in it, migrates forward with every row and every relation intact."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import EndUser, Identity, LoginEvent
from connections.models import Connection
from tenants.models import Application, ManagementToken, Membership, UserPool
from tenants.tokens import token_authenticate

BEFORE_THE_MOVE = [
    ("console", "0002_application_client_type"),
    ("connections", "0001_initial"),
    ("accounts", "0001_initial"),
    ("hostedlogin", "0001_initial"),
    ("oidc", "0001_initial"),
    ("tenants", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def old_rows(apps):
    """Rows written through the historical (pre-move) models, as a database of that time had them."""
    User = apps.get_model("auth", "User")
    from django.contrib.contenttypes.models import ContentType  # its table is not part of the move

    ContentType.objects.get_or_create(app_label="console", model="application")
    pool = apps.get_model("console", "UserPool").objects.create(slug="acme", name="Acme")
    staff = User.objects.create(username="alice", is_staff=True)
    apps.get_model("console", "Membership").objects.create(user=staff, pool=pool, role="admin")
    app = apps.get_model("console", "Application").objects.create(
        pool=pool, name="Shop", client_id="shop-client", client_secret_hash="0" * 64, redirect_uris=["https://shop.example/cb"],
        client_type="public")
    from scanlogin.hashing import sha256_hex
    apps.get_model("console", "ManagementToken").objects.create(
        pool=pool, name="CI", role="admin", prefix="abcdef123456", token_hash=sha256_hex("slm_abcdef123456_secret"))
    conn = apps.get_model("connections", "Connection").objects.create(
        pool=pool, identifier="wechat-pc", display_name="WeChat", callback_url="https://shop.example/after")
    apps.get_model("connections", "ConnectionApplication").objects.create(connection=conn, application=app)
    user = apps.get_model("accounts", "EndUser").objects.create(pool=pool, phone="+8613800138000", phone_verified=True)
    apps.get_model("accounts", "Identity").objects.create(pool=pool, user=user, connection=conn, app_id="wx00000000000000d0", openid="o1")
    apps.get_model("accounts", "LoginEvent").objects.create(pool=pool, user=user, connection=conn, application=app, outcome="created")


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_row_and_relation():
    old_rows(migrate(BEFORE_THE_MOVE))
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)

    pool = UserPool.objects.get(slug="acme")
    app = Application.objects.get(client_id="shop-client")
    assert app.pool == pool and app.redirect_uris == ["https://shop.example/cb"] and app.is_public_client
    assert Membership.objects.get(pool=pool).user.username == "alice"
    token = ManagementToken.objects.get(pool=pool)
    assert token_authenticate("slm_abcdef123456_secret") == token
    conn = Connection.objects.get(pool=pool, identifier="wechat-pc")
    assert list(conn.applications.all()) == [app]
    user = EndUser.objects.get(pool=pool)
    assert Identity.objects.get(user=user).connection == conn
    event = LoginEvent.objects.get(pool=pool)
    assert (event.user, event.application, event.connection) == (user, app, conn)

    from django.contrib.contenttypes.models import ContentType
    assert ContentType.objects.get_for_model(Application).app_label == "tenants"
    assert not ContentType.objects.filter(app_label="console", model="application").exists()
