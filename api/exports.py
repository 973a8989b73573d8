"""A finalized proposal's verifiable documents (issue 13, verify/FORMATS.md): its export (every
row needed to recompute the outcome, around the signed receipt) and a voter's ballot proof.

Both are readable with `can_read` once the proposal is finalized (409 before): from then on its
ballots are public, a secret ballot's included (finalization reveals it, SPEC 5.6).
"""

from flask import Blueprint, g

from api.endpoint import endpoint
from api.schemas.verification import BallotProofSchema, ProofQuerySchema, ProposalExportSchema
from infra.db import transaction
from services.access import dao_access
from services.drafts import load_proposal
from services.exports import ballot_proof_document, proposal_document

bp = Blueprint("exports", __name__, url_prefix="/api/v1/daos/<slug>/proposals/<pslug>")
TAGS = ["verification"]


@bp.get("/export")
@endpoint(summary="Everything needed to recompute a finalized proposal's outcome, with its signed receipt",
          responses={200: ProposalExportSchema}, problems=(409,), tags=TAGS)
def export_proposal(slug: str, pslug: str):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        return proposal_document(session, load_proposal(session, dao, pslug))


@bp.get("/proof")
@endpoint(summary="The inclusion proof of a voter's counted ballot in the signed ballots root (?voter=)",
          query=ProofQuerySchema, responses={200: BallotProofSchema}, problems=(409,), tags=TAGS)
def ballot_proof(slug: str, pslug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        return ballot_proof_document(session, load_proposal(session, dao, pslug), query["voter"])
