"""Early pass (SPEC 5.6) end to end: once quorum is reached and yes can no longer be outweighed
(yes * 100 >= t * (yes + no + R), R the weight not yet cast), the vote batch sends the
finalization and the proposal is `passed` at once, long before its end_at, with
`result.early = true`, through the usual finalization: one status change, one
`proposal_finalized`, auto-execution."""

from __future__ import annotations

from tests.conftest import auth
from tests.daos.common import problem
from tests.proposals.helpers import (
    act, create, dao_with_members, detail, events, in_seconds, jobs_of, url, vote, wait_status,
)

# weighted, with the owner's 1: W = 11; t = 50 %
POWERS = {"a": "5", "b": "3", "c": "1", "d": "1"}
SETTINGS = {"early_pass": True, "allow_vote_change": False, "governance_model": "weighted"}


def test_a_proposal_whose_outcome_is_certain_passes_at_once_and_executes(client, worker):
    dao, owner, m = dao_with_members(POWERS, **SETTINGS)
    proposal = create(client, dao, owner, end_at=in_seconds(3600), action_payload={
        "auto_execute": True, "actions": [{"type": "update_dao", "description": "decided early"}]})
    act(client, dao, proposal["slug"], "activate", owner)
    pslug = proposal["slug"]
    vote(client, dao, pslug, m["a"], "yes")   # 5 * 100 < 50 * 11: the 6 still open could say no
    vote(client, dao, pslug, m["c"], "no")    # 5 * 100 < 50 * (11 - 0): still open
    assert detail(client, dao, pslug, owner)["status"] == "active"
    vote(client, dao, pslug, m["b"], "yes")   # 8 * 100 >= 50 * 11: certain

    done = wait_status(client, dao, pslug, owner, ["executed"], timeout=30)
    result = done["result"]
    assert (result["early"], result["yes"], result["no"], result["total_weight"], result["outcome"]) == (
        True, "8.00000000", "1.00000000", "11.00000000", "passed")
    assert done["finalized_at"] < done["end_at"]
    changes = [(e.payload["data"]["from_status"], e.payload["data"]["to_status"])
               for e in events(dao.id, "proposal_status_changed", proposal_id=proposal["id"])]
    assert changes == [("draft", "active"), ("active", "passed"), ("passed", "executed")]
    [finalized] = events(dao.id, "proposal_finalized", proposal_id=proposal["id"])
    assert finalized.payload["data"]["tally"] == result
    assert client.get(f"/api/v1/daos/{dao.slug}", headers=auth(owner)).get_json()["dao"]["description"] == (
        "decided early")
    assert [j.status for j in jobs_of("execute_proposal", proposal["id"])] == ["succeeded"]
    late = client.post(url(dao, pslug, "/votes"), json={"choice": "no"}, headers=auth(m["d"]))
    problem(late, 409, "voting_closed")


def test_no_early_pass_while_the_open_weight_could_still_turn_it(client, worker):
    dao, owner, m = dao_with_members(POWERS, **SETTINGS)
    proposal = create(client, dao, owner, end_at=in_seconds(3600))
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], m["a"], "yes")
    vote(client, dao, proposal["slug"], m["c"], "no")  # 5 * 100 < 50 * (5 + 1 + 5): the 5 open could tie
    shown = detail(client, dao, proposal["slug"], owner)
    assert (shown["status"], shown["tally"]["quorum_reached"]) == ("active", True)
    act(client, dao, proposal["slug"], "close", owner)
    closed = detail(client, dao, proposal["slug"], owner)
    assert closed["status"] == "passed" and "early" not in closed["result"]


def test_a_proposal_whose_frozen_settings_exclude_early_pass_waits_for_its_end(client, worker):
    dao, owner, m = dao_with_members(POWERS, **SETTINGS)
    delegated = create(client, dao, owner, end_at=in_seconds(3600), governance_model_override="delegated")
    act(client, dao, delegated["slug"], "activate", owner)
    for name in ("a", "b"):
        vote(client, dao, delegated["slug"], m[name], "yes")
    shown = detail(client, dao, delegated["slug"], owner)
    assert (shown["effective_early_pass"], shown["status"], shown["tally"]["outcome"]) == (False, "active", "passed")
