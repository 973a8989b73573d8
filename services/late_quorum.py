"""Late-quorum protection in the vote processing (SPEC 5.6): when quorum is first reached by a vote
submitted within the extension before end_at, end_at moves to that vote's submission plus the
extension, at most once per proposal, with `proposal_deadline_extended`.

The vote batch that may do it (governance.late_quorum.extended_end_at) is one holding a vote
submitted within the extension before end_at while the proposal was not extended yet. Such a
batch locks the proposal row FOR NO KEY UPDATE before writing its votes: batches in the window
then run one after the other (the API's vote requests and the other batches, which hold KEY
SHARE, are not held up), so "quorum was not reached before this batch and is after it" is judged
on every vote committed before, and only one batch can see quorum first reached. A batch outside
the window does none of this and costs nothing more.

Finalization follows the new end_at: the scheduler claims proposals by end_at, the API's vote
window and the worker's admission judge votes by it, and finalization waits for the vote jobs
submitted before it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from governance.late_quorum import extended_end_at
from models import Dao, Job, Proposal
from services.outbox import record_event
from services.payloads import deadline_extended_payload
from services.tally import current_tally


class LateQuorumWatch:
    """The late-quorum check of one vote batch: `before(chosen)` ahead of writing its votes,
    `after(...)` once they are written; `watching` tells whether `after` needs the tally."""

    def __init__(self, session, proposal: Proposal, dao: Dao, jobs: list[Job]):
        self.session, self.proposal, self.dao = session, proposal, dao
        self.extension = proposal.effective_late_quorum_extension_seconds or 0
        self.watching = False
        if self.extension and any(job.submitted_at >= proposal.end_at for job in jobs):
            # A vote the API accepted after an extension that committed once this batch had read
            # the proposal: read the deadline again rather than refuse it.
            session.refresh(proposal, ["end_at", "deadline_extended_from"])

    def _may_extend(self, jobs: list[Job]) -> bool:
        window = timedelta(seconds=self.extension)
        return self.proposal.deadline_extended_from is None and any(
            self.proposal.end_at - job.submitted_at < window for job in jobs
        )

    def before(self, chosen: list[Job]) -> None:
        """Ahead of writing `chosen` (the batch's standing ballots): in the window, lock the
        proposal and note whether quorum is still to be reached."""
        if not self.extension or not self._may_extend(chosen):
            return
        self.session.refresh(self.proposal, ["end_at", "deadline_extended_from"], with_for_update={"key_share": True})
        if self._may_extend(chosen):
            self.watching = not current_tally(self.session, self.proposal).quorum_reached

    def after(self, quorum_reached: bool, latest_submitted_at: datetime) -> None:
        """Once the batch is written: extend end_at if this batch reached quorum first, judged by
        the latest submission among its written votes."""
        if not (self.watching and quorum_reached):
            return
        previous = self.proposal.end_at
        new_end = extended_end_at(previous, latest_submitted_at, self.extension, already_extended=False)
        if new_end is None:
            return
        self.proposal.end_at, self.proposal.deadline_extended_from = new_end, previous
        self.session.flush()
        record_event(
            self.session, "proposal_deadline_extended", actor=None, dao=self.dao,
            data=deadline_extended_payload(self.proposal, previous, latest_submitted_at, self.extension),
        )
