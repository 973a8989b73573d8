"""CORS for browser callers on other origins (issue 11), configured by CORS_ORIGINS.

Off by default: with CORS_ORIGINS unset no response carries a CORS header, and a browser keeps
pages of other origins from reading the API. CORS_ORIGINS lists the origins allowed
(`https://app.example.org,http://localhost:3000`, exact scheme, host and port), or `*` for any.
An allowed origin gets `Access-Control-Allow-Origin` (and `Vary: Origin`) on every answer,
problem documents included, with the headers a client reads exposed (`Location` of a job,
`Retry-After`, `X-Request-ID`).

A preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered here, before
authentication (a browser never sends credentials on it): 204 with the route's methods, the
request headers the API reads (`Authorization`, `Content-Type`, `Idempotency-Key`, `Prefer`,
`X-Request-ID`, `Last-Event-ID`) and a max age. Any other `OPTIONS` gets the same 204 with
`Allow`. Credentials are bearer tokens in a header, never cookies, so no
`Access-Control-Allow-Credentials` is sent.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.datastructures import Headers
from werkzeug.http import parse_set_header

from infra.config import get_settings

ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, Prefer, X-Request-ID, Last-Event-ID"
EXPOSED_HEADERS = "Location, Retry-After, X-Request-ID"
MAX_AGE_SECONDS = 600
ANY = "*"


def allowed_origin(origin: str | None, configured: tuple[str, ...]) -> str | None:
    """The value of Access-Control-Allow-Origin for a request from `origin`, or None when that
    origin is not allowed (or the request names none)."""
    if not origin or not configured:
        return None
    if ANY in configured:
        return ANY
    return origin if origin.lower().rstrip("/") in configured else None


def install_cors(app: Flask) -> None:
    """Answer OPTIONS without authentication and add the CORS headers; register before the
    authentication hook."""

    @app.before_request
    def _options():
        if request.method != "OPTIONS":
            return None
        response = current_app.make_default_options_response()
        response.status_code = 204
        response.set_data(b"")
        return response

    @app.after_request
    def _cors_headers(response):
        preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        add_cors_headers(response.headers, request.headers.get("Origin"), preflight)
        return response


def add_cors_headers(headers: Headers, origin: str | None, preflight: bool = False) -> None:
    """Add to an answer's `headers` the CORS headers for a request from `origin` (a preflight's,
    or any other's)."""
    configured = get_settings().cors_origins
    if not configured:
        return
    vary = parse_set_header(headers.get("Vary"))
    vary.add("Origin")
    headers["Vary"] = vary.to_header()
    allowed = allowed_origin(origin, configured)
    if allowed is None:
        return
    headers["Access-Control-Allow-Origin"] = allowed
    if preflight:
        headers["Access-Control-Allow-Methods"] = headers.get("Allow", "")
        headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        headers["Access-Control-Max-Age"] = str(MAX_AGE_SECONDS)
    else:
        headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
