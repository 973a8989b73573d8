"""The reward reconciliation sweep: a vote_cast event whose reward task was lost (no consumer
ran, or Redis dropped the task) is paid by the beat sweep, still exactly once."""

import uuid
from datetime import timedelta

import pytest

from infra.db import transaction
from services.timebank import unrewarded_votes
from tasks.timebank import reconcile_rewards
from tests.conftest import settings_from, unique
from tests.rewards.helpers import cast, published, rewards_of, wait_until


def _unrewarded(older_than: timedelta) -> list[tuple]:
    with transaction() as session:
        return unrewarded_votes(session, older_than)


@pytest.fixture
def reconcile_at_once():
    with settings_from(REWARD_RECONCILE_AFTER_SECONDS=0):
        yield


def test_a_published_vote_without_reward_is_found_only_once_old_enough(worker, dao):
    voter, proposal_id = unique("user:r"), str(uuid.uuid4())
    event_id = cast(dao, proposal_id, voter)
    wait_until(lambda: published([event_id]), what="the bridge")
    assert (uuid.UUID(event_id), proposal_id, voter) in _unrewarded(timedelta(0))
    assert all(voter != v for _, _, v in _unrewarded(timedelta(hours=1)))


def test_the_sweep_pays_a_lost_reward_once(worker, dao, reconcile_at_once):
    voter, proposal_id = unique("user:r"), str(uuid.uuid4())
    event_id = cast(dao, proposal_id, voter)
    wait_until(lambda: published([event_id]), what="the bridge")
    assert reconcile_rewards() >= 1
    wait_until(lambda: rewards_of(voter), what="the reconciled reward")
    reconcile_rewards()
    assert all(v != voter for _, _, v in _unrewarded(timedelta(0)))
    [reward] = rewards_of(voter)
    assert reward.reference_id == proposal_id
