"""Embedded servers (devstack/postgres.py, redis_server.py, nats_server.py), against the real binaries: no mocks."""

from __future__ import annotations

import asyncio
import socket

import psutil
import psycopg
import pytest
import redis

from devstack.embedded import ServerError
from devstack.nats_server import EmbeddedNats
from devstack.osutil import find_free_port, port_is_free
from devstack.postgres import EmbeddedPostgres
from devstack.redis_server import EmbeddedRedis

pytestmark = pytest.mark.timeout(60)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def stop_later():
    started = []
    yield started.append
    for server in reversed(started):
        server.stop()


# --------------------------------------------------------------------------- Postgres


def test_postgres_serves_the_application_database_and_restart_keeps_data(tmp_path, stop_later):
    pg = EmbeddedPostgres(tmp_path / "pg")
    stop_later(pg)
    pg.start()
    assert pg.running
    assert pg.url == f"postgresql://postgres:@/governance?host={pg.socket_dir}"

    with psycopg.connect(pg.url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SELECT current_database()").fetchone() == ("governance",)
        # unix socket only: never competes with a server on 5432
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        conn.execute("CREATE TABLE kept (id int PRIMARY KEY, note text)")
        conn.execute("INSERT INTO kept VALUES (1, 'survives a restart')")

    url = pg.url
    old_pid = pg.pid
    pg.restart()
    assert pg.url == url
    assert pg.pid != old_pid
    with psycopg.connect(pg.url) as conn:
        assert conn.execute("SELECT note FROM kept").fetchall() == [("survives a restart",)]

    pg.stop()
    assert not pg.running
    assert not _alive(old_pid)
    pg.stop()  # idempotent


def test_postgres_databases_helpers_and_second_instance(tmp_path, stop_later):
    a = EmbeddedPostgres(tmp_path / "a")
    b = EmbeddedPostgres(tmp_path / "b", dbname="other")
    stop_later(a)
    stop_later(b)
    a.start()
    b.start()
    assert a.socket_dir != b.socket_dir

    assert a.create_database("per_test") is True
    assert a.create_database("per_test") is False
    with psycopg.connect(a.url_for("per_test")) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("per_test",)
    a.drop_database("per_test")
    assert "per_test" not in a.psql("SELECT datname FROM pg_database")
    with pytest.raises(ServerError):
        a.psql("SELECT * FROM no_such_table")

    with psycopg.connect(b.url) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("other",)

    # A second handle on the same folder (e.g. a new `make up`) reuses the running server.
    again = EmbeddedPostgres(tmp_path / "a").start()
    assert again.pid == a.pid


def test_postgres_start_after_stop_from_a_new_handle(tmp_path, stop_later):
    first = EmbeddedPostgres(tmp_path / "pg").start()
    stop_later(first)
    first.stop()
    second = EmbeddedPostgres(tmp_path / "pg")
    stop_later(second)
    second.start()
    with psycopg.connect(second.url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


# --------------------------------------------------------------------------- Redis


def test_redis_answers_and_appendonly_survives_restart(tmp_path, stop_later):
    server = EmbeddedRedis(tmp_path / "redis")
    stop_later(server)
    server.start()
    assert server.url == f"redis://127.0.0.1:{server.port}/0"
    client = redis.Redis.from_url(server.url)
    assert client.ping() is True
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    client.rpush("queued-work", "job-1", "job-2")
    client.close()

    port = server.port
    server.restart()
    assert server.port == port
    client = redis.Redis.from_url(server.url)
    assert client.lrange("queued-work", 0, -1) == [b"job-1", b"job-2"]
    client.close()

    pid = server.pid
    server.stop()
    assert not server.running
    assert not _alive(pid)
    assert port_is_free(port)


def test_redis_without_persistence_forgets_on_restart(tmp_path, stop_later):
    server = EmbeddedRedis(tmp_path / "redis", persistent=False)
    stop_later(server)
    server.start()
    client = redis.Redis.from_url(server.url)
    client.set("k", "v")
    client.close()
    server.restart()
    client = redis.Redis.from_url(server.url)
    assert client.get("k") is None
    assert client.config_get("save") == {"save": ""}
    client.close()


def test_redis_port_is_remembered_per_folder_and_replaced_when_taken(tmp_path, stop_later):
    first = EmbeddedRedis(tmp_path / "redis").start()
    stop_later(first)
    port = first.port
    first.stop()

    second = EmbeddedRedis(tmp_path / "redis").start()
    stop_later(second)
    assert second.port == port
    second.stop()

    # Someone else took the remembered port: pick another one rather than fail.
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        third = EmbeddedRedis(tmp_path / "redis").start()
        stop_later(third)
        assert third.port != port
        assert redis.Redis.from_url(third.url).ping()


def test_redis_explicit_port_and_crash(tmp_path, stop_later):
    port = find_free_port()
    server = EmbeddedRedis(tmp_path / "redis", port=port)
    stop_later(server)
    server.start()
    assert server.port == port
    pid = server.pid
    server.kill()
    assert not _alive(pid)
    server.start()
    assert server.port == port
    assert redis.Redis.from_url(server.url).ping()


def test_leftover_server_of_a_crashed_run_is_stopped(tmp_path, stop_later):
    crashed = EmbeddedRedis(tmp_path / "redis").start()
    leftover_pid = crashed.pid
    crashed._proc = None  # the owner "died" without stopping it
    try:
        fresh = EmbeddedRedis(tmp_path / "redis")
        stop_later(fresh)
        fresh.start()
        assert not _alive(leftover_pid)
        assert redis.Redis.from_url(fresh.url).ping()
    finally:
        if _alive(leftover_pid):
            psutil.Process(leftover_pid).kill()


# --------------------------------------------------------------------------- NATS


async def _nats_roundtrip(url: str, create: bool) -> tuple[int, int]:
    import nats

    nc = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=0)
    try:
        js = nc.jetstream()
        info = await js.account_info()
        if create:
            await js.add_stream(name="DEVSTACK_TEST", subjects=["devstack.test.>"])
            ack = await js.publish("devstack.test.one", b"hello", headers={"Nats-Msg-Id": "evt-1"})
            assert ack.stream == "DEVSTACK_TEST"
        stream = await js.stream_info("DEVSTACK_TEST")
        return info.streams, stream.state.messages
    finally:
        await nc.close()


def test_nats_jetstream_works_and_survives_restart(tmp_path, stop_later):
    server = EmbeddedNats(tmp_path / "nats")
    stop_later(server)
    server.start()
    assert server.url == f"nats://127.0.0.1:{server.port}"
    streams, messages = asyncio.run(_nats_roundtrip(server.url, create=True))
    assert (streams, messages) == (0, 1)

    port = server.port
    server.restart()
    assert server.port == port
    streams, messages = asyncio.run(_nats_roundtrip(server.url, create=False))
    assert (streams, messages) == (1, 1)

    pid = server.pid
    server.stop()
    assert not _alive(pid)


def test_two_instances_of_each_server_do_not_collide(tmp_path, stop_later):
    redises = [EmbeddedRedis(tmp_path / f"redis{i}") for i in range(2)]
    natses = [EmbeddedNats(tmp_path / f"nats{i}") for i in range(2)]
    for server in redises + natses:
        stop_later(server)
        server.start()
    ports = {s.port for s in redises + natses}
    assert len(ports) == 4
    assert not {6379, 4222} & ports  # never the default ports (used by system servers here)

    clients = [redis.Redis.from_url(s.url) for s in redises]
    clients[0].set("who", "first")
    clients[1].set("who", "second")
    assert [c.get("who") for c in clients] == [b"first", b"second"]
    for client in clients:
        client.close()
    for server in natses:
        assert asyncio.run(_nats_roundtrip(server.url, create=True)) == (0, 1)
