"""Bearer JWT authentication (SPEC 8.1): HS256 with a shared secret, or RS256 with a public key.

A token is verified once per process (issue 14): its principal is kept in a small cache keyed by
the token and the verification key, until the token's `exp` or for TOKEN_CACHE_TTL_SECONDS,
whichever comes first; only a token that passed every check is kept.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import jwt

from governance.errors import NotFound
from governance.subjects import is_subject_id
from governance.text import storable
from governance.vocabulary import SUBJECT_TYPES
from infra.config import get_settings

DEVELOPMENT_TOKEN_TTL_SECONDS = 8 * 3600


class AuthError(Exception):
    """Missing, malformed, badly signed or expired credentials (401)."""


@dataclass(frozen=True)
class Principal:
    subject_id: str
    subject_type: str
    roles: frozenset[str]

    @property
    def is_platform_admin(self) -> bool:
        return "platform_admin" in self.roles

    @property
    def is_moderator(self) -> bool:
        return "moderator" in self.roles or self.is_platform_admin


TOKEN_CACHE_SIZE = 4096
TOKEN_CACHE_TTL_SECONDS = 60


class _VerifiedTokens:
    """Principals of verified tokens, least recently used dropped beyond `size` entries; an
    entry is never returned at or after its `until` (at most the token's exp)."""

    def __init__(self, size: int, ttl_seconds: float):
        self.size, self.ttl_seconds = size, ttl_seconds
        self._entries: OrderedDict[tuple, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Principal | None:
        now = time.time()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if now >= entry[1]:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: tuple, principal: Principal, exp: int) -> None:
        until = min(exp, time.time() + self.ttl_seconds)
        with self._lock:
            self._entries[key] = (principal, until)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


_verified = _VerifiedTokens(TOKEN_CACHE_SIZE, TOKEN_CACHE_TTL_SECONDS)


def _verification_key() -> tuple[str, list[str]]:
    settings = get_settings()
    if settings.jwt_public_key:
        return settings.jwt_public_key, ["RS256"]
    return settings.jwt_secret, ["HS256"]


def decode_token(authorization: str | None) -> Principal:
    """The principal of an `Authorization: Bearer <token>` header; AuthError (401) otherwise.
    Verified once per token in this process, then served from the cache until its exp or TTL."""
    if not authorization:
        raise AuthError("missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("the Authorization header must be 'Bearer <token>'")
    token = token.strip()
    key, algorithms = _verification_key()
    principal = _verified.get((key, token))
    if principal is None:
        principal, exp = _verify(token, key, algorithms)
        _verified.put((key, token), principal, exp)
    return principal


def _verify(token: str, key: str, algorithms: list[str]) -> tuple[Principal, int]:
    """The principal of a token that passes every check, and its exp; AuthError otherwise."""
    try:
        claims = jwt.decode(
            token, key, algorithms=algorithms, options={"require": ["sub", "exp"]}
        )
    except jwt.ExpiredSignatureError as error:
        raise AuthError("token expired") from error
    except jwt.PyJWTError as error:
        raise AuthError(f"invalid token: {error}") from error
    subject_type = claims.get("subject_type", "user")
    roles = claims.get("roles", [])
    sub = claims["sub"]
    # The subject must be one a request could name (governance.subjects: no NUL, no white space,
    # no '/'), and the roles text the database could store: otherwise the token is not valid (401).
    if (
        not is_subject_id(sub)
        or subject_type not in SUBJECT_TYPES
        or not isinstance(roles, list) or not all(isinstance(r, str) and storable(r) for r in roles)
    ):
        raise AuthError("invalid token claims: sub must be a subject id, subject_type user or agent, "
                        "roles a list of strings")
    return Principal(subject_id=sub, subject_type=subject_type, roles=frozenset(roles)), int(claims["exp"])


def mint_token(subject_id: str, subject_type: str = "user", roles=(), ttl_seconds: int = 3600) -> str:
    """A development token signed with JWT_SECRET."""
    claims = {
        "sub": subject_id,
        "subject_type": subject_type,
        "roles": list(roles),
        "exp": int(time.time()) + ttl_seconds,
    }
    return jwt.encode(claims, get_settings().jwt_secret, algorithm="HS256")


def development_sign_in_available() -> bool:
    return get_settings().development_auth


def mint_development_token(subject_id: str, subject_type: str = "user") -> dict:
    """A token for any subject, only while the API runs with the development secret (the
    dashboard's development sign-in); with a configured secret or key: NotFound (404)."""
    if not development_sign_in_available():
        raise NotFound("development sign-in is off: the API runs with a configured JWT secret")
    expires = int(time.time()) + DEVELOPMENT_TOKEN_TTL_SECONDS
    return {
        "token": mint_token(subject_id, subject_type, ttl_seconds=DEVELOPMENT_TOKEN_TTL_SECONDS),
        "subject_id": subject_id,
        "subject_type": subject_type,
        "expires_in": expires - int(time.time()),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m api.auth", description="Mint a development JWT.")
    parser.add_argument("subject_id")
    parser.add_argument("--subject-type", default="user", choices=SUBJECT_TYPES)
    parser.add_argument("--role", action="append", default=[], help="platform role; repeatable")
    parser.add_argument("--ttl", type=int, default=86400, help="lifetime in seconds")
    args = parser.parse_args(argv)
    print(mint_token(args.subject_id, args.subject_type, args.role, args.ttl))


if __name__ == "__main__":
    main()
