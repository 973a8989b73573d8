"""Helpers of the verifiable-governance tests: proposals finalized over HTTP, the bridge run until
a DAO's events are linked, the documents fetched over HTTP and checked by `python -m verify` as a
separate process."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import func, select

from infra.db import transaction
from models import Event
from tasks.events import publish_pending
from tests.conftest import auth
from tests.factories import delegate
from tests.proposals.helpers import WAIT, act, create, dao_with_members, detail, finished, url
from tests.verify.documents import run_verifier

POWERS = {"alice": "9", "bob": "4", "carol": "2.25", "dave": "1"}
# Per voting type: the proposal's fields and each voter's ballot (bob casts none: under the
# delegated model his power follows his delegation to alice).
BALLOTS = {
    "basic": ({}, {"alice": {"choice": "yes"}, "carol": {"choice": "no"}, "dave": {"choice": "abstain"}}),
    "single_choice": ({"options": ["oak", "pine"]},
                      {"alice": {"choice": "oak"}, "carol": {"choice": "pine"}, "dave": {"choice": "abstain"}}),
    "approval": ({"options": ["oak", "pine", "elm"]},
                 {"alice": {"choices": ["oak", "elm"]}, "carol": {"choices": ["pine"]}, "dave": {"choice": "abstain"}}),
    "ranked_choice": ({"options": ["oak", "pine", "elm"]},
                      {"alice": {"ranking": ["elm", "oak"]}, "carol": {"ranking": ["pine", "oak"]},
                       "dave": {"ranking": ["oak"]}}),
}


def link_through(dao_id, timeout: float = 30) -> None:
    """Run the bridge until every event of the DAO is linked into its chain (the session's worker
    may hold the bridge lock meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        with transaction() as session:
            left = session.scalar(select(func.count()).where(Event.dao_id == dao_id, Event.hash.is_(None)))
        if not left:
            return
        assert time.monotonic() < deadline, f"{left} events of the DAO stayed unlinked"
        publish_pending()


def cast(client, dao, pslug: str, subject: str, ballot: dict) -> dict:
    """POST a ballot and wait for its job; return the finished job, which must have succeeded."""
    response = client.post(url(dao, pslug, "/votes"), json=ballot, headers=auth(subject, **WAIT))
    assert response.status_code in (200, 202), response.get_json()
    job = finished(client, response.get_json(), subject)
    assert job["status"] == "succeeded", job
    return job


def finalized(client, model: str = "weighted", voting_type: str = "basic", **dao_fields):
    """A DAO of POWERS (bob delegating to alice) whose proposal under `model` and `voting_type`
    was voted on and closed over HTTP, every event linked before the close. Returns
    (dao, subjects, the proposal's detail, {voter name: finished vote job})."""
    dao, owner, subjects = dao_with_members(POWERS, **dao_fields)
    delegate(dao, subjects["bob"], subjects["alice"])
    fields, ballots = BALLOTS[voting_type]
    typed = {"voting_type": voting_type, **fields} if voting_type != "basic" else {}
    proposal = create(client, dao, owner, governance_model_override=model, **typed)
    act(client, dao, proposal["slug"], "activate", owner)
    jobs = {name: cast(client, dao, proposal["slug"], subjects[name], ballot) for name, ballot in ballots.items()}
    link_through(dao.id)
    act(client, dao, proposal["slug"], "close", owner)
    return dao, subjects, detail(client, dao, proposal["slug"], owner), jobs


def fetched(client, path: str, subject: str) -> dict:
    response = client.get(path, headers=auth(subject))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def keys_file(client, tmp_path: Path) -> str:
    """The answer of GET /api/v1/keys saved as a file, for `--key`."""
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(fetched(client, "/api/v1/keys", "user:anyone")))
    return str(path)


def verify(client, document, tmp_path: Path):
    """`python -m verify` on `document`, with the service's published keys pinned."""
    return run_verifier(document, tmp_path, "--key", keys_file(client, tmp_path))
