"""The vocabularies of the engine (SPEC 3, 6, 7, 8): every closed set of words a table column, a
request or an event carries, defined once here.

The models build their CHECK constraints from these tuples (models.base.in_list), the request
schemas validate against them (marshmallow OneOf) and the rules test membership in them. The
alphabets private to one rule stay with that rule: the transition names of the state machines
(governance.lifecycle.ACTIONS, governance.disputes.ACTIONS), the entitlements
(governance.entitlements), the executable action types (governance.actions).

Migrations do not import this module: each Alembic revision keeps, as literals, the lists it
created. A revision must build the same schema whenever it runs; were 0001 to import these
tuples, a database migrated to 0001 before a word was added and one migrated after would differ
under the same revision number, and the revision that adds the word (altering the CHECK) could
not be replayed or downgraded faithfully. A vocabulary that grows here therefore gets a new
revision, and tests/schema/test_migrations.py proves that the migrated head's CHECK constraints
hold exactly the words defined here.
"""

DAO_TYPES = ("community", "cooperative", "collective", "trust")
GOVERNANCE_MODELS = ("simple", "weighted", "quadratic", "delegated")
SUBJECT_TYPES = ("user", "agent")
MEMBER_STATUSES = ("active", "pending", "banned", "left")

PROPOSAL_TYPES = (
    "general",
    "treasury",
    "membership",
    "rule_change",
    "dispute_resolution",
    "resource_allocation",
)
PROPOSAL_STATUSES = ("draft", "active", "passed", "rejected", "expired", "executed", "canceled")
# The statuses a finalized proposal can have: the outcome of its tally.
OUTCOMES = ("passed", "rejected", "expired")
ABSTAIN = "abstain"
# The choices of a `basic` ballot (SPEC 5.2); the other voting types choose among their options.
VOTE_CHOICES = ("yes", "no", ABSTAIN)
VOTING_TYPES = ("basic", "single_choice", "approval", "ranked_choice")
BALLOT_SECRECY = ("public", "secret_until_close")

DISPUTE_SUBJECT_TYPES = ("exchange", "listing", "dao_action", "other")
DISPUTE_STATUSES = ("open", "under_review", "resolved", "dismissed", "escalated")
MODERATION_TARGET_TYPES = ("user", "proposal", "listing", "declaration", "dao")
MODERATION_ACTIONS = ("warn", "hide", "remove", "ban", "restore")

TX_TYPES = (
    "exchange_credit",
    "exchange_debit",
    "governance_reward",
    "dao_treasury_deposit",
    "dao_treasury_withdrawal",
    "admin_adjustment",
)

JOB_STATUSES = ("queued", "running", "succeeded", "failed")
# A job not finished yet: waiting for a worker, or held by one.
UNFINISHED_JOB_STATUSES = ("queued", "running")

# Events published on dao.<slug>.<type>, and those published on their own type (SPEC 6).
# Beyond SPEC 6 (issue 11, docs/operations.md "Events"): `dao_restored`, `project_linked`,
# `project_unlinked`.
DAO_EVENT_TYPES = frozenset(
    {
        "dao_created", "dao_updated", "dao_deactivated", "member_added", "member_updated",
        "member_removed", "role_changed", "delegation_changed", "treasury_updated",
        "proposal_created", "proposal_status_changed", "proposal_finalized", "proposal_executed",
        "vote_cast", "dao_restored", "project_linked", "project_unlinked", "proposal_deadline_extended",
        "ballots_revealed",
    }
)
OTHER_EVENT_TYPES = frozenset(
    {
        "timebank.credited", "timebank.debited", "timebank.transferred", "dispute.opened",
        "dispute.moderator_assigned", "dispute.resolved", "dispute.dismissed",
        "dispute.escalated", "dispute.credential_issued", "moderation.action_taken",
    }
)
