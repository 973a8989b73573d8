"""Hostile decimals (issue 11, items 1, 2 and 12): every decimal a write accepts reads back, and
everything else is refused with 422, never a 500 nor a silent reading.

The range and the grammar are governance.decimals' (|x| < 10^22, at most 8 places; strict
strings). The first tests walk every decimal field of every request schema of the app, so a new
field cannot escape them; the others go through the routes, the worker and the reads."""

from __future__ import annotations

from decimal import Context, Decimal, localcontext

import pytest
from marshmallow import fields

from api.schemas.fields import Amount
from tests.conftest import auth, unique, wait_job
from tests.hostile.test_schema_limits import request_schemas
from tests.proposals.helpers import act, create, dao_with_members, detail, vote
from tests.factories import delegate, make_dao

LARGEST = "9" * 22 + ".99999999"  # the largest value numeric(30,8) holds
HUGE_EXPONENTS = ["1e1000000", "-1E+1000000", "1e-1000000", Decimal("1E+1000000"), Decimal("-1E+999999999")]
LOOSE = ["\u0661\u0662", " 5", "5 ", "5.", ".5", "+5", "05", "1e3", "1_0", "\uff15", "NaN", "Infinity", "-"]
OUT_OF_RANGE = ["1" + "0" * 22, "-" + "9" * 23, "1.123456789", Decimal("1E+22"), Decimal("1.000000001"), 10**22]


def decimal_fields(schema, prefix=""):
    """(path, schema) of every Amount field of `schema`, nested ones included."""
    for name, field in schema.fields.items():
        if isinstance(field, Amount):
            yield prefix + name, schema
        elif isinstance(field, fields.Nested):
            yield from decimal_fields(field.schema, f"{prefix}{name}.")


def every_decimal_field(app):
    found = []
    for schema_name, schema in request_schemas(app).items():
        found += [(f"{schema_name}.{path}", loaded) for path, loaded in decimal_fields(schema())
                  if "." not in path]
    return found


def test_the_app_has_decimal_fields_to_check(app):
    names = {name.rsplit(".", 1)[1] for name, _ in every_decimal_field(app)}
    assert {"delta", "amount", "voting_power", "quorum_percent", "quorum_percent_override"} <= names


@pytest.mark.parametrize("value", HUGE_EXPONENTS + LOOSE + OUT_OF_RANGE, ids=repr)
def test_every_decimal_field_refuses_what_is_not_a_decimal_in_range(app, value):
    for name, schema in every_decimal_field(app):
        field = name.rsplit(".", 1)[1]
        errors = schema.validate({field: value})
        assert field in errors, (name, value, errors)


@pytest.fixture
def dao():
    return make_dao()


def _delta(client, dao, delta, **headers):
    body = {"token_symbol": "GOV", "delta": delta, "reason": "hostile"}
    return client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", json=body,
                       headers=auth(dao.owner_subject_id, Prefer="wait=20", **headers))


def _raw_delta(client, dao, raw_delta: str):
    """A delta whose JSON text is `raw_delta` as written (a JSON number the test client would
    not write: 1e1000000, a 5000-digit integer)."""
    body = '{"token_symbol": "GOV", "reason": "hostile", "delta": ' + raw_delta + "}"
    return client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", data=body,
                       headers=auth(dao.owner_subject_id, **{"Content-Type": "application/json"}))


def _reads(client, dao) -> dict:
    """The three reads that show a treasury balance, each of which must answer 200."""
    headers = auth(dao.owner_subject_id)
    shown = {}
    for path in ("", "/treasury", "/treasury/transactions"):
        response = client.get(f"/api/v1/daos/{dao.slug}{path}", headers=headers)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        shown[path] = response.get_json()
    return shown


@pytest.mark.parametrize("value", ["123456789012345678901.5", LARGEST, "-0.00000001"])
def test_a_large_delta_reads_back_exactly_everywhere(client, worker, dao, value):
    if value.startswith("-"):
        assert _delta(client, dao, "1")
    response = _delta(client, dao, value)
    assert response.status_code == 201, response.get_json()
    with localcontext(Context(prec=60)):
        expected = Decimal(value) + (1 if value.startswith("-") else 0)
    shown = _reads(client, dao)
    assert Decimal(shown[""]["treasury_items"][0]["balance"]) == expected
    assert Decimal(shown["/treasury"]["items"][0]["balance"]) == expected
    assert Decimal(shown["/treasury/transactions"]["items"][0]["delta"]) == Decimal(value)


def test_deltas_that_would_sum_beyond_the_column_fail_with_a_clear_code(client, worker, dao):
    assert _delta(client, dao, "5" + "0" * 21).status_code == 201
    assert _delta(client, dao, "4" + "9" * 21).status_code == 201
    job = _delta(client, dao, "1").get_json()
    assert job["status"] == "failed" and job["error"]["code"] == "balance_out_of_range", job
    assert "10^22" in job["error"]["message"]
    shown = _reads(client, dao)
    assert shown["/treasury"]["items"][0]["balance"] == "9" * 22 + ".00000000"


@pytest.mark.parametrize("raw", ["1e1000000", "-1E1000000", "1e-1000000", "1" * 5000, "1" * 41, "1.5e22"])
def test_json_numbers_out_of_range_are_422(client, dao, raw):
    response = _raw_delta(client, dao, raw)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    assert "set_int_max_str_digits" not in response.get_data(as_text=True)


def test_json_numbers_in_range_are_still_accepted(client, worker, dao):
    response = _raw_delta(client, dao, "12.5")
    assert response.status_code in (200, 201, 202), response.get_json()
    assert wait_job(client, response.get_json(), dao.owner_subject_id)["status"] == "succeeded"


def _routes(dao, owner):
    """(method, path, body) of writes taking a decimal, the decimal under the key `value`
    (replaced by each hostile value), each meant for the DAO's owner (a platform admin too)."""
    slug = dao.slug
    transfer_action = {"type": "treasury_transfer", "token_symbol": "GOV", "to_subject_id": owner, "amount": "value"}
    member_action = {"type": "add_member", "subject_id": "user:someone", "voting_power": "value"}
    return [
        ("post", f"/api/v1/daos/{slug}/treasury/deltas", {"token_symbol": "GOV", "delta": "value", "reason": "x"}),
        ("post", "/api/v1/timebank/adjustments", {"subject_id": owner, "amount": "value", "note": "x"}),
        ("post", "/api/v1/timebank/transfers", {"to_subject_id": "user:other", "amount": "value"}),
        ("post", f"/api/v1/daos/{slug}/treasury/time-deposits", {"amount": "value"}),
        ("post", f"/api/v1/daos/{slug}/members", {"subject_id": unique("user:m"), "voting_power": "value"}),
        ("patch", f"/api/v1/daos/{slug}/members/{owner}", {"voting_power": "value"}),
        ("patch", f"/api/v1/daos/{slug}", {"quorum_percent": "value"}),
        ("post", "/api/v1/daos", {"slug": unique("d"), "name": "d", "pass_threshold_percent": "value"}),
        ("post", f"/api/v1/daos/{slug}/proposals", {"title": "t", "quorum_percent_override": "value"}),
        ("post", f"/api/v1/daos/{slug}/proposals", {"title": "t", "action_payload": {"actions": [transfer_action]}}),
        ("post", f"/api/v1/daos/{slug}/proposals", {"title": "t", "action_payload": {"actions": [member_action]}}),
    ]


def _with(body, value):
    if isinstance(body, dict):
        return {key: _with(item, value) for key, item in body.items()}
    if isinstance(body, list):
        return [_with(item, value) for item in body]
    return value if body == "value" else body


@pytest.mark.parametrize("value", ["1e1000000", "-1e1000000", "\u0661\u0662", " 5", "5.", "1" + "0" * 22,
                                   "1.000000001"])
def test_every_decimal_route_refuses_hostile_decimals_with_422(client, dao, value):
    owner = dao.owner_subject_id
    for method, path, body in _routes(dao, owner):
        response = getattr(client, method)(path, json=_with(body, value),
                                           headers=auth(owner, roles=("platform_admin",)))
        assert response.status_code == 422, (method, path, value, response.get_data(as_text=True)[:300])


def test_a_large_time_credit_adjustment_reads_back(client, worker):
    subject = unique("user:rich")
    response = client.post("/api/v1/timebank/adjustments", json={"subject_id": subject, "amount": LARGEST, "note": "x"},
                           headers=auth("user:admin", roles=("platform_admin",), Prefer="wait=20"))
    assert response.status_code == 200 and response.get_json()["status"] == "succeeded", response.get_json()
    account = client.get("/api/v1/timebank/balance", headers=auth(subject)).get_json()
    assert account["balance"] == account["lifetime_earned"] == LARGEST
    again = client.post("/api/v1/timebank/adjustments", json={"subject_id": subject, "amount": "1", "note": "x"},
                        headers=auth("user:admin", roles=("platform_admin",), Prefer="wait=20")).get_json()
    assert again["error"]["code"] == "balance_out_of_range", again


def test_large_powers_sum_exactly_beyond_the_column_in_a_delegated_tally(client, worker):
    """Three members of the largest power delegate to a fourth: its weight and W are sums beyond
    what a numeric(30,8) column holds; they are never stored in one, and show exactly."""
    dao, owner, members = dao_with_members({"a": LARGEST, "b": LARGEST, "c": LARGEST, "d": LARGEST},
                                           governance_model="delegated")
    for name in ("a", "b", "c"):
        delegate(dao, members[name], members["d"])
    proposal = create(client, dao, owner)
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], members["d"], "yes")
    live = detail(client, dao, proposal["slug"], owner)["tally"]
    with localcontext(Context(prec=60)):
        largest = Decimal(LARGEST)
        assert Decimal(live["total_weight"]) == 4 * largest + 1 and Decimal(live["yes"]) == 4 * largest
    act(client, dao, proposal["slug"], "close", owner)
    result = detail(client, dao, proposal["slug"], owner)["result"]
    assert result["total_weight"] == live["total_weight"] and result["yes"] == live["yes"]
    members_page = client.get(f"/api/v1/daos/{dao.slug}/members", headers=auth(owner)).get_json()
    assert {m["voting_power"] for m in members_page["items"]} == {LARGEST, "1.00000000"}
