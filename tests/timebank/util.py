"""Helpers shared by the time-credit tests."""

from tests.conftest import auth

ADMIN = "user:platform-admin"
WAIT = {"Prefer": "wait=15"}


def adjust(client, subject_id, amount, note="seed", caller=ADMIN, roles=("platform_admin",), **headers):
    return client.post(
        "/api/v1/timebank/adjustments", json={"subject_id": subject_id, "amount": amount, "note": note},
        headers=auth(caller, roles, **headers),
    )


def fund(client, subject_id, amount) -> None:
    response = adjust(client, subject_id, amount, **WAIT)
    assert response.get_json()["status"] == "succeeded", response.get_json()


def transfer(client, sender, to, amount, note="thanks", **headers):
    return client.post(
        "/api/v1/timebank/transfers", json={"to_subject_id": to, "amount": amount, "note": note},
        headers=auth(sender, **headers),
    )


def deposit(client, slug, subject, amount="1", **headers):
    return client.post(f"/api/v1/daos/{slug}/treasury/time-deposits", json={"amount": amount},
                       headers=auth(subject, **headers))


def balance(client, subject) -> dict:
    response = client.get("/api/v1/timebank/balance", headers=auth(subject))
    assert response.status_code == 200
    return response.get_json()
