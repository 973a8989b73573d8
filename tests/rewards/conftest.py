import pytest

from tests.factories import make_dao
from tests.rewards.helpers import start_consumer


@pytest.fixture
def consumer(stack, log_dir):
    process = start_consumer(stack, log_dir)
    process.wait_for_log("consumer ready")
    yield process
    process.stop()


@pytest.fixture(scope="module")
def dao(stack):
    return make_dao(is_public=True)
