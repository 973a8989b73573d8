"""infra.logging.write_from_queue (the API's request threads hand their lines to one writer
thread): every line is written, once, as JSON with the request id of the thread that logged it,
each thread's lines in its order, and `stop` writes what is left."""

from __future__ import annotations

import io
import json
import logging
import threading

import pytest

from infra.logging import ContextFilter, JsonFormatter, request_id_var, write_from_queue


@pytest.fixture
def root_stream():
    """The root logger with one JSON stream handler on a buffer (restored afterwards)."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.handlers[:] = saved
        root.setLevel(level)


def test_lines_of_many_threads_are_written_once_in_order_with_their_request_ids(root_stream):
    stop = write_from_queue()
    log = logging.getLogger("tests.writer")

    def requests(thread: int):
        for number in range(200):
            request_id_var.set(f"req-{thread}-{number}")
            log.info("line %s %s", thread, number, extra={"worker": thread, "number": number})

    threads = [threading.Thread(target=requests, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop()
    records = [json.loads(line) for line in root_stream.getvalue().splitlines()]
    assert len(records) == 8 * 200
    for thread in range(8):
        mine = [record for record in records if record["worker"] == thread]
        assert [record["number"] for record in mine] == list(range(200))
        assert all(record["request_id"] == f"req-{thread}-{record['number']}" for record in mine)
        assert mine[0]["message"] == f"line {thread} 0" and mine[0]["logger"] == "tests.writer"
    handlers = logging.getLogger().handlers  # given back (pytest's capture handlers beside it)
    assert root_stream in [getattr(handler, "stream", None) for handler in handlers]
    assert not any(type(handler).__name__ == "_Handover" for handler in handlers)


def test_an_error_keeps_its_traceback_field_and_a_bad_record_does_not_stop_the_writer(root_stream, monkeypatch):
    monkeypatch.setattr(logging, "raiseExceptions", False)  # handleError then stays silent
    stop = write_from_queue()
    log = logging.getLogger("tests.writer")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    log.info("%d", "not a number")  # logging reports it (handleError) and goes on
    log.info("after")
    stop()
    records = [json.loads(line) for line in root_stream.getvalue().splitlines()]
    assert records[0]["message"] == "failed" and "ValueError: boom" in records[0]["exc_info"]
    assert records[-1]["message"] == "after"
