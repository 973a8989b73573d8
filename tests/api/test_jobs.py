"""GET /api/v1/jobs/<id> (SPEC 8.2): only the submitter or a platform admin reads a job."""

import uuid

import pytest

from models import Job
from infra.db import transaction
from tests.conftest import auth, unique


@pytest.fixture
def job():
    actor = unique("user:submitter")
    with transaction() as session:
        row = Job(
            id=uuid.uuid4(), kind="apply_treasury_delta", status="failed", actor=actor,
            request={"delta": "1"}, error={"code": "insufficient_funds", "message": "no"},
        )
        session.add(row)
    return row


def test_the_submitter_reads_the_job(client, job):
    response = client.get(f"/api/v1/jobs/{job.id}", headers=auth(job.actor))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"id", "kind", "status", "submitted_at", "started_at", "finished_at", "result", "error"}
    assert body["id"] == str(job.id)
    assert body["error"] == {"code": "insufficient_funds", "message": "no"}
    assert body["submitted_at"].endswith("Z")


def test_another_subject_is_forbidden(client, job):
    response = client.get(f"/api/v1/jobs/{job.id}", headers=auth(unique("user:other")))
    assert response.status_code == 403
    assert response.get_json()["code"] == "forbidden"


def test_a_platform_admin_reads_any_job(client, job):
    response = client.get(f"/api/v1/jobs/{job.id}", headers=auth(unique("user:admin"), roles=["platform_admin"]))
    assert response.status_code == 200


def test_unknown_job_is_404_and_no_token_is_401(client, job):
    assert client.get(f"/api/v1/jobs/{uuid.uuid4()}", headers=auth(job.actor)).status_code == 404
    assert client.get(f"/api/v1/jobs/{job.id}").status_code == 401
