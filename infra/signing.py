"""The service's Ed25519 signing key (issue 13), and the public keys it publishes.

The key is `SIGNING_KEY` (PKCS#8 PEM; literal "\\n" sequences are read as newlines, for
environments that hold one line) or, when unset, the key in `<GOV_DATA_DIR>/signing/ed25519.pem`,
generated there once by the first process that needs it (file mode 0600). Every process of a
deployment must see the same key: set `SIGNING_KEY` wherever processes do not share the folder.

Rotation: set the new `SIGNING_KEY` and add the old public key (PEM) to `SIGNING_PREVIOUS_KEYS`;
`published_keys()` lists the current key and the previous ones, so receipts signed before the
rotation still verify against `GET /api/v1/keys`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from governance.multibase import did_key
from governance.signatures import (
    ALGORITHM, key_id, private_key_from_pem, private_key_pem, public_key_pem,
    public_keys_from_pem_text,
)
from infra.config import get_settings

KEY_FILE = Path("signing") / "ed25519.pem"


def _pem_text(raw: str) -> str:
    return raw.replace("\\n", "\n") if "\n" not in raw else raw


@lru_cache(maxsize=1)
def service_key() -> Ed25519PrivateKey:
    """The current signing key of this process (loaded once; `reset_service_key` forgets it).

    Raises ValueError when SIGNING_KEY or the key file holds no Ed25519 private key.
    """
    settings = get_settings()
    if settings.signing_key:
        return private_key_from_pem(_pem_text(settings.signing_key))
    return _local_key(Path(settings.data_dir) / KEY_FILE)


def _local_key(path: Path) -> Ed25519PrivateKey:
    """The key at `path`, generated first if absent. Concurrent first starts agree on one key:
    each writes its own temporary file and hard-links it into place, which fails for all but
    the first, and then every process reads the file that won."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(private_key_pem(Ed25519PrivateKey.generate()))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return private_key_from_pem(path.read_bytes())


def previous_public_keys() -> list[Ed25519PublicKey]:
    """The public keys listed in SIGNING_PREVIOUS_KEYS; raises ValueError for a bad block."""
    raw = get_settings().signing_previous_keys
    return public_keys_from_pem_text(_pem_text(raw or ""))


def _published(public_key: Ed25519PublicKey, status: str) -> dict:
    kid = key_id(public_key)
    return {
        "key_id": kid,
        "alg": ALGORITHM,
        "status": status,
        "did": did_key(kid),
        "public_key_multibase": kid,
        "public_key_pem": public_key_pem(public_key),
    }


def published_keys() -> list[dict]:
    """The answer items of GET /api/v1/keys: the current key first ("status": "current"), then
    every previous one ("retired"), each once, with its key id, did:key and PEM."""
    current = service_key().public_key()
    keys = [_published(current, "current")]
    seen = {keys[0]["key_id"]}
    for public_key in previous_public_keys():
        entry = _published(public_key, "retired")
        if entry["key_id"] not in seen:
            seen.add(entry["key_id"])
            keys.append(entry)
    return keys


def reset_service_key() -> None:
    """Forget the loaded key (tests change the environment between runs)."""
    service_key.cache_clear()
