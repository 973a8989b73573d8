"""gunicorn settings for the API.

Threaded workers (gthread): a request that waits (`Prefer: wait=N`, an event stream) holds one
thread, not a whole process. Each process has REQUEST_THREADS + MAX_STREAMS_PER_PROCESS
threads and accepts at most MAX_STREAMS_PER_PROCESS event-stream listeners (503 beyond, see
api/stream.py), so that listeners can never take the threads ordinary requests need: with 2
workers one API instance holds 32 listeners and still serves 32 requests at once. Scale
listeners with more workers or instances. Logs are JSON lines (infra.logging); the per-request
line comes from the app (api/request_log.py), so gunicorn's own access log is off (`QuietAccess`:
`accesslog = None` alone does not turn it off once `logconfig_dict` is set, and each request then
wrote a second line).

Request lines up to 8190 bytes (gunicorn's largest finite limit) reach the app, which refuses a URL
over api.requests.MAX_URL_BYTES with a 414 problem document. What gunicorn itself still refuses
before the app sees it (a longer request line, too large headers, a malformed request) is
answered as a problem document too: gunicorn writes those answers with `gunicorn.util.write_error`,
replaced here (in the master, before the workers fork) by `write_problem`.
"""

import json

import gunicorn.glogging
import gunicorn.util

from api.errors import HTTP_CODES
from api.stream import MAX_STREAMS_PER_PROCESS, set_shutdown_probe
from infra.config import get_settings
from infra.logging import dict_config, write_from_queue

REQUEST_THREADS = 16

_settings = get_settings()
bind = f"{_settings.api_host}:{_settings.api_port}"
workers = 2
worker_class = "gthread"
threads = REQUEST_THREADS + MAX_STREAMS_PER_PROCESS
timeout = 60
limit_request_line = 8190
graceful_timeout = 10
accesslog = None
logconfig_dict = dict_config(_settings.log_level)


class QuietAccess(gunicorn.glogging.Logger):
    """gunicorn's logger without its access line (its error log is unchanged)."""

    def access(self, resp, req, environ, request_time):
        return None


logger_class = QuietAccess


def write_problem(sock, status_int, reason, mesg):
    """gunicorn's own error answer (util.write_error's signature) as an RFC 9457 problem document."""
    body = json.dumps({
        "type": "about:blank", "status": status_int, "title": reason, "detail": str(mesg) or reason,
        "code": HTTP_CODES.get(status_int, "http_error"),
    }).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n")
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


gunicorn.util.write_error = write_problem


def post_worker_init(worker):
    write_from_queue()  # request threads hand their log lines to one writer thread
    # Event streams never end by themselves: end them when this worker stops gracefully.
    set_shutdown_probe(lambda: not worker.alive)
