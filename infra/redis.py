"""The Redis client of a process (the broker's server, for flags and health checks). Every call
gives up after REDIS_TIMEOUT_SECONDS (connecting, or waiting for an answer), so that a Redis that
hangs costs a request about that long, never blocks it."""

from functools import lru_cache

import redis

from infra.config import get_settings


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    timeout = get_settings().redis_timeout_seconds
    return redis.Redis.from_url(get_settings().redis_url, socket_timeout=timeout, socket_connect_timeout=timeout)


def reset_redis() -> None:
    redis_client.cache_clear()
