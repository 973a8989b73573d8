"""Executable proposal actions (SPEC 5.5): the shape of `action_payload`, checked purely.

`action_payload` is `{"actions": [...], "auto_execute": bool}`. Unknown action types and
malformed actions are refused when the proposal is created (422), never at execution. Other
top-level keys are kept as they are: the payload is also carried to downstream subscribers.
"""

import re
from collections.abc import Container

from governance.errors import ValidationFailed
from governance.validation import FieldErrors, bounded_decimal, setting_value
from governance.subjects import SUBJECT_ID_RULE, is_subject_id
from governance.vocabulary import SUBJECT_TYPES

ACTION_TYPES = ("treasury_transfer", "add_member", "remove_member", "set_role", "update_dao")
MAX_ACTIONS = 50
TOKEN_SYMBOL = re.compile(r"^[A-Z0-9]{1,16}$")
_DAO_FIELDS = (
    "quorum_percent", "pass_threshold_percent", "voting_period_seconds", "governance_model",
    "name", "description",
)


MAX_TEXT = 200  # roles, names: the API's own bounds for the same fields
MAX_DESCRIPTION = 5000


def _text(errors, key, value, *, required=True, allow_empty=False, max_length=MAX_TEXT):
    if value is None:
        if required:
            errors.add(key, "missing required field")
        return None
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        errors.add(key, "must be a non-empty string" if not allow_empty else "must be a string")
        return None
    if len(value) > max_length:
        errors.add(key, f"at most {max_length} characters")
        return None
    return value


def _subject(errors, key, value):
    """A subject id (governance.subjects), required."""
    if value is None:
        errors.add(key, "missing required field")
        return None
    if not is_subject_id(value):
        errors.add(key, f"must be a subject id: {SUBJECT_ID_RULE}")
        return None
    return value


def _unknown(errors, prefix, action, allowed):
    for key in action:
        if key not in allowed:
            errors.add(f"{prefix}.{key}", "unknown field")


def _treasury_transfer(errors, p, a):
    _unknown(errors, p, a, ("type", "token_symbol", "amount", "to_subject_id"))
    symbol = a.get("token_symbol")
    if symbol is None:
        errors.add(f"{p}.token_symbol", "missing required field")
    elif not isinstance(symbol, str) or not TOKEN_SYMBOL.match(symbol):
        errors.add(f"{p}.token_symbol", "must be 1-16 of A-Z, 0-9")
    return {
        "type": "treasury_transfer",
        "token_symbol": symbol,
        "amount": bounded_decimal(errors, f"{p}.amount", a.get("amount"), minimum=0, exclusive=True),
        "to_subject_id": _subject(errors, f"{p}.to_subject_id", a.get("to_subject_id")),
    }


def _subject_type(errors, key, value):
    if value not in SUBJECT_TYPES:
        errors.add(key, f"must be one of: {', '.join(SUBJECT_TYPES)}")
    return value


def _add_member(errors, p, a):
    _unknown(errors, p, a, ("type", "subject_id", "subject_type", "role", "voting_power"))
    subject_type = _subject_type(errors, f"{p}.subject_type", a.get("subject_type", "user"))
    return {
        "type": "add_member",
        "subject_id": _subject(errors, f"{p}.subject_id", a.get("subject_id")),
        "subject_type": subject_type,
        "role": _text(errors, f"{p}.role", a.get("role", "member")),
        "voting_power": bounded_decimal(
            errors, f"{p}.voting_power", a.get("voting_power", "1"), minimum=0
        ),
    }


# remove_member and set_role name the member by its id, and by its type when the id is both a
# user's and an agent's (optional: without it the id must name one member).
def _remove_member(errors, p, a):
    _unknown(errors, p, a, ("type", "subject_id", "subject_type"))
    return {
        "type": "remove_member",
        "subject_id": _subject(errors, f"{p}.subject_id", a.get("subject_id")),
        **_named_type(errors, p, a),
    }


def _set_role(errors, p, a):
    _unknown(errors, p, a, ("type", "subject_id", "subject_type", "role"))
    return {
        "type": "set_role",
        "subject_id": _subject(errors, f"{p}.subject_id", a.get("subject_id")),
        **_named_type(errors, p, a),
        "role": _text(errors, f"{p}.role", a.get("role")),
    }


def _named_type(errors, p, a) -> dict:
    if "subject_type" not in a:
        return {}
    return {"subject_type": _subject_type(errors, f"{p}.subject_type", a["subject_type"])}


def _update_dao(errors, p, a):
    _unknown(errors, p, a, ("type",) + _DAO_FIELDS)
    present = [key for key in _DAO_FIELDS if key in a]
    if not present:
        errors.add(p, f"needs at least one of: {', '.join(_DAO_FIELDS)}")
    out = {"type": "update_dao"}
    for key in present:
        value, k = a[key], f"{p}.{key}"
        if key in ("name", "description"):
            description = key == "description"
            out[key] = _text(errors, k, value, allow_empty=description,
                             max_length=MAX_DESCRIPTION if description else MAX_TEXT)
        else:
            out[key] = setting_value(errors, k, key, value)
    return out


_VALIDATORS = {
    "treasury_transfer": _treasury_transfer,
    "add_member": _add_member,
    "remove_member": _remove_member,
    "set_role": _set_role,
    "update_dao": _update_dao,
}


def validate_actions(payload: dict | None) -> list[dict]:
    """Check an `action_payload` and return its actions normalized (decimals as 8-place strings,
    defaults filled in).

    A missing payload or missing `actions` means no actions. Raises ValidationFailed with
    per-field errors such as {"actions.0.type": ["unknown action type 'x'"]}: a non-object
    payload, `actions` not a list or longer than 50, `auto_execute` not a boolean, an unknown
    type, a missing or malformed field, or a field the action type does not take.
    """
    if payload is None:
        return []
    errors = FieldErrors()
    if not isinstance(payload, dict):
        raise ValidationFailed(
            "invalid action_payload", errors={"action_payload": ["must be an object"]}
        )
    if "auto_execute" in payload and not isinstance(payload["auto_execute"], bool):
        errors.add("auto_execute", "must be true or false")
    actions = payload.get("actions", [])
    if not isinstance(actions, list):
        errors.add("actions", "must be a list")
        actions = []
    elif len(actions) > MAX_ACTIONS:
        errors.add("actions", f"at most {MAX_ACTIONS} actions")
        actions = []
    normalized = []
    for i, action in enumerate(actions):
        p = f"actions.{i}"
        if not isinstance(action, dict):
            errors.add(p, "must be an object")
            continue
        kind = action.get("type")
        if kind is None:
            errors.add(f"{p}.type", "missing required field")
        elif not isinstance(kind, str) or kind not in ACTION_TYPES:
            errors.add(f"{p}.type", f"unknown action type {kind!r}")
        else:
            normalized.append(_VALIDATORS[kind](errors, p, action))
    if errors:
        raise ValidationFailed("invalid action_payload", errors=dict(errors))
    return normalized


# The action types that give a member a role of the DAO, by their `role` field.
ROLE_ACTIONS = ("add_member", "set_role")


def check_roles_defined(actions: list[dict], defined_roles: Container[str]) -> None:
    """Refuse `actions` (as validate_actions normalized them) that give a role the DAO does not
    define: ValidationFailed with errors {"actions.<i>.role": ["unknown role 'x'"]}, so that a
    proposal naming a missing role is refused when it is written, not when it is executed."""
    errors = FieldErrors()
    for i, action in enumerate(actions):
        if action["type"] in ROLE_ACTIONS and action["role"] not in defined_roles:
            errors.add(f"actions.{i}.role", f"unknown role {action['role']!r} in this DAO")
    if errors:
        raise ValidationFailed("invalid action_payload", errors=dict(errors))
