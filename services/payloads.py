"""The shapes of event payloads (SPEC 6): the `data` of each event, built here from the rows and
not borrowed from the HTTP answers, so that the API and the event contract change independently.
Decimals are 8-place strings and times ISO 8601 UTC with Z, as everywhere (SPEC 8.4)."""

from __future__ import annotations

from governance.power import decimal_text
from governance.secrecy import redact_vote_cast
from infra.clock import utc_text
from models import Dao, DaoMember, DaoProject, Proposal


def dao_payload(dao: Dao) -> dict:
    """The DAO's settings and state."""
    return {
        "id": str(dao.id),
        "slug": dao.slug,
        "name": dao.name,
        "description": dao.description,
        "microdao_id": dao.microdao_id,
        "dao_type": dao.dao_type,
        "governance_model": dao.governance_model,
        "voting_period_seconds": dao.voting_period_seconds,
        "quorum_percent": decimal_text(dao.quorum_percent),
        "pass_threshold_percent": decimal_text(dao.pass_threshold_percent),
        "allow_vote_change": dao.allow_vote_change,
        "is_public": dao.is_public,
        "type_rules": dao.type_rules,
        "late_quorum_extension_seconds": dao.late_quorum_extension_seconds,
        "early_pass": dao.early_pass,
        "ballot_secrecy": dao.ballot_secrecy,
        "is_active": dao.is_active,
        "owner_subject_id": dao.owner_subject_id,
        "created_at": utc_text(dao.created_at),
        "updated_at": utc_text(dao.updated_at),
    }


def member_payload(member: DaoMember, roles: list[str]) -> dict:
    """A membership with every role it holds (its role first, then its extra roles)."""
    return {
        "subject_id": member.subject_id,
        "subject_type": member.subject_type,
        "role": member.role,
        "roles": roles,
        "status": member.status,
        "voting_power": decimal_text(member.voting_power),
        "joined_at": utc_text(member.joined_at),
    }


def project_link_payload(link: DaoProject) -> dict:
    """A DAO's link to an external project (`project_linked`, `project_unlinked`)."""
    return {"project_id": link.project_id, "linked_at": utc_text(link.created_at)}


def proposal_ref(proposal: Proposal, **extra) -> dict:
    """The proposal an event or a job result is about, with `extra` fields."""
    return {"proposal_id": str(proposal.id), "proposal_slug": proposal.slug, **extra}


def vote_cast_payload(proposal: Proposal, voter: str, ballot: dict, weight, *, hidden: bool) -> dict:
    """`vote_cast.data` (SPEC 6, 5.6): the proposal, the voter, the ballot's fields (`choice`, or
    `choices` / `ranking`) and the voter's own weight; while its ballots are secret
    (governance.secrecy.ballots_hidden) the proposal and the voter only."""
    data = proposal_ref(proposal, voter=voter, **ballot, weight=decimal_text(weight))
    return redact_vote_cast(data) if hidden else data


def deadline_extended_payload(proposal: Proposal, previous_end_at, submitted_at, extension_seconds: int) -> dict:
    """`proposal_deadline_extended.data` (SPEC 5.6): the end_at before and after the extension,
    and the submission time of the vote batch that first reached quorum."""
    return proposal_ref(
        proposal, previous_end_at=utc_text(previous_end_at), end_at=utc_text(proposal.end_at),
        submitted_at=utc_text(submitted_at), extension_seconds=extension_seconds,
    )
