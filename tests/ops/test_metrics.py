"""GET /metrics (SPEC 9): the Prometheus figures come from the database and the broker at scrape
time, so they move when jobs run: scrape, act, scrape."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from devstack.osutil import find_free_port
from infra.clock import utcnow
from infra.metrics import GovernanceCollector
from infra.redis import redis_client
from models import Proposal, Vote
from infra.db import transaction
from tasks.events import BRIDGE_LOCK, publish_events
from tests.conftest import auth, unique, wait_job
from tests.stack import ROOT
from infra.celery import QUEUES


def scrape(client) -> dict:
    """{(name, frozenset(labels)): value} of one scrape."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return parse(response.get_data(as_text=True))


def parse(text: str) -> dict:
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def post_delta(client, slug, owner, delta: str):
    response = client.post(f"/api/v1/daos/{slug}/treasury/deltas", headers=auth(owner, Prefer="wait=10"),
                           json={"token_symbol": "MET", "delta": delta, "reason": "metrics"})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_the_exposition_has_every_family_of_spec_9_and_no_unbounded_label(client):
    samples = scrape(client)
    names = {name for name, _ in samples}
    for expected in (
        "governance_daos", "governance_members", "governance_proposals", "governance_votes", "governance_jobs",
        "governance_job_latency_seconds_bucket", "governance_finalization_lag_seconds_bucket",
        "governance_finalization_lag_seconds_count", "governance_outbox_backlog", "governance_celery_queue_length",
        "governance_oldest_queued_job_age_seconds", "governance_metrics_source_up",
    ):
        assert expected in names, expected
    assert value(samples, "governance_metrics_source_up", source="postgres") == 1
    assert value(samples, "governance_metrics_source_up", source="redis") == 1
    assert {dict(labels)["queue"] for name, labels in samples if name == "governance_celery_queue_length"} == set(QUEUES)
    allowed = {"state", "status", "choice", "kind", "queue", "source", "le"}
    assert {key for _, labels in samples for key, _ in labels} <= allowed


def test_job_counts_and_latency_move_when_jobs_run(client, worker, owned_dao):
    dao, owner = owned_dao
    before = scrape(client)
    post_delta(client, dao.slug, owner, "5")
    failed = client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", headers=auth(owner),
                         json={"token_symbol": "MET", "delta": "-50", "reason": "too much"})
    assert wait_job(client, failed.get_json(), owner)["status"] == "failed"
    after = scrape(client)

    kind = "apply_treasury_delta"
    assert value(after, "governance_jobs", kind=kind, status="succeeded") >= value(
        before, "governance_jobs", kind=kind, status="succeeded") + 1
    assert value(after, "governance_jobs", kind=kind, status="failed") >= value(
        before, "governance_jobs", kind=kind, status="failed") + 1
    count = "governance_job_latency_seconds_count"
    assert value(after, count, kind=kind) >= value(before, count, kind=kind) + 2
    assert value(after, "governance_job_latency_seconds_bucket", kind=kind, le="+Inf") == value(after, count, kind=kind)
    assert value(after, "governance_job_latency_seconds_sum", kind=kind) > value(before, "governance_job_latency_seconds_sum", kind=kind)


def test_dao_member_proposal_vote_and_finalization_figures(client, owned_dao):
    dao, owner = owned_dao
    before = scrape(client)
    now = utcnow()
    with transaction() as session:
        proposal = Proposal(dao_id=dao.id, slug=unique("p"), title="metrics", created_by=owner, status="passed",
                            start_at=now - timedelta(minutes=5), end_at=now - timedelta(seconds=40),
                            finalized_at=now - timedelta(seconds=10))
        session.add(proposal)
        session.flush()
        session.add(Vote(proposal_id=proposal.id, voter_id=owner, choice="abstain", ballot={"choice": "abstain"},
                         raw_power=1, weight=1, submitted_at=now - timedelta(minutes=1)))
    after = scrape(client)

    assert value(after, "governance_proposals", status="passed") == value(before, "governance_proposals", status="passed") + 1
    assert value(after, "governance_votes", choice="abstain") == value(before, "governance_votes", choice="abstain") + 1
    lag = "governance_finalization_lag_seconds"
    assert value(after, f"{lag}_count") == value(before, f"{lag}_count") + 1
    assert value(after, f"{lag}_sum") - value(before, f"{lag}_sum") == pytest.approx(30, abs=0.01)
    # 30 s late: counted from the le="30" bucket up, not in the le="15" one.
    assert value(after, f"{lag}_bucket", le="30.0") == value(before, f"{lag}_bucket", le="30.0") + 1
    assert value(after, f"{lag}_bucket", le="15.0") == value(before, f"{lag}_bucket", le="15.0")


def test_dao_and_member_counts_move_when_a_dao_is_created(client):
    from tests.factories import make_dao

    before = scrape(client)
    make_dao()
    after = scrape(client)
    assert value(after, "governance_daos", state="active") == value(before, "governance_daos", state="active") + 1
    assert value(after, "governance_members", status="active") == value(before, "governance_members", status="active") + 1


def test_outbox_backlog_grows_while_the_bridge_is_held_and_drains_after(client, worker, owned_dao):
    dao, owner = owned_dao
    with transaction() as lock:
        # The bridge publishes only under this advisory lock: holding it keeps events unpublished.
        lock.execute(select(func.pg_advisory_xact_lock(BRIDGE_LOCK)))
        before = value(scrape(client), "governance_outbox_backlog")
        post_delta(client, dao.slug, owner, "1")
        post_delta(client, dao.slug, owner, "2")
        held = scrape(client)
        assert value(held, "governance_outbox_backlog") >= before + 2
        assert value(held, "governance_outbox_oldest_unpublished_age_seconds") >= 0
    publish_events.delay()
    deadline = time.monotonic() + 30
    while value(scrape(client), "governance_outbox_backlog") != 0:
        assert time.monotonic() < deadline, "the backlog did not drain"
        time.sleep(0.1)


def test_queue_lengths_are_read_from_the_broker():
    queue = f"ops-test-{uuid.uuid4().hex[:8]}"
    redis = redis_client()
    try:
        redis.rpush(queue, "a", "b")
        redis.rpush(queue + "\x06\x163", "c")  # kombu's list for priority 3 of the same queue
        families = {f.name: f for f in GovernanceCollector([queue]).collect()}
        [sample] = families["governance_celery_queue_length"].samples
        assert (sample.labels, sample.value) == ({"queue": queue}, 3)
    finally:
        redis.delete(queue, queue + "\x06\x163")


def test_a_source_that_is_down_is_reported_not_fatal(stack):
    code = (
        "from api.app import create_app;"
        "r = create_app({'TESTING': True}).test_client().get('/metrics');"
        "print(r.status_code); print(r.get_data(as_text=True))"
    )
    env = stack.env(REDIS_URL=f"redis://127.0.0.1:{find_free_port()}/0")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    status, _, text = out.stdout.partition("\n")
    assert status == "200", out.stderr[-2000:]
    samples = parse(text)
    assert value(samples, "governance_metrics_source_up", source="redis") == 0
    assert value(samples, "governance_metrics_source_up", source="postgres") == 1
    assert ("governance_jobs", frozenset()) not in samples
    assert any(name == "governance_daos" for name, _ in samples)
