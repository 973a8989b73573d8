"""Configuration from the environment (SPEC 10). The only module that reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

# The JWT secret of a local run when JWT_SECRET is not set. While it is in use (and no public key
# is configured) anyone may mint tokens: the dashboard then offers its development sign-in.
DEVELOPMENT_JWT_SECRET = "dev-secret-change-me-32-bytes-long!"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _origins(raw: str) -> tuple[str, ...]:
    """CORS_ORIGINS: comma-separated origins (`https://app.example.org`), or `*`; compared in
    lower case without a trailing slash."""
    return tuple(origin.strip().lower().rstrip("/") for origin in raw.split(",") if origin.strip())


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    nats_url: str
    jwt_secret: str
    jwt_public_key: str | None
    scheduler_interval_seconds: int
    api_host: str
    api_port: int
    flower_port: int
    flower_basic_auth: str | None
    data_dir: str
    max_job_attempts: int
    log_level: str
    rate_limit_per_minute: int
    job_requeue_after_seconds: int
    reward_reconcile_after_seconds: int
    # A party may escalate an open dispute that no moderator took this long after it opened.
    dispute_escalation_after_seconds: int
    # Origins browsers may call the API from (api/cors.py); empty: CORS off.
    cors_origins: tuple[str, ...]
    # `Prefer: wait` requests one subject may hold at once in one API process (services/job_waits.py).
    max_waits_per_subject: int
    # Every Redis call (the client's and the broker's sends) gives up after this long: a hung
    # Redis delays a request by about this much, never indefinitely.
    redis_timeout_seconds: float = 1.0
    # Ed25519 service key (issue 13): PKCS#8 PEM; unset -> one generated once under data_dir.
    signing_key: str | None = None
    # Public keys (PEM, concatenated) of earlier service keys, still published after a rotation.
    signing_previous_keys: str | None = None

    @property
    def development_auth(self) -> bool:
        """True while tokens are signed with the well-known development secret."""
        return self.jwt_public_key is None and self.jwt_secret == DEVELOPMENT_JWT_SECRET

    @property
    def sqlalchemy_url(self) -> str:
        """DATABASE_URL with the psycopg 3 driver, whatever scheme the operator wrote."""
        url = self.database_url
        for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/governance"),
        redis_url=env.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        nats_url=env.get("NATS_URL", "nats://127.0.0.1:4222"),
        jwt_secret=env.get("JWT_SECRET", DEVELOPMENT_JWT_SECRET),
        jwt_public_key=env.get("JWT_PUBLIC_KEY") or None,
        scheduler_interval_seconds=_int("SCHEDULER_INTERVAL_SECONDS", 5),
        api_host=env.get("API_HOST", "127.0.0.1"),
        api_port=_int("API_PORT", 8000),
        flower_port=_int("FLOWER_PORT", 5555),
        flower_basic_auth=env.get("FLOWER_BASIC_AUTH") or None,
        data_dir=env.get("GOV_DATA_DIR", ".data"),
        max_job_attempts=_int("MAX_JOB_ATTEMPTS", 5),
        log_level=env.get("LOG_LEVEL", "INFO"),
        rate_limit_per_minute=_int("RATE_LIMIT_PER_MINUTE", 600),
        # A job still queued (or running with no transaction on it) this long is sent again.
        job_requeue_after_seconds=_int("JOB_REQUEUE_AFTER_SECONDS", 30),
        reward_reconcile_after_seconds=_int("REWARD_RECONCILE_AFTER_SECONDS", 120),
        dispute_escalation_after_seconds=_int("DISPUTE_ESCALATION_AFTER_SECONDS", 259200),
        cors_origins=_origins(env.get("CORS_ORIGINS", "")),
        max_waits_per_subject=_int("MAX_WAITS_PER_SUBJECT", 4),
        redis_timeout_seconds=_float("REDIS_TIMEOUT_SECONDS", 1.0),
        signing_key=env.get("SIGNING_KEY") or None,
        signing_previous_keys=env.get("SIGNING_PREVIOUS_KEYS") or None,
    )


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between runs)."""
    get_settings.cache_clear()
