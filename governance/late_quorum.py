"""Late-quorum protection (SPEC 5.6): a quorum reached in the last moments extends the vote."""

from datetime import datetime, timedelta


def extended_end_at(
    end_at: datetime, submitted_at: datetime, extension_seconds: int, already_extended: bool
) -> datetime | None:
    """The new end_at when the votes that first reach quorum were submitted at `submitted_at`,
    or None when the deadline stays.

    Called by the vote processing in the transaction whose batch turns quorum from not reached
    to reached, with the submission time of the vote that reached it (for a batch counted at
    once: its latest). With extension E = `extension_seconds`: None when E is 0 (off), when the
    proposal was already extended (at most once), or when end_at - submitted_at >= E; else
    submitted_at + E, which is always later than end_at. Raises ValueError for a negative E or a
    vote submitted at or after end_at (it is not accepted: SPEC 5.2).
    """
    if isinstance(extension_seconds, bool) or not isinstance(extension_seconds, int) or extension_seconds < 0:
        raise ValueError("the extension must be an integer number of seconds >= 0")
    if submitted_at >= end_at:
        raise ValueError("a vote submitted at or after end_at is not counted")
    extension = timedelta(seconds=extension_seconds)
    if extension_seconds == 0 or already_extended or end_at - submitted_at >= extension:
        return None
    return submitted_at + extension
