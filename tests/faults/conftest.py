"""Fixtures of the fault suite: one private full stack for the package (see harness.py), brought
back to its normal shape after every case, whatever the case broke."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.faults.harness import FaultStack, start_fault_stack


@pytest.fixture(scope="package")
def fault_stack_once(stack, log_dir):
    """`stack` (the session's servers) is required only so that the suite runs with them: the
    test process's settings point there, and this stack must not replace them."""
    base = Path(tempfile.mkdtemp(prefix="gov-faults-"))
    private = start_fault_stack(base, base)
    yield private
    private.stop_all()
    if os.environ.get("FAULTS_KEEP_LOGS"):
        print(f"fault stack logs kept in {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def fault_stack(fault_stack_once) -> FaultStack:
    yield fault_stack_once
    fault_stack_once.heal()
