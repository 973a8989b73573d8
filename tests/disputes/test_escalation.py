"""Escalated disputes go to the platform moderators (SPEC 7, issue 11): they wait in the platform
moderators' queue, only platform moderators take, resolve or dismiss them; a party escalates an
open dispute that no moderator took within DISPUTE_ESCALATION_AFTER_SECONDS of its opening."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from infra.config import get_settings
from infra.db import transaction
from models import Dispute, Event
from tests.conftest import auth, settings_from, unique
from tests.daos.common import BAD_CREDENTIALS, problem
from tests.disputes.test_routes import MODERATOR_ROLES, act, moderator, open_dispute
from tests.factories import add_member, make_dao


def aged(dispute: dict, seconds: float) -> None:
    """Move the dispute's opening `seconds` into the past (time injected, not slept)."""
    with transaction() as session:
        session.execute(update(Dispute).where(Dispute.id == dispute["id"])
                        .values(created_at=Dispute.created_at - timedelta(seconds=seconds)))


def events_of(dispute: dict) -> list[str]:
    with transaction() as session:
        return session.scalars(select(Event.type).where(Event.payload["data"]["dispute_id"].astext == dispute["id"])
                               .order_by(Event.seq)).all()


def queue(client, subject, roles=(), query=""):
    response = client.get(f"/api/v1/disputes/moderator/queue?limit=500{query}", headers=auth(subject, roles))
    assert response.status_code == 200, response.get_json()
    return [d["id"] for d in response.get_json()["items"]]


@pytest.fixture
def escalated(client):
    """A dispute about a DAO's action, escalated by its claimant from under review; the DAO's moderator."""
    dao = make_dao()
    dao_mod = unique("user:dao-mod")
    add_member(dao, dao_mod, role="admin")  # holds can_moderate
    dispute = open_dispute(client, subject_type="dao_action", subject_id=f"{dao.slug}/p-1")
    act(client, dispute, "moderator", dao_mod)
    assert act(client, dispute, "escalate", dispute["claimant_id"]).get_json()["status"] == "escalated"
    return dispute, dao_mod


def test_an_escalated_dispute_waits_in_the_platform_moderators_queue_only(client, escalated):
    dispute, dao_mod = escalated
    platform = moderator()
    assert dispute["id"] in queue(client, platform, MODERATOR_ROLES)
    assert dispute["id"] in queue(client, platform, ("platform_admin",), "&status=escalated")
    assert dispute["id"] not in queue(client, platform, MODERATOR_ROLES, "&status=under_review")
    assert dispute["id"] not in queue(client, dao_mod)
    assert queue(client, dao_mod, query="&status=escalated") == []
    assert client.get(f"/api/v1/disputes/{dispute['id']}", headers=auth(dao_mod)).status_code == 200  # still reads it


@pytest.mark.parametrize("outcome", ["resolved", "dismissed"])
def test_a_platform_moderator_takes_and_decides_an_escalated_dispute(client, escalated, outcome):
    dispute, _ = escalated
    platform = moderator()
    taken = act(client, dispute, "moderator", platform, MODERATOR_ROLES)
    assert taken.status_code == 200, taken.get_json()
    assert (taken.get_json()["status"], taken.get_json()["moderator_id"]) == ("escalated", platform)
    assert dispute["id"] in queue(client, platform, MODERATOR_ROLES, "&assigned=me")
    decided = act(client, dispute, "resolve", platform, MODERATOR_ROLES, resolution="platform ruling", outcome=outcome)
    assert decided.status_code == 200, decided.get_json()
    body = decided.get_json()
    assert (body["status"], body["resolution"], body["resolved_by"]) == (outcome, "platform ruling", platform)
    assert events_of(dispute)[-3:] == ["dispute.moderator_assigned", f"dispute.{outcome}", "dispute.credential_issued"]
    assert dispute["id"] not in queue(client, platform, MODERATOR_ROLES)
    problem(act(client, dispute, "resolve", platform, MODERATOR_ROLES, resolution="again", outcome=outcome),
            409, "invalid_state")


def test_an_admin_resolves_an_escalated_dispute_without_taking_it(client, escalated):
    dispute, _ = escalated
    admin = unique("user:admin")
    body = act(client, dispute, "resolve", admin, ("platform_admin",), resolution="r", outcome="dismissed").get_json()
    assert (body["status"], body["resolved_by"]) == ("dismissed", admin)


def test_dao_moderators_and_parties_cannot_decide_an_escalated_dispute(client, escalated):
    dispute, dao_mod = escalated
    for subject in (dao_mod, dispute["claimant_id"], dispute["respondent_id"], unique("user:x")):
        problem(act(client, dispute, "resolve", subject, resolution="r", outcome="resolved"), 403, "forbidden")
        problem(act(client, dispute, "moderator", subject), 403, "forbidden")
    assert events_of(dispute)[-1] == "dispute.escalated"


def test_an_escalated_dispute_takes_no_evidence_and_no_second_escalation(client, escalated):
    dispute, _ = escalated
    problem(act(client, dispute, "evidence", dispute["claimant_id"], evidence=["more"]), 409, "invalid_state")
    problem(act(client, dispute, "escalate", dispute["respondent_id"]), 409, "invalid_state")


@pytest.mark.parametrize("party", ["claimant_id", "respondent_id"])
def test_a_party_escalates_an_open_dispute_no_moderator_took_in_time(client, party):
    dispute = open_dispute(client)
    after = get_settings().dispute_escalation_after_seconds
    aged(dispute, after - 60)
    early = problem(act(client, dispute, "escalate", dispute[party]), 409, "invalid_state")
    assert "no moderator took it" in early["detail"]
    aged(dispute, 61)
    response = act(client, dispute, "escalate", dispute[party])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "escalated"
    assert events_of(dispute) == ["dispute.opened", "dispute.escalated"]
    assert dispute["id"] in queue(client, moderator(), MODERATOR_ROLES, "&status=escalated")


def test_the_escalation_time_is_a_setting(client):
    dispute = open_dispute(client)
    with settings_from(DISPUTE_ESCALATION_AFTER_SECONDS=0):
        assert act(client, dispute, "escalate", dispute["claimant_id"]).get_json()["status"] == "escalated"
    waiting = open_dispute(client)
    with settings_from(DISPUTE_ESCALATION_AFTER_SECONDS=10 * 86400):
        aged(waiting, 9 * 86400)
        problem(act(client, waiting, "escalate", waiting["claimant_id"]), 409, "invalid_state")


def test_only_a_party_escalates_an_open_dispute(client):
    dispute = open_dispute(client)
    aged(dispute, get_settings().dispute_escalation_after_seconds + 1)
    problem(act(client, dispute, "escalate", moderator(), MODERATOR_ROLES), 403, "forbidden")
    problem(act(client, dispute, "escalate", unique("user:stranger")), 403, "forbidden")
    assert events_of(dispute) == ["dispute.opened"]


def test_escalating_an_open_dispute_refuses_bad_credentials_and_bodies(client):
    dispute = open_dispute(client)
    aged(dispute, get_settings().dispute_escalation_after_seconds + 1)
    for headers in BAD_CREDENTIALS.values():
        problem(client.post(f"/api/v1/disputes/{dispute['id']}/escalate", json={}, headers=headers), 401)
    problem(act(client, dispute, "escalate", dispute["claimant_id"], reason="slow"), 422, "validation_error")
    problem(client.get("/api/v1/disputes/moderator/queue?status=dismissed", headers=auth(moderator(), MODERATOR_ROLES)),
            422, "validation_error")
    assert events_of(dispute) == ["dispute.opened"]
