"""Prometheus metrics (SPEC 9), read from the sources of truth at scrape time.

Every figure is computed when Prometheus scrapes, from Postgres (aggregate queries) and from
Redis (queue lengths), not counted in process memory. So the numbers are the same whichever
gunicorn worker answers the scrape and however many Celery processes run, with no prometheus
multiprocess directory to manage; and a restart loses nothing.

Labels take bounded values only: statuses and choices (fixed lists), job kinds (services.jobs),
queue names. The votes of a proposal whose ballots are secret (SPEC 5.6) are counted by choice
only once it is finalized: no route shows a per-choice figure of a secret vote before. Histograms are computed with fixed buckets by `count(*) FILTER (WHERE x <= le)`;
they are cumulative over every finished job / finalized proposal in the database.
"""

from __future__ import annotations

import logging
import time

from prometheus_client.core import CollectorRegistry, GaugeMetricFamily, HistogramMetricFamily
from sqlalchemy import func, or_, select

from governance.secrecy import REVEALED_STATUSES
from governance.vocabulary import JOB_STATUSES, MEMBER_STATUSES, PROPOSAL_STATUSES, VOTE_CHOICES
from infra.clock import utcnow
from infra.redis import redis_client
from models import Dao, DaoMember, Event, Job, Proposal, Vote
from infra.db import transaction

log = logging.getLogger(__name__)

JOB_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
FINALIZATION_LAG_BUCKETS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)
# kombu's Redis transport keeps a message of priority p > 0 in the list "<queue>\x06\x16<p>".
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def _seconds(interval):
    return func.extract("epoch", interval)


def _histogram(session, value, buckets, *where, group_by=None) -> dict:
    """{group: ([(le, cumulative count)...], sum)} of `value` over the rows matching `where`."""
    columns = [func.count().filter(value <= le) for le in buckets] + [func.count(), func.coalesce(func.sum(value), 0)]
    stmt = select(*([group_by] if group_by is not None else []), *columns).where(*where)
    if group_by is not None:
        stmt = stmt.group_by(group_by)
    result = {}
    for row in session.execute(stmt):
        group, counts = (row[0], row[1:]) if group_by is not None else (None, row)
        cumulative = [(str(float(le)), counts[i]) for i, le in enumerate(buckets)] + [("+Inf", counts[-2])]
        result[group] = (cumulative, float(counts[-1]))
    return result


def _empty(buckets) -> tuple:
    return [(str(float(le)), 0) for le in buckets] + [("+Inf", 0)], 0.0


def _counts(session, *columns) -> dict:
    return {tuple(row[:-1]): row[-1] for row in session.execute(select(*columns, func.count()).group_by(*columns))}


def _gauge(name: str, doc: str, label: str, values, counts: dict) -> GaugeMetricFamily:
    """One series per known value (0 when absent), so a series never vanishes."""
    family = GaugeMetricFamily(name, doc, labels=[label])
    for value in values:
        family.add_metric([value], counts.get((value,), 0))
    return family


def database_metrics(job_kinds=()) -> list:
    job_latency = _seconds(Job.finished_at - Job.submitted_at)
    lag = _seconds(Proposal.finalized_at - Proposal.end_at)
    with transaction() as session:
        daos = _counts(session, Dao.is_active)
        members = _counts(session, DaoMember.status)
        proposals = _counts(session, Proposal.status)
        votes = {(choice,): count for choice, count in session.execute(
            select(Vote.choice, func.count())
            .join(Proposal, Proposal.id == Vote.proposal_id)
            .where(or_(Proposal.effective_ballot_secrecy.is_distinct_from("secret_until_close"),
                       Proposal.status.in_(REVEALED_STATUSES)))
            .group_by(Vote.choice)
        )}
        jobs = _counts(session, Job.kind, Job.status)
        latency = _histogram(session, job_latency, JOB_LATENCY_BUCKETS, Job.finished_at.is_not(None), group_by=Job.kind)
        # Scheduled finalizations only: a proposal a manager closed (closed_at set) is not "late",
        # whether it was closed before its end_at or after.
        lags = _histogram(session, lag, FINALIZATION_LAG_BUCKETS, Proposal.finalized_at.is_not(None),
                          Proposal.end_at.is_not(None), Proposal.closed_at.is_(None),
                          Proposal.finalized_at >= Proposal.end_at)
        backlog, oldest_event = session.execute(
            select(func.count(), func.min(Event.created_at)).where(Event.published_at.is_(None))
        ).one()
        # Job times are the database's clock (services.jobs); judged by it too.
        oldest_queued_age = session.scalar(
            select(_seconds(func.now() - func.min(Job.submitted_at))).where(Job.status == "queued")
        )
        now = utcnow()

    families = [
        _gauge("governance_daos", "DAOs by state", "state", ("active", "inactive"),
               {("active",): daos.get((True,), 0), ("inactive",): daos.get((False,), 0)}),
        _gauge("governance_members", "DAO memberships by status", "status", MEMBER_STATUSES, members),
        _gauge("governance_proposals", "Proposals by status", "status", PROPOSAL_STATUSES, proposals),
        _gauge("governance_votes", "Votes by choice", "choice", VOTE_CHOICES, votes),
    ]
    job_family = GaugeMetricFamily("governance_jobs", "Jobs by kind and status", labels=["kind", "status"])
    for kind in sorted(set(job_kinds) | {kind for kind, _ in jobs}):
        for status in JOB_STATUSES:
            job_family.add_metric([kind, status], jobs.get((kind, status), 0))
    families.append(job_family)

    latency_family = HistogramMetricFamily(
        "governance_job_latency_seconds", "Time from submission to finish of finished jobs", labels=["kind"]
    )
    for kind in sorted(set(job_kinds) | set(latency)):
        buckets, total = latency.get(kind, _empty(JOB_LATENCY_BUCKETS))
        latency_family.add_metric([kind], buckets, sum_value=total)
    families.append(latency_family)

    lag_family = HistogramMetricFamily(
        "governance_finalization_lag_seconds", "Time from a proposal's end_at to its finalization"
    )
    buckets, total = lags.get(None, _empty(FINALIZATION_LAG_BUCKETS))
    lag_family.add_metric([], buckets, sum_value=total)
    families.append(lag_family)

    families.append(GaugeMetricFamily("governance_outbox_backlog", "Events not yet published to NATS", value=backlog))
    families.append(GaugeMetricFamily(
        "governance_outbox_oldest_unpublished_age_seconds", "Age of the oldest unpublished event (0 when none)",
        value=(now - oldest_event).total_seconds() if oldest_event else 0,
    ))
    families.append(GaugeMetricFamily(
        "governance_oldest_queued_job_age_seconds", "Age of the oldest job still queued (0 when none)",
        value=float(oldest_queued_age or 0),
    ))
    return families


# Finalizations whose recount from the votes differed from the running sums (services.vote_totals):
# a counter in Redis, since it is counted by the worker and scraped from the API.
TALLY_MISMATCH_KEY = "governance:metrics:tally_recount_mismatches"


def count_tally_mismatch(n: int = 1) -> None:
    try:
        redis_client().incrby(TALLY_MISMATCH_KEY, n)
    except Exception:  # noqa: BLE001 - the error log line stays the record
        log.warning("tally mismatch not counted (Redis unavailable)", exc_info=True)


def queue_metrics(queues) -> list:
    redis = redis_client()
    with redis.pipeline(transaction=False) as pipe:
        for queue in queues:
            for suffix in _PRIORITY_SUFFIXES:
                pipe.llen(queue + suffix)
        pipe.get(TALLY_MISMATCH_KEY)
        *lengths, mismatches = pipe.execute()
    family = GaugeMetricFamily("governance_celery_queue_length", "Messages waiting in a Celery queue", labels=["queue"])
    step = len(_PRIORITY_SUFFIXES)
    for index, queue in enumerate(queues):
        family.add_metric([queue], sum(lengths[index * step:(index + 1) * step]))
    return [family, GaugeMetricFamily(
        "governance_tally_recount_mismatches", "Finalizations whose recount differed from the running vote sums "
        "(must stay 0)", value=int(mismatches or 0))]


class GovernanceCollector:
    """Collects every metric at scrape time; a source that is down is reported, not fatal."""

    def __init__(self, queues, job_kinds=()):
        self.queues, self.job_kinds = tuple(queues), tuple(job_kinds)

    def describe(self):
        return []  # do not query the sources when registering

    def collect(self):
        up = GaugeMetricFamily("governance_metrics_source_up", "1 when the source answered this scrape",
                               labels=["source"])
        started = time.perf_counter()
        for source, read in (
            ("postgres", lambda: database_metrics(self.job_kinds)), ("redis", lambda: queue_metrics(self.queues))
        ):
            try:
                yield from read()
                up.add_metric([source], 1)
            except Exception:  # noqa: BLE001 - the scrape reports the source down instead of failing
                log.warning("metrics: %s unavailable", source, exc_info=True)
                up.add_metric([source], 0)
        yield up
        yield GaugeMetricFamily("governance_metrics_scrape_seconds", "Time this scrape took",
                                value=time.perf_counter() - started)


def build_registry(queues, job_kinds=()) -> CollectorRegistry:
    """A registry with the governance collector; `job_kinds` always get a series per status."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(GovernanceCollector(queues, job_kinds))
    return registry
