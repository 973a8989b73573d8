"""infra.signing: the service key from SIGNING_KEY or generated once under the data folder, and
the keys it publishes (current first, then the previous ones)."""

import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.signatures import key_id, private_key_pem, public_key_pem, sign_envelope, verify_envelope
from infra.config import reset_settings
from infra.signing import KEY_FILE, published_keys, reset_service_key, service_key


@pytest.fixture
def environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GOV_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SIGNING_KEY", raising=False)
    monkeypatch.delenv("SIGNING_PREVIOUS_KEYS", raising=False)

    def reset():
        reset_settings()
        reset_service_key()

    reset()
    yield monkeypatch
    reset()


def test_without_signing_key_one_key_is_generated_once_under_the_data_folder(environment, tmp_path):
    first = key_id(service_key().public_key())
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    reset_service_key()
    assert key_id(service_key().public_key()) == first  # read back, not generated again
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_signing_key_from_the_environment_wins(environment, tmp_path):
    key = Ed25519PrivateKey.generate()
    environment.setenv("SIGNING_KEY", private_key_pem(key).replace("\n", "\\n"))
    reset_settings()
    assert key_id(service_key().public_key()) == key_id(key.public_key())
    assert not (tmp_path / KEY_FILE).exists()


def test_a_signing_key_that_is_not_ed25519_pem_is_refused(environment):
    environment.setenv("SIGNING_KEY", "not a key")
    reset_settings()
    with pytest.raises(ValueError):
        service_key()


def test_published_keys_list_the_current_then_the_previous_ones_once(environment):
    current, old, older = (Ed25519PrivateKey.generate() for _ in range(3))
    environment.setenv("SIGNING_KEY", private_key_pem(current))
    environment.setenv("SIGNING_PREVIOUS_KEYS", "".join(
        public_key_pem(k.public_key()) for k in (old, older, old, current)))
    reset_settings()
    keys = published_keys()
    assert [(k["key_id"], k["status"]) for k in keys] == [
        (key_id(current.public_key()), "current"), (key_id(old.public_key()), "retired"),
        (key_id(older.public_key()), "retired")]
    assert keys[0]["did"] == f"did:key:{keys[0]['key_id']}"
    assert keys[0]["public_key_pem"] == public_key_pem(current.public_key())


def test_what_the_service_key_signs_verifies_under_its_published_key(environment):
    envelope = sign_envelope(service_key(), {"type": "test"})
    assert verify_envelope(envelope) == published_keys()[0]["key_id"]
