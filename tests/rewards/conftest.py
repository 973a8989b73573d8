import pytest

from tests.factories import make_dao
from tests.rewards.helpers import consumer_running


@pytest.fixture
def consumer(stack, log_dir):
    with consumer_running(stack, log_dir) as process:
        yield process


@pytest.fixture(scope="module")
def dao(stack):
    return make_dao(is_public=True)
