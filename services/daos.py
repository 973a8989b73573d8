"""DAOs (SPEC 3, 4): creation with the default roles and the creator as owner, settings changes.
Deactivation and restoration: services/dao_state.py."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from governance.early_pass import dao_refusals
from governance.entitlements import DEFAULT_ROLES
from governance.errors import Conflict, ValidationFailed
from governance.settings import validate_type_rules
from services.outbox import record_event
from services.payloads import dao_payload
from models import Dao, DaoMember, DaoRole

CREATE_DEFAULTS = {
    "description": "",
    "microdao_id": None,
    "dao_type": "community",
    "governance_model": "simple",
    "voting_period_seconds": 604800,
    "quorum_percent": Decimal(20),
    "pass_threshold_percent": Decimal(50),
    "allow_vote_change": True,
    "is_public": False,
    "type_rules": {},
    "late_quorum_extension_seconds": 0,
    "early_pass": False,
    "ballot_secrecy": "public",
}
UPDATABLE_FIELDS = frozenset(CREATE_DEFAULTS) | {"name"}
_DECIMAL_FIELDS = ("quorum_percent", "pass_threshold_percent")


class SlugTaken(Conflict):
    code, title = "slug_taken", "Slug taken"


def _checked(changes: dict, allowed: frozenset) -> dict:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed("unknown DAO fields", errors={key: ["unknown or immutable field"] for key in unknown})
    # Proposal execution passes decimals as strings; compare and store them as Decimal.
    values = {k: Decimal(str(v)) if k in _DECIMAL_FIELDS else v for k, v in changes.items()}
    if "type_rules" in values:
        values["type_rules"] = validate_type_rules(values["type_rules"])
    return values


def _check_early_pass(dao: Dao) -> None:
    """Early pass only where SPEC 5.6 allows it, for the DAO and each of its type rules."""
    if dao.early_pass:
        reasons = dao_refusals(dao.allow_vote_change, dao.governance_model, dao.type_rules)
        if reasons:
            raise ValidationFailed("early pass is not allowed with these settings", errors={"early_pass": reasons})


def create_dao(session, *, owner_id: str, owner_type: str, fields: dict) -> Dao:
    """Insert the DAO, its five default roles, its owner (an active member with role `owner`)
    and the `dao_created` event. A slug already used (by any DAO, active or not): SlugTaken."""
    values = {**CREATE_DEFAULTS, **_checked(fields, UPDATABLE_FIELDS | {"slug"})}
    dao = Dao(**values, owner_subject_id=owner_id, owner_subject_type=owner_type)
    _check_early_pass(dao)
    try:
        with session.begin_nested():
            session.add(dao)
            session.flush()
    except IntegrityError as error:
        if getattr(getattr(error.orig, "diag", None), "constraint_name", None) == "uq_daos_slug":
            raise SlugTaken(f"the slug '{values.get('slug')}' is taken") from None
        raise
    session.add_all(
        DaoRole(dao_id=dao.id, code=code, name=code.capitalize(), entitlements=entitlements, is_default=True)
        for code, entitlements in DEFAULT_ROLES.items()
    )
    session.add(DaoMember(dao_id=dao.id, subject_id=owner_id, subject_type=owner_type, role="owner", status="active"))
    session.flush()
    record_event(session, "dao_created", actor=owner_id, dao=dao, data=dao_payload(dao))
    return dao


def update_dao(session, dao: Dao, changes: dict, *, actor: str) -> Dao:
    """Apply the settings in `changes` (any of UPDATABLE_FIELDS; the slug is immutable) and record
    `dao_updated` with the fields that really changed; nothing changed, no event."""
    values = _checked(changes, UPDATABLE_FIELDS)
    changed = {key: value for key, value in values.items() if getattr(dao, key) != value}
    if not changed:
        return dao
    for key, value in changed.items():
        setattr(dao, key, value)
    _check_early_pass(dao)
    session.flush()
    shown = dao_payload(dao)
    record_event(
        session, "dao_updated", actor=actor, dao=dao,
        data={"changes": {key: shown[key] for key in changed}, "dao": shown},
    )
    return dao
