"""gunicorn settings for the API: threaded workers so that a waiting request (Prefer: wait)
does not hold a whole process."""

from infra.config import get_settings

bind = f"127.0.0.1:{get_settings().api_port}"
workers = 2
worker_class = "gthread"
threads = 16
timeout = 60
graceful_timeout = 10
accesslog = "-"

