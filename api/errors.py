"""RFC 9457 problem documents for every error the API answers (SPEC 8.1)."""

from __future__ import annotations

import logging

import sqlalchemy.exc
from flask import Flask, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from api.auth import AuthError
from api.schemas.problems import ProblemSchema
from governance.errors import DomainError

log = logging.getLogger(__name__)
_problem_schema = ProblemSchema()

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    431: "request_header_fields_too_large",
    503: "unavailable",
}


class BadRequest(Exception):
    """A request the API cannot even parse (400)."""

    def __init__(self, detail: str, code: str = "malformed_json"):
        super().__init__(detail)
        self.detail, self.code = detail, code


def problem(status: int, code: str, title: str, detail: str | None = None, **extra):
    """The problem document answer, dumped through the Problem schema (`extra`: `errors`)."""
    body = {"type": "about:blank", "status": status, "title": title, "detail": detail or title, "code": code}
    body.update(extra)
    response = jsonify(_problem_schema.dump(body))
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AuthError)
    def _unauthorized(error):
        response = problem(401, "unauthorized", "Unauthorized", str(error))
        response.headers["WWW-Authenticate"] = 'Bearer realm="governance"'
        return response

    @app.errorhandler(BadRequest)
    def _bad_request(error):
        return problem(400, error.code, "Bad request", error.detail)

    @app.errorhandler(ValidationError)
    def _invalid(error):
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        return problem(422, "validation_error", "Validation failed", "the request is not valid", errors=messages)

    @app.errorhandler(DomainError)
    def _domain(error):
        extra = {"errors": error.errors} if getattr(error, "errors", None) else {}
        return problem(error.status, error.code, error.title, error.message, **extra)

    @app.errorhandler(HTTPException)
    def _http(error):
        code = HTTP_CODES.get(error.code, "http_error")
        return problem(error.code, code, error.name, error.description)

    @app.errorhandler(sqlalchemy.exc.DataError)
    def _unstorable(error):
        # SQLSTATE class 22 (data exception): a value the database cannot hold, e.g. a NUL
        # character in text or a number out of range. It came from the request: 422, not 500.
        log.warning("value refused by the database: %s", error.orig)
        return problem(422, "validation_error", "Validation failed", "a value in the request cannot be stored",
                       errors={"_schema": ["a value cannot be stored (e.g. it contains a NUL character)"]})

    @app.errorhandler(sqlalchemy.exc.OperationalError)
    @app.errorhandler(sqlalchemy.exc.InterfaceError)
    def _unavailable(error):
        log.warning("dependency unavailable: %s", error)
        response = problem(503, "unavailable", "Service unavailable", "a dependency is unavailable; retry later")
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error):
        log.exception("unhandled error")
        return problem(500, "internal_error", "Internal server error")
