"""Helpers of the DAO administration tests."""

from __future__ import annotations

import jwt
from sqlalchemy import select

from models import Event
from infra.db import transaction
from tests.conftest import auth, token
from tests.stack import TEST_JWT_SECRET

BAD_CREDENTIALS = {
    "missing": {},
    "bad-signature": {
        "Authorization": "Bearer "
        + jwt.encode({"sub": "user:x", "exp": 4_000_000_000}, "not-the-secret-0123456789-abcdefgh", algorithm="HS256")
    },
    "expired": {"Authorization": f"Bearer {token('user:x', ttl=-30)}"},
}
assert TEST_JWT_SECRET not in BAD_CREDENTIALS["bad-signature"]["Authorization"]


def problem(response, status: int, code: str | None = None) -> dict:
    """Assert `response` is a problem document with `status` (and `code`); return it."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body


def walk(client, url: str, subject: str, limit: int) -> list[dict]:
    """Every item of a paginated list, following next_cursor; checks each page's size."""
    items, cursor = [], None
    while True:
        separator = "&" if "?" in url else "?"
        page_url = f"{url}{separator}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(page_url, headers=auth(subject))
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert len(body["items"]) <= limit
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items
        assert len(body["items"]) == limit


def events_of(dao_id, event_type: str | None = None) -> list[Event]:
    with transaction() as session:
        stmt = select(Event).where(Event.dao_id == dao_id).order_by(Event.seq)
        if event_type:
            stmt = stmt.where(Event.type == event_type)
        return session.scalars(stmt).all()
