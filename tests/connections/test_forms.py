"""The console's connection form: identifier edges, immutability, private deployment, write-only secret."""
import pytest

from connections.forms import ConnectionForm
from connections.models import Connection
from connections.services import connection_create
from tests.fixtures.console import APP_ID, APP_SECRET

BASE = {"display_name": "WeChat", "callback_url": "https://shop.example.com/cb", "enabled": "on"}


def form_for(pool, instance=None, **data):
    return ConnectionForm(data={**BASE, **data}, pool=pool, instance=instance)


@pytest.mark.parametrize("identifier", ["a", "wechat-pc", "a" * 31, "0-9-z", "-"])
def test_valid_identifiers_are_accepted(pool, identifier):
    form = form_for(pool, identifier=identifier)
    assert form.is_valid(), form.errors
    assert form.save().identifier == identifier


@pytest.mark.parametrize(
    "identifier",
    ["a" * 32, "WeChat", "we_chat", "we chat", "微信", "wéchat", "", " "],
    ids=["32-chars", "uppercase", "underscore", "space", "chinese", "accent", "empty", "blank"],
)
def test_invalid_identifiers_are_refused_on_the_field(pool, identifier):
    form = form_for(pool, identifier=identifier)
    assert not form.is_valid()
    assert "identifier" in form.errors
    assert not Connection.objects.exists()


def test_duplicate_identifier_in_the_same_pool_is_a_form_error(pool, connection):
    form = form_for(pool, identifier=connection.identifier)
    assert not form.is_valid()
    assert "identifier" in form.errors
    assert Connection.objects.filter(pool=pool).count() == 1


def test_same_identifier_in_two_pools_is_allowed(pool, other_pool, other_connection):
    form = form_for(pool, identifier=other_connection.identifier)
    assert form.is_valid(), form.errors
    assert form.save().pool == pool


def test_edit_form_shows_identifier_read_only_and_ignores_a_change(pool, connection):
    form = form_for(pool, instance=connection, identifier="renamed")
    assert form.fields["identifier"].disabled
    assert 'disabled' in str(form["identifier"])
    assert form.is_valid(), form.errors
    form.save()
    connection.refresh_from_db()
    assert connection.identifier == "wechat-pc"


def test_private_deployment_requires_appid_and_secret_on_their_fields(pool):
    form = form_for(pool, identifier="own", private_deployment="on")
    assert not form.is_valid()
    assert "AppID is required" in form.errors["app_id"][0]
    assert "AppSecret is required" in form.errors["app_secret"][0]


@pytest.mark.parametrize(
    "app_id,secret,bad_field",
    [
        ("wx0123", APP_SECRET, "app_id"),
        ("WX0123456789ABCDEF", APP_SECRET, "app_id"),
        ("wx0123456789abcdeg", APP_SECRET, "app_id"),
        (APP_ID, "short", "app_secret"),
        (APP_ID, APP_SECRET + "x", "app_secret"),
        (APP_ID, APP_SECRET[:-1] + "!", "app_secret"),
    ],
)
def test_credential_format_errors_are_shown_on_the_field(pool, app_id, secret, bad_field):
    form = form_for(pool, identifier="own", private_deployment="on", app_id=app_id, app_secret=secret)
    assert not form.is_valid()
    assert set(form.errors) == {bad_field}


def test_private_deployment_with_valid_credentials_saves_encrypted_secret(pool):
    form = form_for(pool, identifier="own", private_deployment="on", app_id=APP_ID, app_secret=APP_SECRET)
    assert form.is_valid(), form.errors
    conn = form.save()
    assert conn.wechat_credentials() == (APP_ID, APP_SECRET)


def test_empty_secret_on_edit_keeps_the_stored_secret(pool, private_connection):
    form = form_for(pool, instance=private_connection, private_deployment="on", app_id=APP_ID, app_secret="",
                    display_name="Renamed")
    assert form.is_valid(), form.errors
    form.save()
    private_connection.refresh_from_db()
    assert private_connection.app_secret == APP_SECRET and private_connection.display_name == "Renamed"


def test_new_secret_on_edit_replaces_the_stored_one(pool, private_connection):
    new = "N" * 32
    form = form_for(pool, instance=private_connection, private_deployment="on", app_id=APP_ID, app_secret=new)
    assert form.is_valid(), form.errors
    form.save()
    private_connection.refresh_from_db()
    assert private_connection.app_secret == new


def test_secret_input_never_renders_a_value(pool, private_connection):
    form = ConnectionForm(instance=private_connection, pool=pool)
    assert APP_SECRET not in form.as_div()
    bound = form_for(pool, instance=private_connection, private_deployment="on", app_id="bad", app_secret=APP_SECRET[::-1])
    assert not bound.is_valid()
    assert APP_SECRET[::-1] not in bound.as_div() and APP_SECRET not in bound.as_div()


def test_linking_options_are_saved(pool):
    form = form_for(pool, identifier="link", linking_enabled="on", link_match_fields=["phone"], link_ask_bind="on")
    assert form.is_valid(), form.errors
    conn = form.save()
    assert conn.link_match_fields == ["phone"] and conn.link_ask_bind


def test_field_matching_offers_only_the_verified_phone(pool):
    form = ConnectionForm(pool=pool)
    assert [value for value, _label in form.fields["link_match_fields"].choices] == ["phone"]
    for field in ("email", "username"):
        bound = form_for(pool, identifier="link", linking_enabled="on", link_match_fields=["phone", field])
        assert not bound.is_valid() and "link_match_fields" in bound.errors


def test_linking_on_needs_field_matching_or_ask_to_bind(pool):
    bound = form_for(pool, identifier="link", linking_enabled="on")
    assert not bound.is_valid() and "linking_enabled" in bound.errors
    assert form_for(pool, identifier="link", linking_enabled="on", link_ask_bind="on").is_valid()


def test_model_refuses_what_it_cannot_honour(connection):
    from django.core.exceptions import ValidationError

    from connections.services import connection_update
    with pytest.raises(ValidationError) as exc:
        connection_update(connection=connection, linking_enabled=True, link_match_fields=["email"])
    assert "link_match_fields" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        connection_update(connection=connection, linking_enabled=True, link_match_fields=[], link_ask_bind=False)
    assert "linking_enabled" in exc.value.message_dict
    assert not Connection.objects.get(pk=connection.pk).linking_enabled


def test_unknown_match_field_is_refused(pool):
    form = form_for(pool, identifier="link", linking_enabled="on", link_match_fields=["shoe-size"])
    assert not form.is_valid() and "link_match_fields" in form.errors


def test_model_refuses_identifier_change_even_via_service(connection):
    from django.core.exceptions import ValidationError

    from connections.services import connection_update
    with pytest.raises(ValidationError):
        connection_update(connection=connection, identifier="renamed")
    assert Connection.objects.get(pk=connection.pk).identifier == "wechat-pc"


def test_model_enforces_31_character_limit(pool):
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError):
        connection_create(pool=pool, identifier="a" * 32, display_name="x", callback_url="https://a.example.com/")
    assert connection_create(pool=pool, identifier="a" * 31, display_name="x", callback_url="https://a.example.com/")
