# The one image of every governance process: api, worker, beat, consumer, flower and the one-shot
# migrations (docker-compose.yml picks the command; the commands are those of devstack/processes.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    GOV_DATA_DIR=/data \
    API_HOST=0.0.0.0

WORKDIR /app

# Only the runtime section of requirements.txt: the embedded servers and the test tools serve
# local runs and CI; here Postgres, Redis and NATS are services of their own.
COPY requirements.txt ./
RUN sed -n '/^# runtime/,/^# embedded/p' requirements.txt | grep -v '^#' > /tmp/runtime.txt \
    && pip install -r /tmp/runtime.txt \
    && rm /tmp/runtime.txt

COPY . .
RUN useradd --system --uid 10001 --home-dir /app governance \
    && mkdir -p /data \
    && chown governance /data
USER governance

EXPOSE 8000 5555
CMD ["python", "-m", "gunicorn", "--config", "python:api.gunicorn_conf", "api.app:create_app()"]
