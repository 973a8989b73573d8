"""Bench data built in bulk: a DAO with many members (SQL), proposals activated through the
services (the real eligibility snapshot), vote jobs recorded as the API records them."""

from __future__ import annotations

import uuid

VOTER_PREFIX = "user:bench-voter-"


def voter(i: int) -> str:
    return f"{VOTER_PREFIX}{i}"


def dao_with_voters(conn, members: int, model: str = "weighted"):
    """A DAO (through services.daos) plus `members` active members voter(0..members-1) with
    powers 1..5, inserted with one INSERT ... generate_series."""
    from infra.db import transaction
    from services.daos import create_dao

    slug = f"bench-{uuid.uuid4().hex[:8]}"
    with transaction() as session:
        dao = create_dao(
            session, owner_id=f"user:bench-owner-{slug}", owner_type="user",
            fields={"slug": slug, "name": slug, "dao_type": "community", "governance_model": model},
        )
    conn.execute(
        """INSERT INTO dao_members (id, dao_id, subject_id, subject_type, role, status, voting_power)
           SELECT gen_random_uuid(), %s, %s || i, 'user', 'member', 'active', 1 + i %% 5
           FROM generate_series(0, %s - 1) AS i""",
        (dao.id, VOTER_PREFIX, members),
    )
    return dao


def active_proposal(dao, **fields):
    """A proposal created and activated through services.drafts and services.lifecycle (snapshot of every member)."""
    from infra.db import transaction
    from services.drafts import create_proposal
    from services.lifecycle import run_transition

    with transaction() as session:
        proposal = create_proposal(
            session, dao, author=dao.owner_subject_id,
            fields={"title": f"Bench {uuid.uuid4().hex[:8]}", **fields},
        )
    with transaction() as session:
        run_transition(session, proposal.id, "activate", actor=dao.owner_subject_id)
        return session.get(type(proposal), proposal.id)


def record_vote_jobs(conn, dao, proposal, voters: range, choices=("yes", "no", "abstain")) -> list[str]:
    """Vote job rows for `voters` as api/votes.py records them (queued, submitted now); returns
    their ids, which are also the Celery task ids to send."""
    rows = conn.execute(
        """INSERT INTO jobs (id, kind, status, actor, target_id, request)
           SELECT gen_random_uuid(), 'cast_vote', 'queued', %s || i, %s,
                  jsonb_build_object('choice', (%s::text[])[1 + i %% %s],
                                     'proposal_slug', %s::text, 'dao_slug', %s::text)
           FROM generate_series(%s::int, %s::int) AS i
           RETURNING id""",
        (VOTER_PREFIX, str(proposal.id), list(choices), len(choices), proposal.slug, dao.slug, voters.start, voters.stop - 1),
    ).fetchall()
    return [str(row[0]) for row in rows]
