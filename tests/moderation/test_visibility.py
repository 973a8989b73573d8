"""Moderation `hide` and `remove` on a proposal take effect (SPEC 7, issue 11): the proposal is
not listed or shown to members without can_moderate or can_audit (404 as if absent), its events
leave their activity feed, and `restore` brings it back; the latest of the three decides."""

import pytest

from tests.conftest import auth, unique
from tests.daos.common import problem, walk
from tests.factories import add_member, make_dao
from tests.proposals.helpers import act, create, url

MODERATION = "/api/v1/moderation/actions"


@pytest.fixture
def setting(client):
    """A public DAO, its members and two proposals, one of them by a plain member."""
    dao = make_dao(is_public=True)
    people = {name: unique(f"user:{name}") for name in ("member", "observer", "moderator")}
    add_member(dao, people["member"])
    add_member(dao, people["observer"], role="observer")  # can_audit
    add_member(dao, people["moderator"], role="guest")
    hidden = create(client, dao, people["member"], title="Spam offer")
    kept = create(client, dao, dao.owner_subject_id, title="Roof repair")
    return dao, people, hidden, kept


def moderate(client, dao, proposal_id: str, action: str, actor=None, roles=()):
    response = client.post(MODERATION, json={"target_type": "proposal", "target_id": proposal_id, "action": action,
                                             "reason": "moderation test"},
                           headers=auth(actor or dao.owner_subject_id, roles))
    assert response.status_code == 201, response.get_json()


def listed(client, dao, subject, roles=()) -> list[str]:
    response = client.get(url(dao), headers=auth(subject, roles))
    assert response.status_code == 200, response.get_json()
    return [p["slug"] for p in response.get_json()["items"]]


def shown(client, dao, slug, subject, roles=()) -> int:
    return client.get(url(dao, slug), headers=auth(subject, roles)).status_code


def activity_about(client, dao, subject, proposal_id) -> int:
    events = walk(client, f"/api/v1/daos/{dao.slug}/activity", subject, limit=500)
    return sum(1 for e in events if e["data"].get("proposal_id") == proposal_id)


@pytest.mark.parametrize("action", ["hide", "remove"])
def test_a_hidden_proposal_is_out_of_sight_of_plain_members(client, setting, action):
    dao, people, hidden, kept = setting
    moderate(client, dao, hidden["id"], action)
    for subject in (people["member"], people["moderator"], unique("user:passer-by")):
        assert listed(client, dao, subject) == [kept["slug"]]
        problem(client.get(url(dao, hidden["slug"]), headers=auth(subject)), 404, "not_found")
        problem(client.get(url(dao, hidden["slug"], "/tally"), headers=auth(subject)), 404, "not_found")
        problem(client.get(url(dao, hidden["slug"], "/votes"), headers=auth(subject)), 404, "not_found")
        assert activity_about(client, dao, subject, hidden["id"]) == 0
    # its author too, and the draft's own routes
    problem(client.patch(url(dao, hidden["slug"]), json={"title": "x"}, headers=auth(people["member"])), 404)
    problem(client.post(url(dao, hidden["slug"], "/cancel"), headers=auth(people["member"])), 404)
    assert shown(client, dao, kept["slug"], people["member"]) == 200


@pytest.mark.parametrize("who, roles", [("owner", ()), ("observer", ()), ("platform", ("moderator",)),
                                        ("platform", ("platform_admin",))])
def test_moderators_and_auditors_still_see_it(client, setting, who, roles):
    dao, people, hidden, kept = setting
    moderate(client, dao, hidden["id"], "hide")
    subject = {"owner": dao.owner_subject_id, "observer": people["observer"]}.get(who, unique("user:platform"))
    assert sorted(listed(client, dao, subject, roles)) == sorted([hidden["slug"], kept["slug"]])
    assert shown(client, dao, hidden["slug"], subject, roles) == 200
    events = client.get(f"/api/v1/daos/{dao.slug}/activity?limit=500", headers=auth(subject, roles)).get_json()
    assert any(e["data"].get("proposal_id") == hidden["id"] for e in events["items"])


def test_restore_brings_it_back_and_the_latest_action_decides(client, setting):
    dao, people, hidden, _ = setting
    member = people["member"]
    steps = [("hide", 404), ("warn", 404), ("restore", 200), ("remove", 404), ("hide", 404), ("restore", 200)]
    for action, status in steps:
        moderate(client, dao, hidden["id"], action)
        assert shown(client, dao, hidden["slug"], member) == status, action
        assert (hidden["slug"] in listed(client, dao, member)) is (status == 200)
    assert activity_about(client, dao, member, hidden["id"]) >= 1


def test_a_dao_moderator_hides_with_the_id_in_any_spelling(client, setting):
    dao, people, hidden, _ = setting
    moderate(client, dao, hidden["id"].upper(), "hide", actor=unique("user:mod"), roles=("moderator",))
    assert shown(client, dao, hidden["slug"], people["member"]) == 404


def test_moderation_of_another_proposal_or_target_hides_nothing(client, setting):
    dao, people, hidden, kept = setting
    moderate(client, dao, kept["id"], "hide")
    response = client.post(MODERATION, json={"target_type": "user", "target_id": hidden["id"], "action": "hide",
                                             "reason": "not a proposal"}, headers=auth(unique("user:m"), ["moderator"]))
    assert response.status_code == 201
    assert listed(client, dao, people["member"]) == [hidden["slug"]]


def test_a_hidden_active_proposal_takes_no_vote_from_those_it_is_hidden_from(client, setting, worker):
    dao, people, hidden, _ = setting
    act(client, dao, hidden["slug"], "activate", dao.owner_subject_id)
    moderate(client, dao, hidden["id"], "remove")
    problem(client.post(url(dao, hidden["slug"], "/votes"), json={"choice": "yes"}, headers=auth(people["member"])),
            404, "not_found")
    moderate(client, dao, hidden["id"], "restore")
    voted = client.post(url(dao, hidden["slug"], "/votes"), json={"choice": "yes"}, headers=auth(people["member"]))
    assert voted.status_code in (200, 202), voted.get_json()
