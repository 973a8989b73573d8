"""Base58-btc multibase, Ed25519 multikeys and did:key, and signed envelopes."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.multibase import (
    b58decode, b58encode, did_key, multikey_of_did, public_key_bytes, public_multikey,
    secret_key_bytes, verification_method,
)
from governance.signatures import (
    SignatureInvalid, b64url_decode, b64url_encode, key_id, private_key_from_pem, private_key_pem,
    public_key_from_id, public_key_from_pem, public_key_pem, public_keys_from_pem_text,
    sign_envelope, verify_envelope,
)

# The key pair of the W3C vc-di-eddsa test vectors (TestVectors/keyPair.json).
SPEC_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SPEC_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


@pytest.mark.parametrize("raw, text", [
    (b"", ""), (b"\x00", "1"), (b"\x00\x00\x01", "112"), (b"hello world", "StV1DL6CwTryKyV"),
    (bytes.fromhex("0000287fb4cd"), "11233QC4"),
])
def test_base58_btc_known_values(raw, text):
    assert b58encode(raw) == text
    assert b58decode(text) == raw


def test_base58_refuses_characters_outside_the_alphabet():
    for bad in ("0", "O", "I", "l", "+"):
        with pytest.raises(ValueError):
            b58decode("abc" + bad)


def test_the_spec_secret_key_gives_the_spec_public_multikey():
    private = Ed25519PrivateKey.from_private_bytes(secret_key_bytes(SPEC_SECRET))
    assert key_id(private.public_key()) == SPEC_PUBLIC
    assert public_multikey(public_key_bytes(SPEC_PUBLIC)) == SPEC_PUBLIC


def test_did_key_and_its_verification_method():
    assert did_key(SPEC_PUBLIC) == f"did:key:{SPEC_PUBLIC}"
    assert verification_method(SPEC_PUBLIC) == f"did:key:{SPEC_PUBLIC}#{SPEC_PUBLIC}"
    assert multikey_of_did(verification_method(SPEC_PUBLIC)) == SPEC_PUBLIC
    for bad in ("did:web:x", f"did:key:{SPEC_PUBLIC}#other", f"did:key:{SPEC_SECRET}"):
        with pytest.raises(ValueError):
            multikey_of_did(bad)


def test_key_id_rebuilds_the_public_key():
    private = Ed25519PrivateKey.generate()
    kid = key_id(private.public_key())
    assert kid.startswith("z6Mk")
    assert key_id(public_key_from_id(kid)) == kid


def test_pem_round_trips_and_several_public_keys_in_one_text():
    one, two = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    assert key_id(private_key_from_pem(private_key_pem(one)).public_key()) == key_id(one.public_key())
    assert key_id(public_key_from_pem(public_key_pem(one.public_key()))) == key_id(one.public_key())
    text = public_key_pem(one.public_key()) + "\n" + public_key_pem(two.public_key())
    assert [key_id(k) for k in public_keys_from_pem_text(text)] == [
        key_id(one.public_key()), key_id(two.public_key())]


def test_a_non_ed25519_pem_is_refused():
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with pytest.raises(ValueError):
        private_key_from_pem(other)


KEY = Ed25519PrivateKey.generate()
BODY = {"type": "test", "figure": "1.50000000", "list": [1, "two", None]}


def test_a_signed_envelope_verifies_and_names_its_key():
    envelope = sign_envelope(KEY, BODY)
    assert envelope["alg"] == "Ed25519"
    assert len(b64url_decode(envelope["signature"])) == 64
    assert verify_envelope(envelope) == key_id(KEY.public_key())


def test_the_signature_covers_canonical_json_not_key_order():
    envelope = sign_envelope(KEY, BODY)
    assert verify_envelope({**envelope, "body": dict(reversed(list(BODY.items())))})


@pytest.mark.parametrize("tamper", [
    lambda e: {**e, "body": {**e["body"], "figure": "1.50000001"}},
    lambda e: {**e, "signature": _flip(e["signature"])},
    lambda e: {**e, "key_id": key_id(Ed25519PrivateKey.generate().public_key())},
    lambda e: {**e, "alg": "HS256"},
    lambda e: {**e, "signature": e["signature"] + "="},
    lambda e: {**e, "key_id": "z6Mk-not-a-key"},
    lambda e: {k: v for k, v in e.items() if k != "body"},
])
def test_a_tampered_envelope_is_refused(tamper):
    with pytest.raises(SignatureInvalid):
        verify_envelope(tamper(sign_envelope(KEY, BODY)))


def _flip(signature: str) -> str:
    raw = bytearray(b64url_decode(signature))
    raw[10] ^= 0x01
    return b64url_encode(bytes(raw))
