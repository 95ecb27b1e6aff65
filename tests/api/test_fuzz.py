"""Property-based fuzzing of every operation against the generated OpenAPI schema (schemathesis).

Bounded (FUZZ_MAX_EXAMPLES per operation, default 20) so it fits in CI. Each example runs as
an admin of pool A, with real objects to address half of the time; every answer must be a
documented status with a body matching the schema, and never a 5xx.
"""
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from connections.models import Connection
from tenants.models import Application
from tests.fixtures.api import make_end_user

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))
# What the API promises: no server errors; documented statuses, content types, headers and bodies.
# (Not "every schema-violating input is rejected": DRF accepts 0 for a string field, say, by design.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


# The schema view needs no database, so it loads at collection time (one test per operation).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
schema.config.generation.update(max_examples=MAX_EXAMPLES)


@pytest.fixture
def keep_db_connection(db):
    """Like Django's test client: keep the test's connection (and its transaction) open across
    requests made straight to the WSGI app."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def real_ids(pool) -> dict:
    """Objects of pool A that fuzzed requests may address (recreated when an example deleted them)."""
    conn = Connection.objects.filter(pool=pool, identifier="wechat-pc").first() or Connection.objects.create(
        pool=pool, identifier="wechat-pc", display_name="WeChat", callback_url="https://shop.example.com/cb")
    app, _ = Application.objects.get_or_create(pool=pool, client_id="fuzzapp", defaults={"name": "Fuzz app"})
    user = pool.end_users.filter(identities__isnull=False).first() or make_end_user(pool, connection=conn)
    return {"identifier": conn.identifier, "client_id": app.client_id, "sub": str(user.sub),
            "identity_id": str(user.identities.first().pk)}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_answers_match_the_schema(case, keep_db_connection, pool, api_client, settings):
    settings.MANAGEMENT_API_RATE = "100000/min"
    settings.MEDIA_ROOT = "/tmp/scanlogin-fuzz-media"
    if case.path_parameters and hash(repr(case.path_parameters)) % 2 == 0:
        ids = real_ids(pool)
        case.path_parameters = {k: ids.get(k, v) for k, v in case.path_parameters.items()}
    response = case.call(headers={"Authorization": f"Bearer {api_client.token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    case.validate_response(response, checks=CHECKS, headers={"Authorization": f"Bearer {api_client.token}"})
