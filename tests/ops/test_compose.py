"""docker-compose.yml and the Dockerfile (no Docker engine here): the file parses, has every
service of a production-like deployment with health checks, and every command names a real
entry point of the project, the same as devstack/processes.py runs."""

from __future__ import annotations

import importlib
import importlib.util
import re

import pytest
import yaml

from devstack import processes
from tests.stack import ROOT

SERVICES = {"postgres", "redis", "nats", "migrate", "api", "worker", "beat", "consumer", "flower"}
APP_SERVICES = {"migrate", "api", "worker", "beat", "consumer", "flower"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def expected_commands() -> dict[str, list[str]]:
    """devstack/processes.py's commands, as the image runs them (`python`, data in /data)."""
    commands = processes.service_commands(data_dir="/data", flower_port=5555, python="python")
    commands["migrate"] = processes.migrate_command(python="python")
    return commands


def test_the_file_has_every_service_with_health_checks(compose):
    services = compose["services"]
    assert set(services) == SERVICES
    for name in SERVICES - {"migrate"}:
        assert "healthcheck" in services[name], name
        assert services[name].get("restart") == "unless-stopped", name
    assert services["migrate"]["restart"] == "no"


def test_nats_runs_jetstream_on_a_volume(compose):
    nats = compose["services"]["nats"]
    assert "--jetstream" in nats["command"]
    store = nats["command"][nats["command"].index("--store_dir") + 1]
    assert any(v.split(":")[1] == store and v.split(":")[0] in compose["volumes"] for v in nats["volumes"])


def test_migrations_run_once_before_the_application_starts(compose):
    services = compose["services"]
    for name in APP_SERVICES - {"migrate"}:
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        for server in ("postgres", "redis", "nats"):
            assert depends[server] == {"condition": "service_healthy"}, (name, server)
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_the_worker_can_be_scaled(compose):
    worker = compose["services"]["worker"]
    assert "container_name" not in worker and "ports" not in worker
    assert worker["command"][worker["command"].index("-n") + 1] == "worker@%h"  # one name per container


def test_every_command_is_the_projects_own(compose):
    for name, command in expected_commands().items():
        actual = compose["services"][name]["command"]
        assert actual == command, name


def test_every_command_names_a_real_entry_point(compose):
    for name in APP_SERVICES:
        command = compose["services"][name]["command"]
        assert command[:2] == ["python", "-m"], name
        module = command[2]
        assert importlib.util.find_spec(module) is not None, (name, module)
        if module == "celery":
            path, _, attribute = command[command.index("-A") + 1].partition(":")
            assert getattr(importlib.import_module(path), attribute).main == "governance"
        if module == "gunicorn":
            config = command[command.index("--config") + 1].removeprefix("python:")
            importlib.import_module(config)
            factory = re.fullmatch(r"([\w.]+):(\w+)\(\)", command[-1])
            assert callable(getattr(importlib.import_module(factory.group(1)), factory.group(2)))
        if module == "consumer":
            assert importlib.util.find_spec("consumer.__main__") is not None


def test_the_application_is_configured_from_the_environment(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        for key in ("DATABASE_URL", "REDIS_URL", "NATS_URL", "JWT_SECRET"):
            assert key in env, (name, key)
    assert services["api"]["environment"]["API_HOST"] == "0.0.0.0"
    assert services["flower"]["environment"]["FLOWER_BASIC_AUTH"].startswith("${FLOWER_BASIC_AUTH:?")
    beat_schedule = services["beat"]["command"][services["beat"]["command"].index("--schedule") + 1]
    assert any(volume.endswith(":/data") for volume in services["beat"]["volumes"]) and beat_schedule.startswith("/data/")


def test_the_dockerfile_installs_the_runtime_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "\nFROM python:3.11" in dockerfile
    assert "sed -n '/^# runtime/,/^# embedded/p' requirements.txt" in dockerfile
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    runtime = lines[lines.index("# runtime"):next(i for i, line in enumerate(lines) if line.startswith("# embedded"))]
    packages = {line.split("==")[0].split("[")[0].lower() for line in runtime if line and not line.startswith("#")}
    assert {"celery", "gunicorn", "flask", "sqlalchemy", "alembic", "nats-py", "flower", "prometheus_client"} <= packages
    assert "USER governance" in dockerfile
