"""SPEC 5.6, secret ballots: what stays visible while a secret_until_close proposal is active."""

from decimal import Decimal as D

import pytest

from governance.secrecy import ballots_hidden, redact_tally, redact_vote, redact_vote_cast
from governance.tally import SnapshotVoter, tally
from governance.vocabulary import VOTING_TYPES

VOTERS = [SnapshotVoter("a", D(3)), SnapshotVoter("b", D(1))]
BALLOTS = {
    "basic": {"a": {"choice": "yes"}, "b": {"choice": "no"}},
    "single_choice": {"a": {"choice": "x"}, "b": {"choice": "abstain"}},
    "approval": {"a": {"choices": ["x", "y"]}, "b": {"choices": ["y"]}},
    "ranked_choice": {"a": {"ranking": ["y", "x"]}, "b": {"ranking": ["x"]}},
}


def test_hidden_until_a_secret_proposal_is_finalized_and_for_ever_once_canceled():
    for status in ("active", "canceled", "draft"):
        assert ballots_hidden("secret_until_close", status), status
    for status in ("passed", "rejected", "expired", "executed"):
        assert not ballots_hidden("secret_until_close", status), status
    for status in ("active", "canceled", "passed"):
        assert not ballots_hidden("public", status)
    with pytest.raises(ValueError):
        ballots_hidden("sealed", "active")


@pytest.mark.parametrize("voting_type", VOTING_TYPES)
def test_the_tally_gives_voters_participation_and_quorum_reached_only(voting_type):
    options = () if voting_type == "basic" else ("x", "y")
    full = tally("weighted", D(20), D(50), VOTERS, BALLOTS[voting_type], voting_type=voting_type, options=options)
    assert redact_tally(full.to_json()) == {"voters": 2, "participation": "1.00000000", "quorum_reached": True}


def test_a_vote_gives_voter_and_time_only():
    vote = {"proposal_id": "p1", "voter_id": "user:a", "choice": "yes", "choices": None, "raw_power": "3.00000000",
            "weight": "3.00000000", "submitted_at": "2030-01-01T00:00:00Z", "created_at": "2030-01-01T00:00:01Z",
            "updated_at": "2030-01-01T00:00:02Z"}
    assert redact_vote(vote) == {"proposal_id": "p1", "voter_id": "user:a", "submitted_at": "2030-01-01T00:00:00Z"}


def test_vote_cast_carries_no_choice_and_no_weight():
    data = {"proposal_id": "p1", "proposal_slug": "budget", "voter": "user:a", "choice": "x",
            "ranking": ["x", "y"], "weight": "3.00000000"}
    assert redact_vote_cast(data) == {"proposal_id": "p1", "proposal_slug": "budget", "voter": "user:a"}
