"""The vote POST's fast path (issue 14): the plain accepted vote answered in front of Flask's
per-request machinery, everything else handed to the Flask route (api/votes.py) unchanged.

A WSGI middleware around the app (`app.wsgi_app`). It takes a request only when it is a
`POST /api/v1/daos/<slug>/proposals/<pslug>/votes` with no query string, no `Idempotency-Key`,
no `Prefer`, a JSON body with a Content-Length within MAX_BODY_BYTES, a bearer token that
verifies (api.auth's cache), a body the route's own schema loads (VoteCreateSchema) and a ballot
the proposal's cached frozen rules accept (api.votes.vote_request): then it hands the vote to the
accept batch (services.vote_accept), exactly as the route does, and answers the job the batch
recorded as the route would: 202, the job dumped by JobSchema through the app's JSON provider,
`Location`, `X-Request-ID`, the CORS headers (api.cors.add_cors_headers), and the one request
line (api.request_log.log_request). The route's hooks it does not run have nothing to do for such
a request: the URL is short, the rate limit and the ban are the batch's (the route is marked
`counts_own_rate` and `checks_ban` for the same reason), and it is not an OPTIONS.

Anything else goes to Flask with the body put back: a request that does not fit (Flask answers
it, 401, 415, 422 included); a vote the batch's statement inserted nothing for (the route then
takes its slow path, which finds the refusal, without counting the vote again: `SLOW_PATH`); a
vote over the rate limit and an error of the batch (a database down), which a hook raises in
Flask's request (`raise_handed_over`), so that the 429 and the 503 are Flask's own problem
documents. Why: the Flask request around the route cost ~0.4 ms of the API's 1.1 ms of CPU per
vote, and the vote POST rate is the API's bound (bench/README.md, issue 14). The contract of both
paths is one: tests/voting/test_vote_fast_path.py compares their answers.
"""

from __future__ import annotations

import io
import re
import time

from flask import Flask, request
from werkzeug.datastructures import Headers

from api.auth import decode_token
from api.cors import add_cors_headers
from api.ratelimit import RateLimited, limit
from api.request_log import log_request
from api.requests import MAX_URL_BYTES, parse_json_body
from api.schemas.jobs import JobSchema
from api.schemas.proposals import VoteCreateSchema
from api.votes import SLOW_PATH, SLOW_PATH_KEY, vote_request
from infra.logging import REQUEST_ID_HEADER, new_request_id, request_id_var
from models import Job
from services import vote_accept

_PATH = re.compile(r"/api/v1/daos/([^/]+)/proposals/([^/]+)/votes")
_ERROR_KEY = "governance.vote.error"  # an error of the batch, raised in Flask's request
_WITHOUT = ("HTTP_IDEMPOTENCY_KEY", "HTTP_PREFER")


class VoteFastPath:
    def __init__(self, app: Flask, max_body_bytes: int):
        self.app, self.wsgi_app, self.max_body_bytes = app, app.wsgi_app, max_body_bytes
        self.body_schema, self.job_schema = VoteCreateSchema(), JobSchema()

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        taken = self._vote(environ)
        if taken is None:
            return self.wsgi_app(environ, start_response)
        vote, principal = taken
        request_id = new_request_id(environ.get("HTTP_X_REQUEST_ID"))
        environ["HTTP_X_REQUEST_ID"] = request_id  # the same id if Flask answers it
        bound = request_id_var.set(request_id)
        try:
            try:
                job = vote_accept.accept(vote)
            except Exception as error:  # noqa: BLE001 - Flask's error handlers answer it
                environ[_ERROR_KEY] = error
                return self.wsgi_app(environ, start_response)
            if isinstance(job, vote_accept.OverLimit):
                environ[_ERROR_KEY] = RateLimited(vote.rate_limit, job.at)
                return self.wsgi_app(environ, start_response)
            if not isinstance(job, Job):
                environ[SLOW_PATH_KEY] = SLOW_PATH
                return self.wsgi_app(environ, start_response)
            # The bytes and headers Flask answers a view's 202 with (its JSON provider, compact).
            data = f"{self.app.json.dumps(self.job_schema.dump(job), separators=(',', ':'))}\n".encode()
            headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                               ("Location", f"/api/v1/jobs/{job.id}"), (REQUEST_ID_HEADER, request_id)])
            add_cors_headers(headers, environ.get("HTTP_ORIGIN"))
            log_request("POST", environ["PATH_INFO"], 202, started, principal)
        finally:
            request_id_var.reset(bound)
        start_response("202 ACCEPTED", headers.to_wsgi_list())
        return [data]

    def _vote(self, environ) -> tuple[vote_accept.VoteRequest, object] | None:
        """(the vote, its principal) of a request the fast path takes, else None (the body, if
        read, put back for Flask)."""
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
            return None
        match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or any(name in environ for name in _WITHOUT):
            return None
        if len(environ.get("RAW_URI", "").encode("latin-1", "replace")) > MAX_URL_BYTES:
            return None
        slug, pslug = match.groups()
        if vote_accept.frozen_rules(slug, pslug) is None:
            return None  # the slow path fills the rules first
        length = environ.get("CONTENT_LENGTH") or ""
        if not length.isdigit() or not 0 < int(length) <= self.max_body_bytes:
            return None
        raw = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            principal = decode_token(environ.get("HTTP_AUTHORIZATION"))
            mimetype = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
            body = self.body_schema.load(parse_json_body(raw, mimetype))
        except Exception:  # noqa: BLE001 - Flask answers it (401, 400, 415, 422)
            return None
        vote = vote_request(slug, pslug, body, principal, limit(self.app.config))
        return None if vote is None else (vote, principal)


def raise_handed_over() -> None:
    """before_request hook (after authentication, so that the request line names the subject):
    raise the error the fast path met for this request, for Flask's error handlers to answer."""
    error = request.environ.get(_ERROR_KEY)
    if error is not None:
        raise error

