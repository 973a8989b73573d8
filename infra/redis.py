"""The Redis client of a process (the broker's server, for flags and health checks)."""

from functools import lru_cache

import redis

from infra.config import get_settings


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis_url, socket_timeout=2, socket_connect_timeout=2)


def reset_redis() -> None:
    redis_client.cache_clear()
