"""The whole product as `make up` runs it: embedded Postgres, Redis and NATS, gunicorn API,
Celery worker, beat, consumer and Flower as real processes. A DAO created and a treasury delta
applied over HTTP arrive as events on NATS (SPEC 6)."""

import json
import os
import signal
import sys
import time

import pytest
import requests

from devstack.osutil import find_free_port
from tests.conftest import auth, unique
from tests.natsutil import fetch_events
from tests.stack import Process, TEST_JWT_SECRET


@pytest.fixture(scope="module")
def make_up(tmp_path_factory, log_dir):
    data_dir = tmp_path_factory.mktemp("up-data")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "NATS_URL")}
    api_port, flower_port = find_free_port(), find_free_port()
    env.update(
        GOV_DATA_DIR=str(data_dir), API_PORT=str(api_port), FLOWER_PORT=str(flower_port),
        JWT_SECRET=TEST_JWT_SECRET, SCHEDULER_INTERVAL_SECONDS="1",
    )
    process = Process("make-up", [sys.executable, "-m", "devstack", "up"], env, log_dir).start()
    process.wait_for_log("all processes started", timeout=180)
    base = f"http://127.0.0.1:{api_port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            health = requests.get(f"{base}/healthz", timeout=5)
            if health.status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, process.log()[-4000:]
        time.sleep(0.5)
    nats_port = json.loads((data_dir / "nats" / "ports.json").read_text())["port"]
    yield {"base": base, "nats_url": f"nats://127.0.0.1:{nats_port}", "process": process,
           "flower": f"http://127.0.0.1:{flower_port}", "data_dir": data_dir}
    process.stop(timeout=60)


def test_healthz_is_ok_on_embedded_servers(make_up):
    body = requests.get(f"{make_up['base']}/healthz", timeout=5).json()
    assert (body["status"], body["db"], body["redis"], body["nats"]) == ("ok", "ok", "ok", "ok")


def test_a_dao_and_a_treasury_delta_travel_from_http_to_nats(make_up):
    base, owner, slug = make_up["base"], unique("user:owner"), unique("e2e")
    created = requests.post(f"{base}/api/v1/daos", json={"slug": slug, "name": "E2E"}, headers=auth(owner), timeout=10)
    assert created.status_code == 201, created.text
    delta = requests.post(
        f"{base}/api/v1/daos/{slug}/treasury/deltas",
        json={"token_symbol": "USDC", "delta": "12.5", "reason": "seed"},
        headers=auth(owner, Prefer="wait=20"), timeout=30,
    )
    assert delta.status_code == 201, delta.text
    assert delta.json()["result"]["balance"] == "12.50000000"

    [dao_created] = fetch_events(make_up["nats_url"], f"dao.{slug}.dao_created", 1, timeout=20)
    assert set(dao_created) == {"id", "type", "dao_id", "dao_slug", "actor", "ts", "data", "seq", "prev_hash", "hash"}
    assert (dao_created["type"], dao_created["dao_slug"], dao_created["actor"]) == ("dao_created", slug, owner)
    [updated] = fetch_events(make_up["nats_url"], f"dao.{slug}.treasury_updated", 1, timeout=20)
    assert updated["data"]["balance"] == "12.50000000"


def test_flower_answers(make_up):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(make_up["flower"], timeout=5).status_code in (200, 401):
                return
        except requests.ConnectionError:
            time.sleep(0.5)
    pytest.fail("flower did not answer")


def test_a_second_make_up_in_the_same_folder_refuses(make_up, log_dir):
    env = dict(os.environ, GOV_DATA_DIR=str(make_up["data_dir"]))
    second = Process("make-up-2", [sys.executable, "-m", "devstack", "up"], env, log_dir).start()
    assert second.proc.wait(60) != 0
    assert "already running" in second.log()


def test_sigterm_stops_every_process_and_server(make_up):
    """Runs last in this module: the supervisor exits 0 and nothing listens any more."""
    make_up["process"].proc.send_signal(signal.SIGTERM)
    assert make_up["process"].proc.wait(60) == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{make_up['base']}/healthz", timeout=2)
    assert "stopped" in make_up["process"].log().lower()
