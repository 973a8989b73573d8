"""The proposal fields of SPEC 5.6 over HTTP: `voting_type`, `options` and `ballot_secrecy` in the
create and edit bodies and the answers (success, 401, 403, 422); the precedence of the settings
(override, else the DAO's type rule, else the DAO's) frozen at activation and shown on the
proposal; activation refused when the effective voting type has no valid options; the
snapshot's delegate per proposal type."""

import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from infra.db import transaction
from models import Job, ProposalVoter
from services import daos
from services.jobs import run_job
from tasks.lifecycle import activate_proposal
from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, problem
from tests.factories import add_member, delegate, make_dao
from tests.proposals.helpers import act, create, detail, url

OPTIONS = ["Oak", "Birch", "Lime"]
FROZEN = ("effective_model", "effective_quorum_percent", "effective_pass_threshold", "effective_voting_period_seconds",
          "effective_voting_type", "effective_ballot_secrecy", "effective_early_pass",
          "effective_late_quorum_extension_seconds")


@pytest.fixture
def dao():
    return make_dao()


def frozen(proposal: dict) -> dict:
    return {key: proposal[key] for key in FROZEN}


def seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end.replace("Z", "+00:00")) - datetime.fromisoformat(start.replace("Z", "+00:00"))
            ).total_seconds()


# --- create and edit ------------------------------------------------------------------------------

def test_create_a_multi_option_draft_the_frozen_settings_wait_for_activation(client, dao):
    shown = create(client, dao, dao.owner_subject_id, voting_type="ranked_choice", options=OPTIONS,
                   ballot_secrecy="secret_until_close")
    assert (shown["voting_type"], shown["options"], shown["ballot_secrecy"]) == (
        "ranked_choice", OPTIONS, "secret_until_close")
    assert set(frozen(shown).values()) == {None} and shown["deadline_extended_from"] is None
    assert detail(client, dao, shown["slug"], dao.owner_subject_id)["options"] == OPTIONS


def test_a_draft_may_leave_its_type_to_the_dao_and_hold_options_for_a_type_rule(client, dao):
    shown = create(client, dao, dao.owner_subject_id, options=OPTIONS)
    assert (shown["voting_type"], shown["options"], shown["ballot_secrecy"]) == (None, OPTIONS, None)
    plain = create(client, dao, dao.owner_subject_id)
    assert (plain["voting_type"], plain["options"]) == (None, None)


def test_the_author_edits_type_options_and_secrecy_of_a_draft(client, dao):
    owner = dao.owner_subject_id
    pslug = create(client, dao, owner, voting_type="approval", options=OPTIONS)["slug"]
    edit = lambda **body: client.patch(url(dao, pslug), json=body, headers=auth(owner))  # noqa: E731
    assert edit(options=["Elm", "Ash"]).get_json()["options"] == ["Elm", "Ash"]
    assert edit(voting_type="single_choice").get_json()["voting_type"] == "single_choice"
    assert edit(ballot_secrecy="public").get_json()["ballot_secrecy"] == "public"
    problem(edit(voting_type="basic"), 422, "validation_error")  # its options stay: basic takes none
    basic = edit(voting_type="basic", options=None).get_json()
    assert (basic["voting_type"], basic["options"]) == ("basic", None)
    assert "options" in problem(edit(voting_type="approval"), 422)["errors"]
    unset = edit(voting_type=None, ballot_secrecy=None).get_json()
    assert (unset["voting_type"], unset["ballot_secrecy"]) == (None, None)


@pytest.mark.parametrize("body, field", [
    ({"voting_type": "borda", "options": OPTIONS}, "voting_type"),
    ({"voting_type": "basic", "options": OPTIONS}, "options"),
    ({"voting_type": "single_choice"}, "options"),
    ({"voting_type": "approval", "options": None}, "options"),
    ({"voting_type": "ranked_choice", "options": ["Only"]}, "options"),
    ({"voting_type": "approval", "options": [f"o{i}" for i in range(21)]}, "options"),
    ({"voting_type": "approval", "options": ["Oak", "Oak"]}, "options.1"),
    ({"voting_type": "approval", "options": ["Oak", "abstain"]}, "options.1"),
    ({"voting_type": "approval", "options": ["Oak", "   "]}, "options.1"),
    ({"voting_type": "approval", "options": ["Oak", ""]}, "options"),
    ({"voting_type": "approval", "options": ["Oak", "x" * 101]}, "options"),
    ({"voting_type": "approval", "options": ["Oak", 7]}, "options"),
    ({"voting_type": "approval", "options": ["Oak", "nul\u0000"]}, "options.1"),
    ({"voting_type": "approval", "options": "Oak,Birch"}, "options"),
    ({"options": ["Oak", "Oak"]}, "options.1"),
    ({"ballot_secrecy": "sealed"}, "ballot_secrecy"),
    ({"ballot_secrecy": True}, "ballot_secrecy"),
])
def test_bad_voting_fields_are_refused_with_422_on_create_and_edit(client, dao, body, field):
    owner = dao.owner_subject_id
    errors = problem(client.post(url(dao), json={"title": "x", **body}, headers=auth(owner)), 422)["errors"]
    assert field in errors, errors
    pslug = create(client, dao, owner)["slug"]
    errors = problem(client.patch(url(dao, pslug), json=body, headers=auth(owner)), 422)["errors"]
    assert field in errors, errors


def test_the_voting_fields_need_the_right_to_create_or_author_and_a_valid_token(client, dao):
    observer, member = unique("user:obs"), unique("user:m")
    add_member(dao, observer, role="observer")
    add_member(dao, member)
    body = {"title": "x", "voting_type": "approval", "options": OPTIONS, "ballot_secrecy": "secret_until_close"}
    problem(client.post(url(dao), json=body, headers=auth(observer)), 403, "forbidden")
    pslug = create(client, dao, dao.owner_subject_id)["slug"]
    problem(client.patch(url(dao, pslug), json=body, headers=auth(member)), 403, "forbidden")
    for headers in BAD_CREDENTIALS.values():
        problem(client.post(url(dao), json=body, headers=headers), 401)
        problem(client.patch(url(dao, pslug), json=body, headers=headers), 401)
    assert detail(client, dao, pslug, dao.owner_subject_id)["voting_type"] is None


# --- the settings frozen at activation ----------------------------------------------------------------

def test_override_else_type_rule_else_dao_frozen_at_activation_and_shown(client, worker):
    dao = make_dao(quorum_percent="20", late_quorum_extension_seconds=300, type_rules={
        "treasury": {"quorum_percent": "40", "governance_model": "weighted", "voting_type": "approval",
                     "voting_period_seconds": 120},
    })
    owner = dao.owner_subject_id
    ruled = create(client, dao, owner, proposal_type="treasury", options=OPTIONS)["slug"]
    overridden = create(client, dao, owner, proposal_type="treasury", voting_type="basic",
                        quorum_percent_override="10", governance_model_override="quadratic",
                        ballot_secrecy="secret_until_close")["slug"]
    general = create(client, dao, owner)["slug"]
    for pslug in (ruled, overridden, general):
        act(client, dao, pslug, "activate", owner)
    with transaction() as session:  # later DAO changes leave active proposals alone
        daos.update_dao(session, session.get(type(dao), dao.id), {
            "type_rules": {}, "quorum_percent": "90", "late_quorum_extension_seconds": 0}, actor=owner)

    shown = {pslug: detail(client, dao, pslug, owner) for pslug in (ruled, overridden, general)}
    assert frozen(shown[ruled]) == {
        "effective_model": "weighted", "effective_quorum_percent": "40.00000000",
        "effective_pass_threshold": "50.00000000", "effective_voting_period_seconds": 120,
        "effective_voting_type": "approval", "effective_ballot_secrecy": "public", "effective_early_pass": False,
        "effective_late_quorum_extension_seconds": 300,
    }
    assert seconds_between(shown[ruled]["start_at"], shown[ruled]["end_at"]) == 120
    assert frozen(shown[overridden]) == {
        **frozen(shown[ruled]), "effective_model": "quadratic", "effective_quorum_percent": "10.00000000",
        "effective_voting_type": "basic", "effective_ballot_secrecy": "secret_until_close",
    }
    assert frozen(shown[general]) == {
        **frozen(shown[ruled]), "effective_model": "simple", "effective_quorum_percent": "20.00000000",
        "effective_voting_period_seconds": 604800, "effective_voting_type": "basic",
    }
    assert shown[ruled]["voting_type"] is None  # the draft's own field stays as set
    assert shown[ruled]["tally"]["options"] == dict.fromkeys(OPTIONS, "0.00000000")
    assert shown[general]["tally"]["yes"] == "0.00000000" and "options" not in shown[general]["tally"]


def test_a_secret_dao_and_a_public_override(client, worker):
    dao = make_dao(ballot_secrecy="secret_until_close")
    owner = dao.owner_subject_id
    secret, public = create(client, dao, owner)["slug"], create(client, dao, owner, ballot_secrecy="public")["slug"]
    for pslug in (secret, public):
        act(client, dao, pslug, "activate", owner)
    assert detail(client, dao, secret, owner)["effective_ballot_secrecy"] == "secret_until_close"
    assert detail(client, dao, public, owner)["effective_ballot_secrecy"] == "public"


def test_early_pass_is_frozen_only_where_the_frozen_settings_allow_it(client, worker):
    dao = make_dao(early_pass=True, allow_vote_change=False, governance_model="weighted")
    owner = dao.owner_subject_id
    allowed = create(client, dao, owner)["slug"]
    delegated = create(client, dao, owner, governance_model_override="delegated")["slug"]
    ranked = create(client, dao, owner, voting_type="ranked_choice", options=OPTIONS)["slug"]
    for pslug in (allowed, delegated, ranked):
        act(client, dao, pslug, "activate", owner)
    assert [detail(client, dao, p, owner)["effective_early_pass"] for p in (allowed, delegated, ranked)] == [
        True, False, False]


def test_activation_is_refused_when_the_effective_type_and_the_options_do_not_go_together(client, worker):
    dao = make_dao(type_rules={"resource_allocation": {"voting_type": "single_choice"}})
    owner = dao.owner_subject_id
    without_options = create(client, dao, owner, proposal_type="resource_allocation")["slug"]
    response = client.post(url(dao, without_options, "/activate"), headers=auth(owner))
    assert problem(response, 422, "validation_error")["errors"] == {
        "options": ["a single_choice proposal needs options"]}
    with_options = create(client, dao, owner, options=OPTIONS)["slug"]  # a general proposal: basic
    response = client.post(url(dao, with_options, "/activate"), headers=auth(owner))
    assert problem(response, 422)["errors"] == {"options": ["a basic proposal has no options"]}
    assert detail(client, dao, without_options, owner)["status"] == "draft"
    client.patch(url(dao, without_options), json={"options": OPTIONS}, headers=auth(owner))
    act(client, dao, without_options, "activate", owner)
    assert detail(client, dao, without_options, owner)["effective_voting_type"] == "single_choice"


def test_a_draft_made_unfit_by_a_later_type_rule_fails_its_activation_job(client):
    dao = make_dao()
    owner = dao.owner_subject_id
    proposal = create(client, dao, owner, proposal_type="membership")
    with transaction() as session:  # accepted while basic; the rule lands before a worker takes the job
        job = Job(id=uuid.uuid4(), kind="activate_proposal", actor=owner, target_id=proposal["id"], request={})
        session.add(job)
        daos.update_dao(session, session.get(type(dao), dao.id),
                        {"type_rules": {"membership": {"voting_type": "approval"}}}, actor=owner)
    run_job(str(job.id), activate_proposal.body)
    with transaction() as session:
        failed = session.get(Job, job.id)
    assert (failed.status, failed.error["code"]) == ("failed", "validation_error")
    assert detail(client, dao, proposal["slug"], owner)["status"] == "draft"


# --- delegation per proposal type in the snapshot -----------------------------------------------------

def test_the_snapshot_records_each_members_delegate_for_the_proposals_type(client, worker):
    dao = make_dao(governance_model="delegated")
    owner = dao.owner_subject_id
    a, b, c, d = (unique(f"user:{n}") for n in "abcd")
    for subject in (a, b, c, d):
        add_member(dao, subject, voting_power=Decimal(2))
    delegate(dao, a, b)                      # general
    delegate(dao, a, c, "treasury")          # a's delegate for treasury proposals
    delegate(dao, d, c, "membership")        # d has no general one
    treasury = create(client, dao, owner, proposal_type="treasury")
    general = create(client, dao, owner)
    membership = create(client, dao, owner, proposal_type="membership")
    for proposal in (treasury, general, membership):
        act(client, dao, proposal["slug"], "activate", owner)

    def snapshot(proposal):
        with transaction() as session:
            rows = session.execute(select(ProposalVoter.subject_id, ProposalVoter.delegate_id)
                                   .where(ProposalVoter.proposal_id == proposal["id"])).all()
        return {subject: delegate_id for subject, delegate_id in rows if delegate_id}

    assert snapshot(treasury) == {a: c}
    assert snapshot(general) == {a: b}
    assert snapshot(membership) == {a: b, d: c}
