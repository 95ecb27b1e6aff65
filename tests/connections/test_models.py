"""Connection model rules: immutability, encrypted secret, private-deployment credentials."""
import pytest
from django.core.exceptions import ValidationError
from django.db import connection as db

from connections.models import Connection
from connections.services import connection_create, connection_enable_for, connection_update

SECRET = "a" * 28 + "Z9y8"


def test_model_save_refuses_identifier_change(connection):
    connection.identifier = "renamed"
    with pytest.raises(ValidationError) as exc:
        connection.save()
    assert "identifier" in exc.value.message_dict
    assert Connection.objects.get(pk=connection.pk).identifier == "wechat-pc"


def test_app_secret_is_encrypted_in_the_raw_column(pool):
    conn = connection_create(
        pool=pool, identifier="own", display_name="Own", callback_url="https://a.example.com/cb",
        private_deployment=True, app_id="wx0123456789abcdef", app_secret=SECRET,
    )
    with db.cursor() as cur:
        cur.execute("SELECT app_secret FROM connections_connection WHERE id = %s", [conn.pk])
        raw = cur.fetchone()[0]
    assert SECRET not in raw and raw.startswith("enc1:")
    assert Connection.objects.get(pk=conn.pk).app_secret == SECRET


def test_empty_secret_on_update_keeps_the_stored_one(pool):
    conn = connection_create(
        pool=pool, identifier="own", display_name="Own", callback_url="https://a.example.com/cb",
        private_deployment=True, app_id="wx0123456789abcdef", app_secret=SECRET,
    )
    connection_update(connection=conn, display_name="Renamed", app_secret="")
    conn.refresh_from_db()
    assert conn.app_secret == SECRET and conn.display_name == "Renamed"
    assert conn.app_secret_last4 == "Z9y8"


def test_private_deployment_requires_credentials(pool):
    with pytest.raises(ValidationError) as exc:
        connection_create(pool=pool, identifier="own", display_name="Own", callback_url="https://a.example.com/cb", private_deployment=True)
    assert {"app_id", "app_secret"} <= set(exc.value.message_dict)
    assert not Connection.objects.filter(identifier="own").exists()


def test_enable_refuses_application_of_another_pool(connection, other_application):
    with pytest.raises(ValidationError):
        connection_enable_for(connection=connection, application=other_application)
    assert not connection.links.exists()
