"""The keys a verification trusts (`--key`): a set of key ids (Ed25519 multikeys).

A `--key` value is one of: a key id or did:key (`z6Mk...`, `did:key:z6Mk...`); a file with one or
more PEM public keys; a file with the JSON answer of GET /api/v1/keys (`{"items": [...]}`,
`{"keys": [...]}` or a bare list of key objects, each with `public_key_pem` or
`public_key_multibase`). Key ids are always recomputed from the key material.
"""

import json
from pathlib import Path

from governance.multibase import multikey_of_did, public_key_bytes
from governance.signatures import key_id, public_key_from_pem, public_keys_from_pem_text


def trusted_key_ids(values: list[str]) -> set[str] | None:
    """The trusted key ids of all `--key` values; None when none was given (nothing pinned).

    Raises ValueError (saying which value) for a value that names no Ed25519 public key.
    """
    if not values:
        return None
    trusted: set[str] = set()
    for value in values:
        try:
            trusted |= _key_ids(value)
        except (OSError, ValueError) as error:
            raise ValueError(f"--key {value}: {error}") from None
    return trusted


def _key_ids(value: str) -> set[str]:
    if value.startswith("did:key:"):
        return {multikey_of_did(value)}
    path = Path(value)
    if not path.is_file():
        public_key_bytes(value)  # raises ValueError unless it is a public multikey
        return {value}
    text = path.read_text()
    if not text.lstrip().startswith(("{", "[")):
        keys = public_keys_from_pem_text(text)
        if not keys:
            raise ValueError("no PEM public key in the file")
        return {key_id(key) for key in keys}
    document = json.loads(text)
    items = document.get("items", document.get("keys")) if isinstance(document, dict) else document
    if not isinstance(items, list) or not items:
        raise ValueError("no key objects in the JSON file")
    return {_item_key_id(item) for item in items}


def _item_key_id(item) -> str:
    if isinstance(item, dict) and item.get("public_key_pem"):
        return key_id(public_key_from_pem(item["public_key_pem"]))
    if isinstance(item, dict) and item.get("public_key_multibase"):
        public_key_bytes(item["public_key_multibase"])
        return item["public_key_multibase"]
    raise ValueError("a key object needs public_key_pem or public_key_multibase")
