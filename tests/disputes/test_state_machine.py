"""The dispute state machine (SPEC 7) tried over every (status, action) pair through the
service, against the database: allowed pairs move the status and emit their events; every
other pair raises InvalidState and changes nothing."""

import pytest
from sqlalchemy import select, update

from api.auth import Principal
from governance.vocabulary import DISPUTE_STATUSES
from governance.errors import InvalidState
from models import Dispute, Event
from infra.db import transaction
from services import disputes
from tests.conftest import unique

MODERATOR = Principal("user:platform-moderator", "user", frozenset({"moderator"}))

# (action, outcome) -> the service call; the expected results are written out independently
# of governance.disputes.
ACTIONS = {
    "add_evidence": lambda s, d: disputes.add_evidence(s, d, MODERATOR, ["a photo"]),
    "assign_moderator": lambda s, d: disputes.assign_moderator(s, d, MODERATOR, None),
    "resolve:resolved": lambda s, d: disputes.resolve(s, d, MODERATOR, resolution="refund", outcome="resolved"),
    "resolve:dismissed": lambda s, d: disputes.resolve(s, d, MODERATOR, resolution="no case", outcome="dismissed"),
    "escalate": lambda s, d: disputes.escalate(s, d, MODERATOR),
}
# (status, action) -> (the status after, the events it emits); closing a dispute also issues
# its claimant's credential (issue 13).
EXPECTED = {
    ("open", "add_evidence"): ("open", []),
    ("under_review", "add_evidence"): ("under_review", []),
    ("open", "assign_moderator"): ("under_review", ["dispute.moderator_assigned"]),
    ("under_review", "assign_moderator"): ("under_review", ["dispute.moderator_assigned"]),
    ("under_review", "resolve:resolved"): ("resolved", ["dispute.resolved", "dispute.credential_issued"]),
    ("under_review", "resolve:dismissed"): ("dismissed", ["dispute.dismissed", "dispute.credential_issued"]),
    ("under_review", "escalate"): ("escalated", ["dispute.escalated"]),
    # An escalated dispute waits for platform moderators (MODERATOR is one); a fresh open one
    # cannot be escalated yet (tests/disputes/test_escalation.py).
    ("escalated", "assign_moderator"): ("escalated", ["dispute.moderator_assigned"]),
    ("escalated", "resolve:resolved"): ("resolved", ["dispute.resolved", "dispute.credential_issued"]),
    ("escalated", "resolve:dismissed"): ("dismissed", ["dispute.dismissed", "dispute.credential_issued"]),
}


def dispute_in(status: str) -> str:
    claimant = Principal(unique("user:claimant"), "user", frozenset())
    with transaction() as session:
        dispute = disputes.open_dispute(
            session, claimant, respondent_id=unique("user:respondent"), subject_type="exchange",
            subject_id=unique("exchange"), description="late delivery", evidence=[],
        )
        session.execute(update(Dispute).where(Dispute.id == dispute.id).values(status=status))
    return str(dispute.id)


def dispute_events(dispute_id: str) -> list[str]:
    with transaction() as session:
        return session.scalars(select(Event.type).where(
            Event.payload["data"]["dispute_id"].astext == dispute_id, Event.type != "dispute.opened")
            .order_by(Event.seq)).all()


@pytest.mark.parametrize("status", DISPUTE_STATUSES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_status_and_action(stack, status, action):
    dispute_id = dispute_in(status)
    with transaction() as session:
        before = session.get(Dispute, dispute_id)
    if (status, action) in EXPECTED:
        new_status, emitted = EXPECTED[(status, action)]
        with transaction() as session:
            ACTIONS[action](session, dispute_id)
        with transaction() as session:
            after = session.get(Dispute, dispute_id)
        assert after.status == new_status
        assert dispute_events(dispute_id) == emitted
    else:
        with pytest.raises(InvalidState), transaction() as session:
            ACTIONS[action](session, dispute_id)
        with transaction() as session:
            after = session.get(Dispute, dispute_id)
        assert (after.status, after.evidence, after.moderator_id, after.resolution) == (
            before.status, before.evidence, before.moderator_id, before.resolution)
        assert dispute_events(dispute_id) == []

