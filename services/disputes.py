"""Disputes (SPEC 7): opening, evidence, moderator assignment, resolution and escalation.

Every change locks the dispute row and asks governance.disputes.dispute_transition, the one
place the state machine lives, for the next status; each change and its event share the
caller's transaction.

Who moderates a dispute: subjects with the platform role `moderator` (or `platform_admin`), and,
for a dispute about a DAO action (`subject_type = dao_action`), the members of that DAO holding
`can_moderate`; an escalated dispute only the platform moderators (governance.disputes). The `subject_id` of a `dao_action` dispute names the DAO: its slug, optionally
followed by `/` and whatever identifies the action (`my-dao/proposal-slug`).
"""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select

from governance.authority import moderates
from governance.disputes import (
    OPEN_STATUSES, PENDING_STATUSES, dispute_transition, escalation_due_at, platform_only, require_escalator,
)
from governance.errors import Forbidden, NotFound, ValidationFailed
from infra.clock import utc_text, utcnow
from infra.config import get_settings
from infra.db import db_now
from services.access import access_for, moderates_in
from services.credentials import issue_for_dispute, issued_data
from services.outbox import record_event
from models import Dao, DaoMember, Dispute

MAX_EVIDENCE = 200


def dao_slug_of(dispute: Dispute) -> str | None:
    """The slug of the DAO a `dao_action` dispute is about (None for other disputes)."""
    if dispute.subject_type != "dao_action":
        return None
    return dispute.subject_id.split("/", 1)[0]


def _dao_of(session, dispute: Dispute) -> Dao | None:
    slug = dao_slug_of(dispute)
    return session.scalar(select(Dao).where(Dao.slug == slug)) if slug else None


def moderated_dao_slugs(session, subject_id: str, subject_type: str) -> list[str]:
    """The DAOs in which the subject holds `can_moderate`."""
    memberships = session.execute(
        select(Dao, DaoMember).join(DaoMember, DaoMember.dao_id == Dao.id)
        .where(DaoMember.subject_id == subject_id, DaoMember.subject_type == subject_type,
               DaoMember.status == "active")
    ).all()
    return sorted(
        dao.slug for dao, _ in memberships
        if moderates(False, access_for(session, dao, subject_id, subject_type).entitlements)
    )


def is_moderator_of(session, principal, dispute: Dispute) -> bool:
    return moderates_in(session, principal, _dao_of(session, dispute))


def _is_party(principal, dispute: Dispute) -> bool:
    return principal.subject_id in (dispute.claimant_id, dispute.respondent_id)


def _require_moderator(session, principal, dispute: Dispute) -> None:
    if platform_only(dispute.status) and not principal.is_moderator:
        raise Forbidden(f"a dispute that is {dispute.status} is for platform moderators (moderator, platform_admin)")
    if not is_moderator_of(session, principal, dispute):
        raise Forbidden("requires a moderator of this dispute")


def _event(session, dispute: Dispute, event_type: str, actor: str, **data) -> None:
    record_event(session, event_type, actor=actor, dao=_dao_of(session, dispute),
                 data={"dispute_id": str(dispute.id), "status": dispute.status, **data})


def _evidence_entries(items: list, subject_id: str) -> list[dict]:
    """Each piece of evidence is kept with who submitted it and when."""
    now = utc_text(utcnow())
    return [{"submitted_by": subject_id, "submitted_at": now, "content": item} for item in items]


def open_dispute(session, principal, *, respondent_id: str, subject_type: str, subject_id: str,
                 description: str, evidence: list) -> Dispute:
    if respondent_id == principal.subject_id:
        raise ValidationFailed("a dispute needs another party", errors={"respondent_id": ["must not be the caller"]})
    dispute = Dispute(
        id=uuid.uuid4(), claimant_id=principal.subject_id, respondent_id=respondent_id,
        subject_type=subject_type, subject_id=subject_id, description=description,
        evidence=_evidence_entries(evidence, principal.subject_id), status="open",
    )
    if subject_type == "dao_action" and _dao_of(session, dispute) is None:
        raise ValidationFailed("no such DAO", errors={"subject_id": ["must start with the slug of an existing DAO"]})
    session.add(dispute)
    session.flush()
    _event(session, dispute, "dispute.opened", principal.subject_id, claimant_id=dispute.claimant_id,
           respondent_id=respondent_id, subject_type=subject_type, subject_id=subject_id)
    return dispute


def get_dispute(session, dispute_id, principal, *, for_update: bool = False) -> Dispute:
    """The dispute, visible to its parties, its assigned moderator and its moderators."""
    try:
        parsed = uuid.UUID(str(dispute_id))
    except ValueError:
        raise NotFound("no such dispute") from None
    stmt = select(Dispute).where(Dispute.id == parsed)
    if for_update:
        stmt = stmt.with_for_update()
    dispute = session.scalar(stmt)
    if dispute is None:
        raise NotFound("no such dispute")
    if not (_is_party(principal, dispute) or principal.subject_id == dispute.moderator_id
            or is_moderator_of(session, principal, dispute)):
        raise Forbidden("only the parties and moderators may see a dispute")
    return dispute


def add_evidence(session, dispute_id, principal, evidence: list) -> Dispute:
    """Parties and moderators add evidence while the dispute is open or under review."""
    dispute = get_dispute(session, dispute_id, principal, for_update=True)
    dispute.status = dispute_transition(dispute.status, "add_evidence")
    if len(dispute.evidence) + len(evidence) > MAX_EVIDENCE:
        raise ValidationFailed("too much evidence", errors={"evidence": [f"at most {MAX_EVIDENCE} items per dispute"]})
    dispute.evidence = [*dispute.evidence, *_evidence_entries(evidence, principal.subject_id)]
    return dispute


def assign_moderator(session, dispute_id, principal, moderator_id: str | None) -> Dispute:
    """A moderator assigns the dispute (to themself when `moderator_id` is absent); it goes
    under review. Platform roles live in tokens, so another assignee is taken as named; a
    party may never moderate its own dispute."""
    dispute = get_dispute(session, dispute_id, principal, for_update=True)
    _require_moderator(session, principal, dispute)
    moderator_id = moderator_id or principal.subject_id
    if moderator_id in (dispute.claimant_id, dispute.respondent_id):
        raise Forbidden("a party cannot moderate its own dispute")
    dispute.status = dispute_transition(dispute.status, "assign_moderator")
    dispute.moderator_id = moderator_id
    _event(session, dispute, "dispute.moderator_assigned", principal.subject_id, moderator_id=moderator_id)
    return dispute


def resolve(session, dispute_id, principal, *, resolution: str, outcome: str) -> Dispute:
    """A moderator (not a party) closes a dispute under review as `resolved` or `dismissed` (an
    escalated one, a platform moderator); its claimant receives the credential of that outcome
    (services.credentials)."""
    dispute = get_dispute(session, dispute_id, principal, for_update=True)
    _require_moderator(session, principal, dispute)
    if _is_party(principal, dispute):
        raise Forbidden("a party cannot resolve its own dispute")
    dispute.status = dispute_transition(dispute.status, "resolve", outcome)
    dispute.resolution, dispute.resolved_by = resolution, principal.subject_id
    _event(session, dispute, f"dispute.{outcome}", principal.subject_id, outcome=outcome,
           resolution=resolution, resolved_by=principal.subject_id)
    credential = issue_for_dispute(session, dispute)  # the claimant's credential (issue 13)
    _event(session, dispute, "dispute.credential_issued", principal.subject_id, **issued_data(credential))
    return dispute


def escalate(session, dispute_id, principal) -> Dispute:
    """A party or a moderator escalates a dispute under review beyond its moderators, to the
    platform moderators; a party also an open one that no moderator took within
    DISPUTE_ESCALATION_AFTER_SECONDS of its opening (by the database clock)."""
    dispute = get_dispute(session, dispute_id, principal, for_update=True)
    due = escalation_due_at(dispute.created_at, get_settings().dispute_escalation_after_seconds)
    status = dispute_transition(dispute.status, "escalate", now=db_now(session), escalation_due=due)
    require_escalator(dispute.status, _is_party(principal, dispute))
    dispute.status = status
    _event(session, dispute, "dispute.escalated", principal.subject_id)
    return dispute


def party_disputes(principal, status: str | None):
    """The statement listing the disputes where the caller is claimant or respondent."""
    stmt = select(Dispute).where(
        or_(Dispute.claimant_id == principal.subject_id, Dispute.respondent_id == principal.subject_id)
    )
    return stmt.where(Dispute.status == status) if status else stmt


def moderator_queue(session, principal, *, status: str | None, assigned_to_me: bool):
    """The statement listing the disputes waiting for the caller: for platform moderators every
    open, under-review and escalated one; for DAO moderators the open and under-review ones
    about their DAOs (an escalated dispute has gone beyond them)."""
    waiting = PENDING_STATUSES if principal.is_moderator else OPEN_STATUSES
    stmt = select(Dispute).where(Dispute.status.in_([s for s in waiting if s == status] if status else waiting))
    if not principal.is_moderator:
        slugs = moderated_dao_slugs(session, principal.subject_id, principal.subject_type)
        if not slugs:
            raise Forbidden("requires the moderator role or can_moderate in a DAO")
        stmt = stmt.where(
            Dispute.subject_type == "dao_action",
            or_(Dispute.subject_id.in_(slugs), *(Dispute.subject_id.startswith(f"{s}/", autoescape=True)
                                                 for s in slugs)),
        )
    if assigned_to_me:
        stmt = stmt.where(Dispute.moderator_id == principal.subject_id)
    return stmt
