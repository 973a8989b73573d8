"""Postgres crashes and comes back during activity (issue 6): meanwhile the API answers 503
problems, never 500; every job it accepted retries and finishes, exactly once."""

import threading
import time
from collections import Counter

import pytest

from tests.faults.checks import (
    assert_outbox_delivered_once, assert_rewarded_once, assert_treasury_exact, assert_votes_counted,
    deltas_path, votes_path,
)
from tests.faults.harness import wait_until

pytestmark = pytest.mark.faults


def test_a_postgres_restart_answers_503_meanwhile_and_every_accepted_job_finishes(fault_stack):
    s = fault_stack
    slug, owner, voters, proposal = s.voting(8)
    statuses, unavailable, accepted_deltas, accepted_votes = Counter(), [], [], {}
    stop = threading.Event()

    def traffic(voter: str) -> None:
        """Writes and reads in a loop, as clients do, until told to stop."""
        while not stop.is_set():
            for response in (
                s.post(deltas_path(slug), owner, {"token_symbol": "GOV", "delta": "1", "reason": voter}),
                s.post(votes_path(slug, proposal["slug"]), voter, {"choice": "yes"}),
                s.get(f"/api/v1/daos/{slug}/treasury", owner),
            ):
                statuses[response.status_code] += 1
                if response.status_code == 503:
                    unavailable.append(response)
                elif response.status_code == 202 and "/votes" in response.url:
                    accepted_votes[response.json()["id"]] = voter
                elif response.status_code == 202:
                    accepted_deltas.append(response.json()["id"])
            time.sleep(0.05)

    threads = [threading.Thread(target=traffic, args=(voter,)) for voter in voters]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: len(accepted_deltas) >= 20, 20, "traffic before the crash")
        s.pg.kill()  # immediate shutdown: open transactions die, recovery runs at the next start
        wait_until(lambda: len(unavailable) >= 10, 20, "503 answers while Postgres is down")
        s.pg.start()
        before = len(accepted_deltas)
        wait_until(lambda: len(accepted_deltas) >= before + 20, 30, "traffic accepted again after the restart")
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    assert set(statuses) <= {200, 202, 503}, statuses
    for response in unavailable:
        body = response.json()
        assert (body["status"], body["code"]) == (503, "unavailable")
        assert response.headers["Content-Type"] == "application/problem+json"
    jobs = s.wait_jobs_finished(accepted_deltas + list(accepted_votes), timeout=60)
    assert set(jobs.values()) == {"succeeded"}
    assert_treasury_exact(s, slug, owner, accepted_deltas)
    assert_votes_counted(s, slug, proposal, {voter: "yes" for voter in set(accepted_votes.values())})
    assert_outbox_delivered_once(s, slug)
    s.wait_rewards(proposal["id"], len(set(accepted_votes.values())))
    assert_rewarded_once(s, proposal["id"], set(accepted_votes.values()))
