"""Roles and entitlements (SPEC 4) and the action names the PDP answers for.

A member holds the union of the entitlements of all its roles, and only while its membership is
`active` and it is not banned by moderation; otherwise it holds none.
"""

from typing import Iterable, Mapping

from governance.errors import ValidationFailed

ENTITLEMENTS = (
    "can_read",
    "can_vote",
    "can_create_proposals",
    "can_manage_proposals",
    "can_manage_members",
    "can_manage_roles",
    "can_manage_treasury",
    "can_manage_dao",
    "can_moderate",
    "can_audit",
)


def _role(*granted: str) -> dict[str, bool]:
    return {name: name in granted for name in ENTITLEMENTS}


DEFAULT_ROLES: dict[str, dict[str, bool]] = {
    "owner": _role(*ENTITLEMENTS),
    "admin": _role(*ENTITLEMENTS),
    "member": _role("can_read", "can_vote", "can_create_proposals"),
    "observer": _role("can_read", "can_audit"),
    "guest": _role("can_read"),
}

# PDP action name -> entitlement; the entitlement names themselves are accepted too.
ACTION_ENTITLEMENT: dict[str, str] = {
    "read": "can_read",
    "vote": "can_vote",
    "create_proposal": "can_create_proposals",
    "manage_proposals": "can_manage_proposals",
    "manage_members": "can_manage_members",
    "manage_roles": "can_manage_roles",
    "manage_treasury": "can_manage_treasury",
    "manage_dao": "can_manage_dao",
    "moderate": "can_moderate",
    "audit": "can_audit",
    **{name: name for name in ENTITLEMENTS},
}


def granted(entitlements: Mapping[str, bool]) -> frozenset[str]:
    """The entitlement names one role's object sets to true (unknown keys and values other than
    True grant nothing)."""
    return frozenset(name for name in ENTITLEMENTS if entitlements.get(name) is True)


def held_roles(role: str, extra_roles: Iterable[str]) -> list[str]:
    """Every role a member holds: its role, then its extra roles in the given order, each once."""
    held = [role]
    for code in extra_roles:
        if code not in held:
            held.append(code)
    return held


def roles_grant(roles: Mapping[str, Mapping[str, bool]], codes: Iterable[str]) -> frozenset[str]:
    """The union of what the roles `codes` grant, whatever a member's status. `roles` maps the
    DAO's role codes to their entitlements objects; a code it does not define grants nothing."""
    return frozenset().union(*(granted(roles[code]) for code in codes if code in roles))


def effective_entitlements(
    roles: Mapping[str, Mapping[str, bool]],
    codes: Iterable[str],
    member_status: str | None,
    banned: bool,
) -> frozenset[str]:
    """The entitlements a subject holds in a DAO: what its roles `codes` grant together
    (roles_grant), and nothing when the subject is not a member (`member_status` None), its
    status is not 'active', or it is banned by moderation."""
    if member_status != "active" or banned:
        return frozenset()
    return roles_grant(roles, codes)


def validate_entitlements(mapping) -> dict[str, bool]:
    """Validate a role's entitlements object; return it complete, missing keys False.

    Raises ValidationFailed (errors keyed `entitlements.<key>`) for a non-object, unknown keys
    or non-boolean values.
    """
    if not isinstance(mapping, Mapping):
        raise ValidationFailed(
            "entitlements must be an object", errors={"entitlements": ["must be an object"]}
        )
    errors: dict[str, list[str]] = {}
    for key, value in mapping.items():
        if key not in ENTITLEMENTS:
            errors[f"entitlements.{key}"] = [f"unknown entitlement {key!r}"]
        elif not isinstance(value, bool):
            errors[f"entitlements.{key}"] = ["must be true or false"]
    if errors:
        raise ValidationFailed("invalid entitlements", errors=errors)
    return {name: mapping.get(name, False) for name in ENTITLEMENTS}


def entitlement_for_action(action: str) -> str:
    """The entitlement a PDP `action` needs; ValidationFailed for an unknown action."""
    try:
        return ACTION_ENTITLEMENT[action]
    except (KeyError, TypeError):
        raise ValidationFailed(
            f"unknown action {action!r}", errors={"action": [f"unknown action {action!r}"]}
        ) from None


# The role a DAO's ownership rests on (its last active holder cannot leave, services.members):
# held as a member's role only, never as an extra role.
OWNER_ROLE = "owner"


def check_extra_role(code: str, member_role: str) -> None:
    """Whether a member whose role is `member_role` may be given the role `code` as an extra
    role (SPEC 3 `dao_role_assignments`): not the role it holds already, and not `owner`, which
    is given as a member's role (a DAO keeps an active owner by that role). ValidationFailed on
    `code` otherwise."""
    if code == member_role:
        raise ValidationFailed(f"'{code}' is the member's role already", errors={"code": ["is the member's role already"]})
    if code == OWNER_ROLE:
        raise ValidationFailed(
            "the owner role is given as a member's role, not as an extra role",
            errors={"code": ["owner is given as the member's role (PATCH role), not as an extra role"]},
        )
