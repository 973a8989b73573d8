"""The long fuzz run (issue 6): the schemathesis test of the operations suite
(tests/ops/test_schemathesis.py, a few examples per route in `make test`) with FUZZ_EXAMPLES
examples per route, with the same checks (ops.CHECKS: no 5xx, and every answer's status, media
type, headers and body as documented). Skipped unless FUZZ_EXAMPLES is set; `make fuzz` sets it."""

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.ops import test_schemathesis as ops
from tests.ops.conftest import live_api  # noqa: F401 - the fixture: a gunicorn API without the write limit
from tests.ops.test_schemathesis import fuzz_dao  # noqa: F401 - the fixture: a DAO the fuzzing subject owns

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 0)

pytestmark = pytest.mark.skipif(not FUZZ_EXAMPLES, reason="the long fuzz run: set FUZZ_EXAMPLES (make fuzz)")


@ops.schema.parametrize()
@settings(max_examples=max(FUZZ_EXAMPLES, 1), deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_finds_no_server_error_nor_undocumented_answer(case, live_api, worker, fuzz_dao):  # noqa: F811 - fixtures
    # The body of the operations test, called as the plain function it is under its decorators.
    ops.test_no_server_error_and_every_answer_matches_the_document(case, live_api, worker, fuzz_dao)
