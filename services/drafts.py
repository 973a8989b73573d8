"""Proposal drafts (SPEC 5.1): creating a draft with its slug, editing it while it is a draft, and
finding a proposal of a DAO."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from governance.actions import check_roles_defined, validate_actions
from governance.ballots import proposal_options
from governance.canonical import canonical_json
from governance.errors import Conflict, InvalidState, NotFound, ValidationFailed
from governance.lifecycle import check_draft_window
from governance.slugs import slugify, unique_slug
from infra.db import db_now
from models import Dao, DaoRole, Proposal
from services.daos import SlugTaken
from services.outbox import record_event
from services.payloads import proposal_ref

EDITABLE_FIELDS = (
    "title", "description", "proposal_type", "action_payload", "start_at", "end_at",
    "governance_model_override", "quorum_percent_override", "pass_threshold_override",
    "voting_type", "options", "ballot_secrecy",
)
_SLUG_ATTEMPTS = 5


def load_proposal(session, dao: Dao, slug: str, *, lock: str | None = None) -> Proposal:
    """The DAO's proposal `slug` (NotFound). lock: None, "update" or "key_share"."""
    stmt = select(Proposal).where(Proposal.dao_id == dao.id, Proposal.slug == slug)
    if lock == "update":
        stmt = stmt.with_for_update()
    elif lock == "key_share":
        stmt = stmt.with_for_update(read=True, key_share=True)
    proposal = session.scalar(stmt)
    if proposal is None:
        raise NotFound(f"no proposal '{slug}' in this DAO")
    return proposal


def normalized_payload(session, dao_id, payload: dict | None) -> dict:
    """The action_payload as stored: actions checked and normalized (422 on an unknown type, or
    on a role the DAO `dao_id` does not define), other keys kept for downstream subscribers,
    numbers as strings. It travels in events, which the audit chain hashes as RFC 8785 JSON: an
    integer beyond its range is refused (422)."""
    if payload is None:
        return {}
    try:
        actions = validate_actions(payload)
        check_roles_defined(actions, set(session.scalars(select(DaoRole.code).where(DaoRole.dao_id == dao_id))))
    except ValidationFailed as error:
        error.errors = {f"action_payload.{key}": value for key, value in error.errors.items()}
        raise
    plain = json.loads(json.dumps(payload, default=str))
    try:
        canonical_json(plain)
    except ValueError as error:
        raise ValidationFailed("action_payload cannot be hashed", errors={
            "action_payload": [f"holds a value RFC 8785 JSON cannot carry ({error}); send big numbers as strings"]
        }) from None
    return {**plain, "actions": actions} if "actions" in payload else plain


def _insert_with_slug(session, proposal: Proposal, requested: str | None) -> None:
    for _ in range(_SLUG_ATTEMPTS):
        if requested is not None:
            proposal.slug = requested
        else:
            base = slugify(proposal.title)
            taken = set(session.scalars(
                select(Proposal.slug).where(Proposal.dao_id == proposal.dao_id, Proposal.slug.startswith(base))
            ))
            proposal.slug = unique_slug(base, taken)
        try:
            with session.begin_nested():
                session.add(proposal)
                session.flush()
            return
        except IntegrityError as error:
            if getattr(getattr(error.orig, "diag", None), "constraint_name", None) != "uq_proposals_dao_id_slug":
                raise
            if requested is not None:
                raise SlugTaken(f"the slug '{requested}' is taken in this DAO") from None
    raise Conflict("could not find a free slug; give one explicitly")


def create_proposal(session, dao: Dao, *, author: str, fields: dict) -> Proposal:
    """Insert a draft (slug from the title when absent, unique in the DAO; SlugTaken for a given
    slug already used) and its `proposal_created` event."""
    values = {key: fields[key] for key in EDITABLE_FIELDS if key in fields}
    values["action_payload"] = normalized_payload(session, dao.id, values.get("action_payload"))
    values["options"] = proposal_options(values.get("voting_type"), values.get("options"))
    check_draft_window(values.get("start_at"), values.get("end_at"), db_now(session))
    proposal = Proposal(dao_id=dao.id, created_by=author, status="draft", **values)
    _insert_with_slug(session, proposal, fields.get("slug"))
    record_event(
        session, "proposal_created", actor=author, dao=dao,
        data=proposal_ref(proposal, title=proposal.title, proposal_type=proposal.proposal_type, created_by=author),
    )
    return proposal


def update_draft(session, proposal: Proposal, changes: dict) -> Proposal:
    """Apply `changes` to a draft (the caller locked it); InvalidState once it left draft."""
    if proposal.status != "draft":
        raise InvalidState(f"only a draft can be edited; this proposal is {proposal.status}")
    if "action_payload" in changes:
        changes = {**changes, "action_payload": normalized_payload(session, proposal.dao_id, changes["action_payload"])}
    if "voting_type" in changes or "options" in changes:
        options = proposal_options(changes.get("voting_type", proposal.voting_type),
                                   changes.get("options", proposal.options))
        changes = {**changes, "options": options}
    check_draft_window(
        changes.get("start_at", proposal.start_at), changes.get("end_at", proposal.end_at), db_now(session)
    )
    for key, value in changes.items():
        setattr(proposal, key, value)
    session.flush()
    return proposal
