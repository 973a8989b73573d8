"""The dashboard builds its forms from the API's own OpenAPI document (api/dashboard/static/js/
core/contract.js): every request body it names must be in the document, with the parts its custom
fields read (the type rules per proposal type, the delegation's proposal type, the voting types and
options of a proposal), and every list route whose query choices it offers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api import dashboard

JS = Path(dashboard.__file__).parent / "static" / "js"
# schema="X" (ApiForm), useBodySchema("X"), schemaName="X" / daoCustom("X") (the type rules editor)
NAMED = re.compile(r'(?:schema=|useBodySchema\(|schemaName=|daoCustom\()"([A-Za-z]+)"')
CHOSEN = re.compile(r'schema=\$\{([^}]*)\}')  # schema=${editing ? "ProposalEdit" : "ProposalCreate"}
QUERY_CHOICES = re.compile(r'useQueryChoices\("([^"]+)", "([a-z_]+)"\)')


def sources() -> str:
    return "\n".join(path.read_text() for path in sorted(JS.rglob("*.js")))


@pytest.fixture(scope="module")
def document(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_every_body_the_dashboard_names_is_in_the_api_document(document):
    text = sources()
    names = set(NAMED.findall(text)) | {n for chosen in CHOSEN.findall(text) for n in re.findall(r'"([A-Za-z]+)"', chosen)}
    assert {"DaoCreate", "DaoSettings", "ProposalCreate", "ProposalEdit", "DelegationSet", "MemberUpdate"} <= names
    missing = sorted(name for name in names if name not in document["components"]["schemas"])
    assert missing == []


def test_the_custom_fields_find_what_they_read(document):
    schemas = document["components"]["schemas"]
    for body in ("DaoCreate", "DaoSettings"):
        rules = schemas[body]["properties"]["type_rules"]["properties"]
        assert "treasury" in rules
        settings = rules["treasury"]["properties"]
        assert {"quorum_percent", "voting_type", "voting_period_seconds"} <= set(settings)
        assert "ranked_choice" in settings["voting_type"]["enum"]
    assert "treasury" in schemas["DelegationSet"]["properties"]["proposal_type"]["enum"]
    proposal = schemas["ProposalCreate"]["properties"]
    assert proposal["options"]["type"] == "array"
    assert {"basic", "single_choice", "approval", "ranked_choice"} <= set(proposal["voting_type"]["enum"])


def test_every_query_choice_the_dashboard_offers_is_a_parameter_with_choices(document):
    pairs = QUERY_CHOICES.findall(sources())
    assert pairs
    for path, name in pairs:
        parameters = document["paths"][path]["get"]["parameters"]
        found = [p for p in parameters if p["in"] == "query" and p["name"] == name]
        assert found and found[0]["schema"].get("enum"), (path, name)
