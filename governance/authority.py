"""Who may do what (SPEC 4, 5.1, 7), decided over entitlement sets the caller already resolved
(governance.entitlements): who may request a proposal transition, the no-escalation rule for
roles, who moderates a DAO's matters, who still sees what moderation hid.
"""

from collections.abc import Collection, Iterable, Mapping

from governance.entitlements import OWNER_ROLE, granted
from governance.errors import Forbidden

# Transitions the author of a proposal may request itself while it holds can_create_proposals.
AUTHOR_TRANSITIONS = ("activate", "cancel")


def require_transition_right(action: str, held: Collection[str], is_author: bool) -> None:
    """Raise Forbidden unless the caller may request `action` on a proposal: activate and cancel
    need can_manage_proposals, or the author holding can_create_proposals; close and execute
    need can_manage_proposals."""
    if "can_manage_proposals" in held:
        return
    if action in AUTHOR_TRANSITIONS and is_author and "can_create_proposals" in held:
        return
    raise Forbidden(
        f"{action} needs can_manage_proposals" + (" or the author" if action in AUTHOR_TRANSITIONS else "")
    )


def require_within(held: Collection[str], wanted: Iterable[str]) -> None:
    """No escalation: a manager grants, or takes away, only entitlements it holds itself.
    Raises Forbidden naming the entitlements of `wanted` missing from `held`."""
    missing = sorted(set(wanted) - set(held))
    if missing:
        raise Forbidden(f"you cannot grant or revoke entitlements you do not hold: {', '.join(missing)}")


def require_role_change_within(
    held: Collection[str], before: Mapping[str, bool] | None, after: Mapping[str, bool] | None
) -> None:
    """No escalation for a role's definition: creating (`before` None), replacing or deleting
    (`after` None) a role touches the entitlements one side grants and the other does not;
    the manager must hold every one of them."""
    require_within(held, granted(before or {}) ^ granted(after or {}))


def moderates(platform_moderator: bool, dao_entitlements: Collection[str]) -> bool:
    """Whether a subject moderates a target: platform moderators (token role `moderator` or
    `platform_admin`) moderate everything; otherwise the subject needs can_moderate in the DAO
    the target belongs to (`dao_entitlements`: what it holds there, empty without a DAO)."""
    return platform_moderator or "can_moderate" in dao_entitlements


def sees_hidden(platform_moderator: bool, dao_entitlements: Collection[str]) -> bool:
    """Whether a subject still sees a proposal that moderation hid or removed (governance.moderation):
    platform moderators, and in the proposal's DAO the holders of can_moderate or can_audit."""
    return moderates(platform_moderator, dao_entitlements) or "can_audit" in dao_entitlements


def require_account_reader(caller: str, subject_id: str, platform_admin: bool) -> None:
    """Whose time-credit account and ledger a caller reads: its own; any subject's only as a
    platform admin. Forbidden otherwise (never its own answered instead)."""
    if subject_id != caller and not platform_admin:
        raise Forbidden("only a platform_admin reads another subject's time-credit account")


def require_owner(member_role: str | None, member_status: str | None) -> None:
    """Only an owner restores a deactivated DAO: an active member whose role is `owner`
    (holding can_manage_dao, as an admin does, is not enough: deactivation is undone by those
    the DAO belongs to). Forbidden otherwise."""
    if member_role != OWNER_ROLE or member_status != "active":
        raise Forbidden("only an owner of the DAO restores it")
