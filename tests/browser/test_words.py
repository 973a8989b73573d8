"""Errors in words (issue 9), checked on the dashboard's own module in the browser: 401 sends to
sign-in, 403 names the missing entitlement, 409 the state conflict, 422 the fields, 429 when to
retry, 503 that the service is degraded; a failed job's code becomes words too."""

from __future__ import annotations

import pytest

CASES = [
    (401, {"code": "unauthorized", "detail": "token expired"}, None, "Sign in again"),
    (403, {"code": "forbidden", "detail": "requires can_manage_treasury"}, None,
     "You may not manage the treasury here: that needs the can_manage_treasury entitlement."),
    (403, {"code": "forbidden", "detail": "this DAO is private to its members"}, None, "private to its members"),
    (409, {"code": "invalid_state", "detail": "cannot activate a canceled proposal"}, None,
     "This cannot be done now: cannot activate a canceled proposal."),
    (409, {"code": "voting_closed", "detail": "voting is not open"}, None, "Voting is not open for this proposal."),
    (422, {"code": "validation_error", "errors": {"slug": ["3-64 characters of a-z, 0-9 and '-'"]}}, None,
     "Some values are not valid: slug: 3-64 characters of a-z, 0-9 and '-'."),
    (429, {"code": "rate_limited", "detail": "at most 600 write requests per minute"}, "17", "Retry in 17 seconds."),
    (503, {"code": "unavailable", "detail": "a dependency is unavailable; retry later"}, "5",
     "The service is degraded"),
    (0, {"code": "unreachable"}, None, "The service cannot be reached."),
]


@pytest.fixture(scope="module")
def shell(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.url}/dao")
    yield page
    context.close()


@pytest.mark.parametrize(("status", "problem", "retry_after", "words"), CASES)
def test_a_failed_request_reads_in_words(shell, status, problem, retry_after, words):
    text = shell.evaluate(
        """async ([status, problem, retryAfter]) => {
            const { ApiError } = await import("/assets/dao/js/core/api.js");
            const { describe } = await import("/assets/dao/js/core/errors.js");
            return describe(new ApiError(status, problem, retryAfter));
        }""",
        [status, problem, retry_after],
    )
    assert words in text


def test_a_failed_job_reads_in_words(shell):
    text = shell.evaluate(
        """async () => {
            const { describeJobError } = await import("/assets/dao/js/core/errors.js");
            return [describeJobError({code: "already_voted", message: "x"}),
                    describeJobError({code: "insufficient_funds", message: "balance 5 cannot cover 7"}),
                    describeJobError({code: "weird", message: "it broke"})];
        }"""
    )
    assert text == ["You have already voted, and this DAO does not allow changing a vote.",
                    "Not enough funds: balance 5 cannot cover 7.", "The job failed: it broke."]
