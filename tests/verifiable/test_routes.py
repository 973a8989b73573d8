"""The routes of verifiable governance (issue 13), each with success, 401, 403 and 422: the audit
export, a proposal's export and ballot proof, the credentials; and the keys, which are public
(no token, no parameter: success only)."""

from __future__ import annotations

import uuid

import pytest

from governance.signatures import key_id, private_key_pem, public_key_pem
from infra.signing import reset_service_key, service_key
from tests.conftest import auth, settings_from, unique
from tests.daos.common import BAD_CREDENTIALS, problem
from tests.disputes.test_routes import MODERATOR_ROLES, act as dispute_act, moderator, open_dispute
from tests.factories import add_member, make_dao
from tests.proposals.helpers import act, create, url
from tests.verifiable.helpers import fetched, finalized

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@pytest.fixture(scope="module")
def closed(app, worker):
    """A finalized proposal of a private DAO."""
    return finalized(app.test_client(), "weighted")


@pytest.fixture(scope="module")
def credential(app):
    """A credential: (its id, its holder)."""
    client = app.test_client()
    dispute = open_dispute(client)
    mod = moderator()
    dispute_act(client, dispute, "moderator", mod, MODERATOR_ROLES)
    dispute_act(client, dispute, "resolve", mod, MODERATOR_ROLES, resolution="ok", outcome="resolved")
    [item] = fetched(client, "/api/v1/credentials", dispute["claimant_id"])["items"]
    return item["id"], dispute["claimant_id"]


def paths(closed, credential) -> list[str]:
    dao, subjects, detail, _ = closed
    return [
        f"/api/v1/daos/{dao.slug}/audit/export",
        url(dao, detail["slug"], "/export"),
        url(dao, detail["slug"], f"/proof?voter={subjects['alice']}"),
        "/api/v1/credentials",
        f"/api/v1/credentials/{credential[0]}",
    ]


# --- keys ---------------------------------------------------------------------------------------

def test_the_keys_are_published_without_a_token(client):
    response = client.get("/api/v1/keys")
    assert response.status_code == 200
    [current, *retired] = response.get_json()["items"]
    public = service_key().public_key()
    assert current == {"key_id": key_id(public), "alg": "Ed25519", "status": "current", "did": f"did:key:{key_id(public)}",
                       "public_key_multibase": key_id(public), "public_key_pem": public_key_pem(public)}
    assert retired == []


def test_after_a_rotation_the_old_key_stays_listed(client):
    old, new = service_key(), Ed25519PrivateKey.generate()
    try:
        with settings_from(SIGNING_KEY=private_key_pem(new), SIGNING_PREVIOUS_KEYS=public_key_pem(old.public_key())):
            reset_service_key()
            items = client.get("/api/v1/keys").get_json()["items"]
    finally:
        reset_service_key()
    assert [(i["key_id"], i["status"]) for i in items] == [
        (key_id(new.public_key()), "current"), (key_id(old.public_key()), "retired")]
    assert service_key().public_key() == old.public_key()


# --- every authenticated route: 401, 403, 422 ---------------------------------------------------

@pytest.mark.parametrize("credentials", list(BAD_CREDENTIALS))
def test_every_route_needs_a_valid_token(client, closed, credential, credentials):
    for path in paths(closed, credential):
        problem(client.get(path, headers=BAD_CREDENTIALS[credentials]), 401, "unauthorized")


def test_a_non_member_of_a_private_dao_is_refused(client, closed, credential):
    outsider = unique("user:outsider")
    for path in paths(closed, credential)[:3]:
        problem(client.get(path, headers=auth(outsider)), 403, "forbidden")


def test_readers_see_the_dao_documents(client, closed):
    dao, subjects, detail, _ = closed
    guest = unique("user:guest")
    add_member(dao, guest, role="guest")
    for path in (f"/api/v1/daos/{dao.slug}/audit/export", url(dao, detail["slug"], "/export"),
                 url(dao, detail["slug"], f"/proof?voter={subjects['carol']}")):
        assert client.get(path, headers=auth(guest)).status_code == 200, path


def test_another_subjects_credentials_are_refused(client, credential):
    credential_id, holder = credential
    other = unique("user:other")
    problem(client.get(f"/api/v1/credentials/{credential_id}", headers=auth(other)), 403, "forbidden")
    problem(client.get(f"/api/v1/credentials?subject_id={holder}", headers=auth(other)), 403, "forbidden")
    admin = auth(unique("user:admin"), ("platform_admin",))
    assert client.get(f"/api/v1/credentials/{credential_id}", headers=admin).status_code == 200
    [item] = client.get(f"/api/v1/credentials?subject_id={holder}", headers=admin).get_json()["items"]
    assert item["id"] == credential_id


@pytest.mark.parametrize("tail", ["?limit=0", "?limit=501", "?cursor=abc", "?since=1"])
def test_the_audit_export_refuses_bad_queries(client, closed, tail):
    dao = closed[0]
    problem(client.get(f"/api/v1/daos/{dao.slug}/audit/export{tail}", headers=auth(dao.owner_subject_id)), 422)


def test_the_proposal_documents_refuse_bad_queries(client, closed):
    dao, _, detail, _ = closed
    owner = auth(dao.owner_subject_id)
    problem(client.get(url(dao, "bad%00slug", "/export"), headers=owner), 422)  # a path value no row holds
    problem(client.get(url(dao, detail["slug"], "/proof"), headers=owner), 422)
    problem(client.get(url(dao, detail["slug"], "/proof?voter="), headers=owner), 422)


def test_the_credential_routes_refuse_bad_input(client, credential):
    holder = auth(credential[1])
    problem(client.get("/api/v1/credentials?limit=0", headers=holder), 422)
    problem(client.get("/api/v1/credentials/not-an-id", headers=holder), 422)
    problem(client.get(f"/api/v1/credentials/{uuid.uuid4()}", headers=holder), 404, "not_found")


# --- states ---------------------------------------------------------------------------------------

def test_before_finalization_there_is_no_export_or_proof(client, worker):
    dao = make_dao()
    owner = dao.owner_subject_id
    proposal = create(client, dao, owner)
    for tail in ("/export", f"/proof?voter={owner}"):
        problem(client.get(url(dao, proposal["slug"], tail), headers=auth(owner)), 409, "invalid_state")
    act(client, dao, proposal["slug"], "activate", owner)
    problem(client.get(url(dao, proposal["slug"], "/export"), headers=auth(owner)), 409, "invalid_state")


def test_a_voter_without_a_ballot_has_no_proof(client, closed):
    dao, subjects, detail, _ = closed
    response = client.get(url(dao, detail["slug"], f"/proof?voter={subjects['bob']}"), headers=auth(dao.owner_subject_id))
    problem(response, 404, "not_found")
    problem(client.get(url(dao, "no-such", "/export"), headers=auth(dao.owner_subject_id)), 404)
