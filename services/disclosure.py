"""What the API shows of a proposal's ballots and tally (SPEC 5.6, secret ballots).

While a `secret_until_close` proposal is not finalized (governance.secrecy.ballots_hidden) no
route shows a choice or a per-choice figure, whoever asks: the votes list gives voter and time
only and refuses `?choice=`, the tally (live, stored or `?model=`) gives voters, participation
and quorum_reached only. The events carry no more (services.payloads.vote_cast_payload), nor do
the vote jobs' results. This is secrecy by access, not by cryptography: the server, its database
and its operators know every ballot.
"""

from __future__ import annotations

from governance.secrecy import ballots_hidden, redact_tally
from models import Proposal
from services.tally import current_tally


def votes_hidden(proposal: Proposal) -> bool:
    """True while the proposal's ballots must not be shown (a draft has none to hide)."""
    secrecy = proposal.effective_ballot_secrecy
    return secrecy is not None and ballots_hidden(secrecy, proposal.status)


def shown_tally(session, proposal: Proposal, model: str | None = None) -> dict:
    """The tally JSON of an activated proposal as the API shows it (governance.result.TallyResult
    .to_json): the stored `result` once finalized (under its own model), else the live tally,
    under `model` if given; reduced while its ballots are hidden."""
    if proposal.result is not None and model in (None, proposal.effective_model):
        figures = proposal.result
    else:
        figures = current_tally(session, proposal, model).to_json()
    return redact_tally(figures) if votes_hidden(proposal) else figures
