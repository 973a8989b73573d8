"""Credentials for dispute outcomes (issue 13): a resolved or dismissed dispute gives its claimant
a W3C VC 2.0 issued by the service's did:key with an eddsa-jcs-2022 proof; it is stored, listed,
announced by `dispute.credential_issued`, verified by `python -m verify`, and refused once
altered."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from governance.multibase import did_key
from governance.signatures import key_id
from infra.db import transaction
from infra.signing import service_key
from models import Credential, Event
from tests.conftest import auth, unique
from tests.disputes.test_routes import MODERATOR_ROLES, act, moderator, open_dispute
from tests.verifiable.helpers import fetched, verify


def closed_dispute(client, outcome: str, **fields) -> dict:
    dispute = open_dispute(client, **fields)
    mod = moderator()
    act(client, dispute, "moderator", mod, MODERATOR_ROLES)
    response = act(client, dispute, "resolve", mod, MODERATOR_ROLES, resolution="two hours refunded", outcome=outcome)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def credentials_of(client, subject: str) -> list[dict]:
    return fetched(client, "/api/v1/credentials", subject)["items"]


@pytest.mark.parametrize("outcome, kind", [("resolved", "DisputeResolvedCredential"),
                                           ("dismissed", "DisputeLostCredential")])
def test_the_claimant_of_a_closed_dispute_receives_its_credential(client, tmp_path, outcome, kind):
    dispute = closed_dispute(client, outcome)
    [item] = credentials_of(client, dispute["claimant_id"])
    assert (item["holder_id"], item["dispute_id"], item["type"]) == (dispute["claimant_id"], dispute["id"], kind)
    document = item["credential"]
    assert document["type"] == ["VerifiableCredential", kind]
    assert document["issuer"] == did_key(key_id(service_key().public_key()))
    assert document["id"] == f"urn:uuid:{item['id']}"
    assert document["credentialSubject"]["claimantId"] == dispute["claimant_id"]
    assert document["credentialSubject"]["dispute"] | {"resolvedAt": None} == {
        "id": f"urn:uuid:{dispute['id']}", "respondentId": dispute["respondent_id"],
        "disputedType": dispute["subject_type"], "disputedId": dispute["subject_id"], "outcome": outcome,
        "resolution": "two hours refunded", "resolvedBy": dispute["resolved_by"], "resolvedAt": None,
    }
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    one = fetched(client, f"/api/v1/credentials/{item['id']}", dispute["claimant_id"])
    assert one == document == fetched(client, f"/api/v1/credentials/urn:uuid:{item['id']}", dispute["claimant_id"])
    run = verify(client, one, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"({kind}): eddsa-jcs-2022 proof" in run.stdout and "issuer: trusted key" in run.stdout


def test_an_altered_credential_is_refused(client, tmp_path):
    dispute = closed_dispute(client, "dismissed")
    [item] = credentials_of(client, dispute["claimant_id"])
    altered = copy.deepcopy(item["credential"])
    altered["credentialSubject"]["dispute"]["outcome"] = "resolved"
    run = verify(client, altered, tmp_path)
    assert run.returncode == 1 and run.stdout.count("FAIL") == 1 and "FAIL credential" in run.stdout, run.stdout


def test_the_issue_is_announced_and_only_the_claimant_holds_one(client):
    dispute = closed_dispute(client, "resolved")
    assert credentials_of(client, dispute["respondent_id"]) == []
    [item] = credentials_of(client, dispute["claimant_id"])
    with transaction() as session:
        [event] = session.scalars(select(Event).where(
            Event.type == "dispute.credential_issued",
            Event.payload["data"]["dispute_id"].astext == dispute["id"])).all()
    assert event.subject == "dispute.credential_issued" and event.actor == dispute["resolved_by"]
    data = event.payload["data"]
    assert (data["credential_id"], data["holder_id"], data["credential_type"]) == (
        item["id"], dispute["claimant_id"], "DisputeResolvedCredential")
    assert data["credential"] == item["credential"]


def test_an_escalated_dispute_issues_no_credential(client):
    dispute = open_dispute(client)
    mod = moderator()
    act(client, dispute, "moderator", mod, MODERATOR_ROLES)
    assert act(client, dispute, "escalate", mod, MODERATOR_ROLES).status_code == 200
    with transaction() as session:
        assert session.scalar(select(Credential).where(Credential.dispute_id == dispute["id"])) is None


def test_the_list_is_newest_first_and_paginated(client):
    claimant = unique("user:claimant")
    ids = []
    for outcome in ("resolved", "dismissed", "resolved"):
        closed_dispute(client, outcome, claimant=claimant)
        ids.append(credentials_of(client, claimant)[0]["id"])
    first = client.get("/api/v1/credentials?limit=2", headers=auth(claimant)).get_json()
    second = client.get(f"/api/v1/credentials?limit=2&cursor={first['next_cursor']}", headers=auth(claimant)).get_json()
    assert [i["id"] for i in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None
