"""The production shape described by compose.yaml and the Dockerfile stays what the README says."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_web_worker_beat_postgres_and_redis_but_no_simulator():
    services = compose()["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert "uvicorn scanlogin.asgi:application" in " ".join(services["web"]["command"])
    assert " ".join(services["worker"]["command"]).startswith("celery -A scanlogin worker")
    assert " ".join(services["beat"]["command"]).startswith("celery -A scanlogin beat")
    text = (ROOT / "compose.yaml").read_text()
    assert "wechat_simulator" not in text and "8001" not in text


def test_app_services_read_env_file_and_run_with_debug_off():
    services = compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["DEBUG"] == "false"
        assert services[name]["environment"]["WECHAT_SIMULATOR_ENABLED"] == "false"


def test_every_long_running_service_has_a_healthcheck():
    services = compose()["services"]
    for name in ("web", "worker", "beat", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name


def test_dockerfile_builds_a_non_root_slim_image_serving_asgi():
    text = (ROOT / "Dockerfile").read_text()
    assert text.splitlines()[1] == "FROM python:3.11-slim"
    assert "pip install ." in text and "collectstatic --noinput" in text
    assert "\nUSER scanlogin\n" in text
    assert '"uvicorn", "scanlogin.asgi:application"' in text


def test_pool_switch_from_an_object_page_lands_on_its_list():
    from console.site import _changelist_of
    assert _changelist_of("/console/connections/connection/7/change/?x=1") == "/console/connections/connection/"
    assert _changelist_of("/console/tenants/application/") == "/console/tenants/application/"
    assert _changelist_of("/console/") == "/console/"
