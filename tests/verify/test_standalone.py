"""The verifier works outside the repository: with only verify/ and governance/ copied into an
empty folder, and every server package made unimportable."""

import shutil
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.signatures import key_id
from tests.verify.documents import (
    REPO, audit_document, ballot_proof_document, credential_document, proposal_document,
    run_verifier,
)

SERVER_PACKAGES = ("flask", "sqlalchemy", "celery", "kombu", "marshmallow", "redis", "nats",
                   "psycopg", "alembic", "infra", "models", "services", "api", "tasks")
BLOCKING_MAIN = f"""
import importlib.abc, sys
class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {SERVER_PACKAGES!r}:
            raise ImportError("the verifier must not import " + name)
sys.meta_path.insert(0, Blocked())
sys.path.insert(0, ".")
from verify.cli import main
sys.exit(main(sys.argv[1:]))
"""
KEY = Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def standalone(tmp_path_factory):
    folder = tmp_path_factory.mktemp("standalone")
    for package in ("verify", "governance"):
        shutil.copytree(REPO / package, folder / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@pytest.mark.parametrize("build", [proposal_document, ballot_proof_document, audit_document,
                                   credential_document])
def test_every_kind_verifies_from_a_copy_without_server_packages(build, standalone, tmp_path):
    run = run_verifier(build(KEY), tmp_path, "--key", key_id(KEY.public_key()), cwd=standalone,
                       python=[sys.executable, "-I", "-c", BLOCKING_MAIN])
    assert run.returncode == 0, run.stdout + run.stderr
    assert "verified:" in run.stdout


def test_python_m_verify_runs_in_the_copy(standalone, tmp_path):
    run = run_verifier(proposal_document(KEY), tmp_path, cwd=standalone)
    assert run.returncode == 0, run.stdout + run.stderr
