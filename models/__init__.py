"""The SQLAlchemy models of every table (SPEC 3). Engine and sessions live in infra.db."""

from models.base import Base
from models.credentials import Credential
from models.dao import Dao, DaoMember, DaoProject, DaoRole, DaoRoleAssignment, Delegation
from models.disputes import Dispute, ModerationAction
from models.events import BridgePlan, Event
from models.jobs import Job
from models.proposal import Proposal, ProposalVoter, Vote, VoteTotal
from models.timebank import TimeCreditAccount, TimeCreditTransaction
from models.treasury import TreasuryBalance, TreasuryTransaction

__all__ = [
    "Base",
    "BridgePlan",
    "Credential",
    "Dao",
    "DaoMember",
    "DaoProject",
    "DaoRole",
    "DaoRoleAssignment",
    "Delegation",
    "Dispute",
    "Event",
    "Job",
    "ModerationAction",
    "Proposal",
    "ProposalVoter",
    "TimeCreditAccount",
    "TimeCreditTransaction",
    "TreasuryBalance",
    "TreasuryTransaction",
    "Vote",
    "VoteTotal",
]
