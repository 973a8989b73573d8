"""gunicorn settings for the API.

Threaded workers (gthread): a request that waits (`Prefer: wait=N`, an event stream) holds one
thread, not a whole process. Each process has REQUEST_THREADS + MAX_STREAMS_PER_PROCESS
threads and accepts at most MAX_STREAMS_PER_PROCESS event-stream listeners (503 beyond, see
api/stream.py), so that listeners can never take the threads ordinary requests need: with 2
workers one API instance holds 32 listeners and still serves 32 requests at once. Scale
listeners with more workers or instances. Logs are JSON lines (infra.logging); the per-request
line comes from the app (api/request_log.py), so gunicorn's own access log is off.
"""

from api.stream import MAX_STREAMS_PER_PROCESS, set_shutdown_probe
from infra.config import get_settings
from infra.logging import dict_config

REQUEST_THREADS = 16

_settings = get_settings()
bind = f"{_settings.api_host}:{_settings.api_port}"
workers = 2
worker_class = "gthread"
threads = REQUEST_THREADS + MAX_STREAMS_PER_PROCESS
timeout = 60
graceful_timeout = 10
accesslog = None
logconfig_dict = dict_config(_settings.log_level)


def post_worker_init(worker):
    # Event streams never end by themselves: end them when this worker stops gracefully.
    set_shutdown_probe(lambda: not worker.alive)
