"""Problem documents (SPEC 8.1): stable codes for 400, 404, 405, 413, and never a 500 for bad input."""

from tests.conftest import auth


def test_unknown_route_is_a_404_problem(client):
    response = client.get("/api/v1/nothing-here", headers=auth("user:a"))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "not_found"


def test_wrong_method_is_a_405_problem(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert response.get_json()["code"] == "method_not_allowed"


def test_job_id_that_is_not_a_uuid_is_404(client):
    response = client.get("/api/v1/jobs/not-a-uuid", headers=auth("user:a"))
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"
