"""Request ids and request logs: every request gets an id (the caller's `X-Request-ID` when it is
sane, else a new one), echoed in the response header and carried by every log line written while
the request is handled; one JSON line per request records method, path, status and duration."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

from infra.logging import REQUEST_ID_HEADER, new_request_id, request_id_var

log = logging.getLogger("api.request")


def log_request(method: str, path: str, status: int, started: float, principal) -> None:
    """The request's one line (`started`: its time.perf_counter() when it came in)."""
    log.info(
        "%s %s %s", method, path, status,
        extra={
            "method": method, "path": path, "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "subject_id": principal.subject_id if principal is not None else None,
        },
    )


def install_request_log(app: Flask) -> None:
    @app.before_request
    def _bind_request_id():
        g.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()
        request_id_var.set(g.request_id)

    @app.after_request
    def _log_request(response):
        request_id = g.get("request_id")
        if request_id is None:  # a failure before the first hook: nothing bound
            return response
        response.headers[REQUEST_ID_HEADER] = request_id
        log_request(request.method, request.path, response.status_code, g.request_started, g.get("principal"))
        return response

    @app.teardown_request
    def _unbind_request_id(_error=None):
        request_id_var.set(None)
