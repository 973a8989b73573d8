"""Vocabularies of proposals and ballots (SPEC 3, 5.6) that the rules and the tables share."""

PROPOSAL_TYPES = (
    "general",
    "treasury",
    "membership",
    "rule_change",
    "dispute_resolution",
    "resource_allocation",
)
VOTING_TYPES = ("basic", "single_choice", "approval", "ranked_choice")
BALLOT_SECRECY = ("public", "secret_until_close")
ABSTAIN = "abstain"
BASIC_CHOICES = ("yes", "no", ABSTAIN)
