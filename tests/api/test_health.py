"""GET /healthz checks each dependency for real (SPEC 9)."""

import subprocess
import sys

from tests.stack import ROOT


def test_healthz_reports_every_dependency_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok"
    assert (body["db"], body["redis"], body["nats"]) == ("ok", "ok", "ok")
    assert isinstance(body["uptime_seconds"], int)


def test_healthz_answers_503_when_a_dependency_is_down(stack):
    """A separate process pointed at a NATS port where nothing listens."""
    from devstack.osutil import find_free_port

    code = (
        "from api.app import create_app;"
        "r = create_app().test_client().get('/healthz');"
        "print(r.status_code, r.get_json()['nats'].replace(' ', ''), r.get_json()['db'])"
    )
    env = stack.env(NATS_URL=f"nats://127.0.0.1:{find_free_port()}")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    status, nats_state, db_state = out.stdout.strip().splitlines()[-1].split(maxsplit=2)
    assert status == "503"
    assert nats_state.startswith("error")
    assert db_state == "ok"
