"""The production shape described by compose.yaml and the Dockerfile stays what the README says."""
from fnmatch import fnmatch
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
    assert "\nARG BASE_IMAGE=python:3.11-slim\n" in text
    assert text.count("\nFROM ${BASE_IMAGE}") == 2  # a build stage and a final stage on the same base
    assert "collectstatic --noinput" in text and "compilemessages" in text
    assert "\nUSER scanlogin\n" in text
    assert '"uvicorn", "scanlogin.asgi:application"' in text


def _final_stage(text: str) -> str:
    return text[text.rindex("\nFROM ${BASE_IMAGE}"):]


def test_pip_index_settings_stay_in_the_build_stage():
    """Index URLs and the CA bundle are build secrets or build-stage arguments, never in the final image."""
    text = (ROOT / "Dockerfile").read_text()
    assert "--mount=type=secret,id=pip_conf" in text and "--mount=type=secret,id=pip_cert" in text
    final = _final_stage(text)
    assert "PIP_" not in final and "secret" not in final and "gettext" not in final


def test_console_scripts_do_not_import_from_the_virtualenvs_bin():
    """uvicorn and celery start from /opt/venv/bin, where py-ip2region's ip2region.py would shadow the package."""
    assert "PYTHONSAFEPATH=1" in _final_stage((ROOT / "Dockerfile").read_text())


def top_level_packages():
    return sorted(p.name for p in ROOT.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and (p / "__init__.py").exists())


def test_the_image_gets_the_whole_project_so_no_app_is_forgotten():
    text = (ROOT / "Dockerfile").read_text()
    assert "\nCOPY . .\n" in text
    copied = [line.split()[1] for line in text.splitlines() if line.startswith("COPY ") and "--from" not in line]
    assert set(copied) <= {".", "pyproject.toml"}  # no list of folders to keep up to date
    ignored = [line.strip().strip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    left_out = [p for p in top_level_packages() if any(fnmatch(p, pattern) for pattern in ignored)]
    assert set(left_out) <= {"tests", "bench"}  # the suite and benchmarks, never an app


def test_compose_test_shape_swaps_only_the_infrastructure():
    """compose.test.yaml keeps compose.yaml's commands; it changes the image, networking and the URLs."""
    overlay = yaml.safe_load((ROOT / "compose.test.yaml").read_text())["services"]
    assert set(overlay) == {"migrate", "web", "worker", "beat"}
    for name, service in overlay.items():
        assert "command" not in service, name
        assert service["network_mode"] == "host"
        assert set(service["environment"]) == {"DATABASE_URL", "REDIS_URL"}


def test_pool_switch_from_an_object_page_lands_on_its_list():
    from console.site import _changelist_of
    assert _changelist_of("/console/connections/connection/7/change/?x=1") == "/console/connections/connection/"
    assert _changelist_of("/console/tenants/application/") == "/console/tenants/application/"
    assert _changelist_of("/console/") == "/console/"
