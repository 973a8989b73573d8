"""Every voting type of SPEC 5.6 under every power model, from draft to finalized on the real
stack: the scheduler (beat) opens the drafts at their start_at, the members vote over HTTP, the
worker counts, the scheduler finalizes at end_at; the stored results are compared to figures
worked out by hand below.

The electorate (one DAO; the model is each proposal's override):

    member  power  simple  weighted  quadratic  delegated
    owner     1      1        1          1         1      abstains on every proposal
    a         1      1        1          1         1      does not vote; delegates to b
    b         4      1        4          2         4 + 1 (a's power)
    c         9      1        9          3         9      delegates to d, but votes: its own power
    d        16      1       16          4        16
    W                5       31         11        31 (the powers)

Cast: owner, b, c and d vote (4 ballots; under delegated a counts through b: 5 voters, all of
W cast). Abstain = 1 under every model; P = cast - abstain. Quorum 20 %, threshold 50 %.
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.conftest import auth
from tests.factories import delegate
from tests.proposals.helpers import cast, create, dao_with_members, detail, finished, iso, now, wait_status
from tests.stack import start_beat

OPTIONS = ["red", "green", "blue"]
MODELS = ("simple", "weighted", "quadratic", "delegated")
BALLOTS = {  # b, c, d; the owner abstains
    "basic": ({"choice": "yes"}, {"choice": "no"}, {"choice": "yes"}),
    "single_choice": ({"choice": "red"}, {"choice": "green"}, {"choice": "blue"}),
    "approval": ({"choices": ["red", "green"]}, {"choices": ["green"]}, {"choices": ["blue", "red"]}),
    "ranked_choice": ({"ranking": ["green", "red"]}, {"ranking": ["blue"]}, {"ranking": ["red"]}),
}
ZERO = "0.00000000"
COMMON = {  # W, participation = cast / W, voters counted
    "simple": ("5.00000000", "0.80000000", 4),          # 4 / 5
    "weighted": ("31.00000000", "0.96774194", 4),       # 30 / 31 = 0.967741935...
    "quadratic": ("11.00000000", "0.90909091", 4),      # 10 / 11
    "delegated": ("31.00000000", "1.00000000", 5),      # 31 / 31: a's power is cast by b
}


def scores(red, green, blue=None) -> dict:
    shown = {"red": red, "green": green, "blue": blue}
    return {option: f"{Decimal(score):.8f}" for option, score in shown.items() if score is not None}


def round_(red, green, blue=None, exhausted=0, eliminated=None) -> dict:
    return {"scores": scores(red, green, blue), "exhausted": f"{Decimal(exhausted):.8f}", "eliminated": eliminated}


EXPECTED = {
    "basic": {
        # yes = b + d, no = c; support = yes / (yes + no)
        "simple": {"yes": "2.00000000", "no": "1.00000000", "support": "0.66666667", "outcome": "passed"},
        "weighted": {"yes": "20.00000000", "no": "9.00000000", "support": "0.68965517", "outcome": "passed"},
        "quadratic": {"yes": "6.00000000", "no": "3.00000000", "support": "0.66666667", "outcome": "passed"},
        "delegated": {"yes": "21.00000000", "no": "9.00000000", "support": "0.70000000", "outcome": "passed"},
    },
    "single_choice": {
        # red = b, green = c, blue = d
        "simple": {"options": scores(1, 1, 1), "winner": None, "outcome": "rejected"},           # a tie: no winner
        "weighted": {"options": scores(4, 9, 16), "winner": "blue", "outcome": "passed"},        # 1600 >= 50 * 29
        "quadratic": {"options": scores(2, 3, 4), "winner": "blue", "outcome": "rejected"},      # 400 < 50 * 9
        "delegated": {"options": scores(5, 9, 16), "winner": "blue", "outcome": "passed"},       # 1600 >= 50 * 30
    },
    "approval": {
        # red = b + d, green = b + c, blue = d
        "simple": {"options": scores(2, 2, 1), "winner": None, "outcome": "rejected"},
        "weighted": {"options": scores(20, 13, 16), "winner": "red", "outcome": "passed"},
        "quadratic": {"options": scores(6, 5, 4), "winner": "red", "outcome": "passed"},
        "delegated": {"options": scores(21, 14, 16), "winner": "red", "outcome": "passed"},
    },
    "ranked_choice": {
        # simple: 1-1-1, blue goes (the tie broken by the later option); c's ballot is exhausted;
        # red and green tie again and tied in the round before, so green (the later) goes; red
        # takes b's ballot: 2 of the 2 counted, 2 * 100 >= 50 * P = 150.
        "simple": {"options": scores(1, 1, 1), "winner": "red", "outcome": "passed", "rounds": [
            round_(1, 1, 1, eliminated="blue"), round_(1, 1, exhausted=1, eliminated="green"),
            {"scores": {"red": "2.00000000"}, "exhausted": "1.00000000", "eliminated": None}]},
        # red 16 of 29 counted: a majority in the first round
        "weighted": {"options": scores(16, 4, 9), "winner": "red", "outcome": "passed",
                     "rounds": [round_(16, 4, 9)]},
        # red 4 of 9 is no majority; green (2) goes and b's ballot moves to red: 6 of 9
        "quadratic": {"options": scores(4, 2, 3), "winner": "red", "outcome": "passed", "rounds": [
            round_(4, 2, 3, eliminated="green"),
            {"scores": {"red": "6.00000000", "blue": "3.00000000"}, "exhausted": ZERO, "eliminated": None}]},
        "delegated": {"options": scores(16, 5, 9), "winner": "red", "outcome": "passed",
                      "rounds": [round_(16, 5, 9)]},
    },
}


def expected_result(voting_type: str, model: str) -> dict:
    total_weight, participation, voters = COMMON[model]
    result = {
        "model": model, "quorum_percent": "20.00000000", "pass_threshold_percent": "50.00000000",
        "total_weight": total_weight, "abstain": "1.00000000", "participation": participation,
        "quorum_reached": True, "voters": voters, **EXPECTED[voting_type][model],
    }
    if voting_type != "basic":
        result.update(voting_type=voting_type, support=None, early=False)
    return result


@pytest.fixture(scope="module")
def election(stack, log_dir, worker, app):
    """Sixteen proposals, one per voting type and model, opened and finalized by the scheduler:
    (dao, owner, {(voting_type, model): finalized proposal})."""
    client = app.test_client()
    beat = start_beat(stack, log_dir, interval=1)
    try:
        dao, owner, m = dao_with_members({"a": "1", "b": "4", "c": "9", "d": "16"})
        delegate(dao, m["a"], m["b"])
        delegate(dao, m["c"], m["d"])
        # Creating the drafts takes ~0.2 s here, their activation and every ballot ~1.5 s more.
        start = now() + timedelta(seconds=2)
        end = start + timedelta(seconds=10)
        drafts = {}
        for voting_type in BALLOTS:
            for model in MODELS:
                fields = {} if voting_type == "basic" else {"voting_type": voting_type, "options": OPTIONS}
                drafts[voting_type, model] = create(
                    client, dao, owner, governance_model_override=model, start_at=iso(start), end_at=iso(end),
                    title=f"{voting_type} under {model}", **fields)
        for proposal in drafts.values():
            assert proposal["status"] == "draft"
            wait_status(client, dao, proposal["slug"], owner, ["active"], timeout=40)
        jobs = []
        for (voting_type, _), proposal in drafts.items():
            for voter, ballot in zip((m["b"], m["c"], m["d"]), BALLOTS[voting_type]):
                jobs.append((cast(client, dao, proposal["slug"], voter, ballot, wait=False), voter))
            jobs.append((cast(client, dao, proposal["slug"], owner, {"choice": "abstain"}, wait=False), owner))
        assert now() < end, "every ballot must be accepted before end_at"
        assert {finished(client, job, voter)["status"] for job, voter in jobs} == {"succeeded"}
        time.sleep(max(0.0, (end - now()).total_seconds()))
        finalized = {key: wait_status(client, dao, p["slug"], owner, ["passed", "rejected", "expired"], timeout=40)
                     for key, p in drafts.items()}
        yield dao, owner, finalized
    finally:
        beat.stop()


@pytest.mark.parametrize("voting_type", list(BALLOTS))
def test_each_voting_type_under_each_model_ends_with_the_figures_worked_out_by_hand(client, election, voting_type):
    dao, owner, finalized = election
    for model in MODELS:
        proposal = finalized[voting_type, model]
        assert proposal["result"] == expected_result(voting_type, model), model
        assert proposal["status"] == proposal["result"]["outcome"]
        assert proposal["finalized_at"] >= proposal["end_at"]  # the scheduler closed it at end_at
        assert (proposal["effective_model"], proposal["effective_voting_type"]) == (model, voting_type)
        tally = client.get(f"/api/v1/daos/{dao.slug}/proposals/{proposal['slug']}/tally", headers=auth(owner))
        assert tally.get_json() == proposal["result"] == detail(client, dao, proposal["slug"], owner)["tally"]


@pytest.mark.parametrize("voting_type", list(BALLOTS))
def test_the_model_comparison_of_a_finalized_proposal_gives_the_other_models_figures(client, election, voting_type):
    dao, owner, finalized = election
    proposal = finalized[voting_type, "weighted"]
    for model in MODELS:
        response = client.get(f"/api/v1/daos/{dao.slug}/proposals/{proposal['slug']}/tally?model={model}",
                              headers=auth(owner))
        assert response.status_code == 200, response.get_json()
        assert response.get_json() == expected_result(voting_type, model), model
