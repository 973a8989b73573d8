"""The DAO settings of SPEC 5.6 over HTTP: `type_rules`, `late_quorum_extension_seconds`,
`early_pass` and `ballot_secrecy` in the create and update bodies, the DAO answer and its events;
early pass refused where 5.6 does not allow it."""

import pytest

from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, events_of, problem
from tests.factories import add_member, make_dao

SETTINGS = {
    "type_rules": {
        "treasury": {"quorum_percent": "40", "pass_threshold_percent": 66.5, "voting_type": "basic"},
        "resource_allocation": {"voting_type": "ranked_choice", "voting_period_seconds": 3600},
        "membership": {"governance_model": "weighted"},
    },
    "late_quorum_extension_seconds": 600,
    "ballot_secrecy": "secret_until_close",
}
# As the answer gives them: percentages as 8-place strings.
SHOWN_RULES = {
    "treasury": {"quorum_percent": "40.00000000", "pass_threshold_percent": "66.50000000", "voting_type": "basic"},
    "resource_allocation": {"voting_type": "ranked_choice", "voting_period_seconds": 3600},
    "membership": {"governance_model": "weighted"},
}


def create(client, subject, **body):
    body = {"slug": unique("vs"), "name": "Settings", **body}
    return client.post("/api/v1/daos", json=body, headers=auth(subject))


def patch(client, dao, subject, **body):
    return client.patch(f"/api/v1/daos/{dao.slug}", json=body, headers=auth(subject))


def test_a_new_dao_has_no_type_rules_no_extension_no_early_pass_and_public_ballots(client):
    dao = create(client, unique("user:o")).get_json()
    assert (dao["type_rules"], dao["late_quorum_extension_seconds"], dao["early_pass"], dao["ballot_secrecy"]) == (
        {}, 0, False, "public")


def test_create_with_the_5_6_settings_shows_them_normalized_in_the_answer_and_the_event(client):
    owner = unique("user:o")
    response = create(client, owner, **SETTINGS)
    assert response.status_code == 201, response.get_json()
    dao = response.get_json()
    assert dao["type_rules"] == SHOWN_RULES
    assert (dao["late_quorum_extension_seconds"], dao["ballot_secrecy"], dao["early_pass"]) == (
        600, "secret_until_close", False)
    [event] = events_of(dao["id"], "dao_created")
    assert event.payload["data"] == {key: value for key, value in dao.items() if key != "project_ids"}
    assert client.get(f"/api/v1/daos/{dao['slug']}", headers=auth(owner)).get_json()["dao"] == dao


def test_early_pass_goes_with_no_vote_change_and_the_models_it_allows(client):
    response = create(client, unique("user:o"), early_pass=True, allow_vote_change=False, governance_model="weighted",
                      type_rules={"treasury": {"governance_model": "quadratic", "quorum_percent": "50"}})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["early_pass"] is True


def test_update_changes_the_5_6_settings_with_an_event_of_what_changed(client):
    dao = make_dao()
    owner = dao.owner_subject_id
    response = patch(client, dao, owner, **SETTINGS)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["type_rules"] == SHOWN_RULES
    [event] = events_of(dao.id, "dao_updated")
    assert event.payload["data"]["changes"] == {
        "type_rules": SHOWN_RULES, "late_quorum_extension_seconds": 600, "ballot_secrecy": "secret_until_close"}
    cleared = patch(client, dao, owner, type_rules={}, late_quorum_extension_seconds=0, ballot_secrecy="public")
    assert (cleared.get_json()["type_rules"], cleared.get_json()["late_quorum_extension_seconds"]) == ({}, 0)
    assert len(events_of(dao.id, "dao_updated")) == 2


@pytest.mark.parametrize("body, field", [
    ({"type_rules": []}, "type_rules"),
    ({"type_rules": "basic"}, "type_rules"),
    ({"type_rules": {"bylaws": {"quorum_percent": "10"}}}, "type_rules.bylaws"),
    ({"type_rules": {"treasury": "strict"}}, "type_rules.treasury"),
    ({"type_rules": {"treasury": {"allow_vote_change": False}}}, "type_rules.treasury.allow_vote_change"),
    ({"type_rules": {"treasury": {"ballot_secrecy": "public"}}}, "type_rules.treasury.ballot_secrecy"),
    ({"type_rules": {"treasury": {"quorum_percent": "100.5"}}}, "type_rules.treasury.quorum_percent"),
    ({"type_rules": {"treasury": {"pass_threshold_percent": "half"}}}, "type_rules.treasury.pass_threshold_percent"),
    ({"type_rules": {"treasury": {"voting_period_seconds": 59}}}, "type_rules.treasury.voting_period_seconds"),
    ({"type_rules": {"treasury": {"governance_model": "plutocracy"}}}, "type_rules.treasury.governance_model"),
    ({"type_rules": {"treasury": {"voting_type": "borda"}}}, "type_rules.treasury.voting_type"),
    ({"late_quorum_extension_seconds": -1}, "late_quorum_extension_seconds"),
    ({"late_quorum_extension_seconds": 31_536_001}, "late_quorum_extension_seconds"),
    ({"late_quorum_extension_seconds": 60.5}, "late_quorum_extension_seconds"),
    ({"early_pass": "sometimes"}, "early_pass"),
    ({"ballot_secrecy": "sealed"}, "ballot_secrecy"),
    ({"ballot_secrecy": None}, "ballot_secrecy"),
])
def test_bad_5_6_settings_are_refused_with_422_on_create_and_update(client, body, field):
    assert field in problem(create(client, "user:a", **body), 422, "validation_error")["errors"]
    dao = make_dao()
    assert field in problem(patch(client, dao, dao.owner_subject_id, **body), 422, "validation_error")["errors"]


@pytest.mark.parametrize("settings, reason", [
    ({}, "allow_vote_change"),  # vote change is allowed by default
    ({"allow_vote_change": False, "governance_model": "delegated"}, "governance model"),
    ({"allow_vote_change": False, "type_rules": {"treasury": {"voting_type": "approval"}}},
     "type_rules.treasury: needs the basic voting type"),
    ({"allow_vote_change": False, "type_rules": {"general": {"governance_model": "delegated"}}},
     "type_rules.general: needs the governance model"),
])
def test_early_pass_is_refused_where_5_6_does_not_allow_it(client, settings, reason):
    errors = problem(create(client, "user:a", early_pass=True, **settings), 422, "validation_error")["errors"]
    assert any(reason in message for message in errors["early_pass"]), errors


def test_an_update_that_would_break_early_pass_is_refused_and_changes_nothing(client):
    dao = make_dao(early_pass=True, allow_vote_change=False)
    owner = dao.owner_subject_id
    for body in ({"allow_vote_change": True}, {"governance_model": "delegated"},
                 {"type_rules": {"membership": {"voting_type": "single_choice"}}}):
        assert "early_pass" in problem(patch(client, dao, owner, **body), 422, "validation_error")["errors"]
    shown = client.get(f"/api/v1/daos/{dao.slug}", headers=auth(owner)).get_json()["dao"]
    assert (shown["allow_vote_change"], shown["governance_model"], shown["type_rules"]) == (False, "simple", {})
    assert patch(client, dao, owner, early_pass=False, allow_vote_change=True).status_code == 200
    assert events_of(dao.id, "dao_updated")[-1].payload["data"]["changes"] == {
        "early_pass": False, "allow_vote_change": True}


def test_the_5_6_settings_need_can_manage_dao_and_a_valid_token(client):
    dao = make_dao()
    member = unique("user:m")
    add_member(dao, member)
    for headers in BAD_CREDENTIALS.values():
        problem(client.post("/api/v1/daos", json={"slug": unique("x"), "name": "x", **SETTINGS}, headers=headers), 401)
        problem(client.patch(f"/api/v1/daos/{dao.slug}", json=SETTINGS, headers=headers), 401)
    problem(patch(client, dao, member, **SETTINGS), 403, "forbidden")
    problem(patch(client, dao, unique("user:stranger"), early_pass=False), 403)
    assert events_of(dao.id, "dao_updated") == []
