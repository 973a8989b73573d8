"""Helpers shared by the proposal, voting and scheduler tests: DAOs with members built through
the services (tests.factories), and the HTTP calls of a proposal's life."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from models import Event, Job, Proposal
from infra.db import transaction
from tests.conftest import auth, unique
from tests.factories import add_member, make_dao

WAIT = {"Prefer": "wait=20"}


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def in_seconds(seconds: float) -> str:
    return iso(now() + timedelta(seconds=seconds))


def dao_with_members(powers: dict[str, str] | None = None, **dao_fields):
    """A DAO (owner with power 1) and members `name -> voting power`, each a unique subject.
    Returns (dao, owner, {name: subject_id})."""
    dao = make_dao(**dao_fields)
    subjects = {}
    for name, power in (powers or {}).items():
        subjects[name] = unique(f"user:{name}")
        add_member(dao, subjects[name], voting_power=Decimal(power))
    return dao, dao.owner_subject_id, subjects


def url(dao, pslug: str | None = None, tail: str = "") -> str:
    base = f"/api/v1/daos/{dao.slug}/proposals"
    return base + (f"/{pslug}" if pslug else "") + tail


def create(client, dao, author: str, **fields) -> dict:
    fields.setdefault("title", unique("Proposal"))
    response = client.post(url(dao), json=fields, headers=auth(author))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(client, dao, pslug: str, action: str, subject: str, *, expect: str = "succeeded") -> dict:
    """POST a transition and wait for its job; assert it ended as `expect`."""
    response = client.post(url(dao, pslug, f"/{action}"), headers=auth(subject, **WAIT))
    assert response.status_code in (200, 202), response.get_json()
    job = finished(client, response.get_json(), subject)
    assert job["status"] == expect, job
    return job


def vote(client, dao, pslug: str, subject: str, choice: str, *, wait: bool = True) -> dict:
    return cast(client, dao, pslug, subject, {"choice": choice}, wait=wait)


def cast(client, dao, pslug: str, subject: str, ballot: dict, *, wait: bool = True) -> dict:
    """POST a ballot of any voting type (SPEC 5.6); its job, finished unless `wait` is false."""
    headers = auth(subject, **WAIT) if wait else auth(subject)
    response = client.post(url(dao, pslug, "/votes"), json=ballot, headers=headers)
    assert response.status_code in (200, 202), response.get_json()
    return finished(client, response.get_json(), subject) if wait else response.get_json()


def finished(client, job: dict, subject: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while job["status"] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, f"job {job['id']} did not finish"
        time.sleep(0.05)
        job = client.get(f"/api/v1/jobs/{job['id']}", headers=auth(subject)).get_json()
    return job


def detail(client, dao, pslug: str, subject: str) -> dict:
    response = client.get(url(dao, pslug), headers=auth(subject))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def wait_status(client, dao, pslug: str, subject: str, statuses, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = detail(client, dao, pslug, subject)
        if body["status"] in statuses:
            return body
        assert time.monotonic() < deadline, f"{pslug} stayed {body['status']}"
        time.sleep(0.1)


def events(dao_id, *types: str, proposal_id: str | None = None) -> list[Event]:
    with transaction() as session:
        stmt = select(Event).where(Event.dao_id == dao_id).order_by(Event.seq)
        if types:
            stmt = stmt.where(Event.type.in_(types))
        rows = session.scalars(stmt).all()
    if proposal_id is not None:
        rows = [e for e in rows if e.payload["data"].get("proposal_id") == proposal_id]
    return rows


def proposal_row(proposal_id) -> Proposal:
    with transaction() as session:
        return session.get(Proposal, proposal_id)


def jobs_of(kind: str, target_id) -> list[Job]:
    with transaction() as session:
        return session.scalars(
            select(Job).where(Job.kind == kind, Job.target_id == str(target_id)).order_by(Job.submitted_at)
        ).all()
