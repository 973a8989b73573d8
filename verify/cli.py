"""`python -m verify FILE [--key KEY ...]`: check an export of the governance engine offline.

Exit status: 0 when every check passed (each printed as "ok ..."); 1 when one failed (printed as
"FAIL <what>: <detail>", naming the first figure, hash or signature that differs); 2 when the
file cannot be read, is not JSON, is no known kind of document, or a --key is unusable.
"""

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Mapping

from governance.exports import AUDIT_EXPORT, BALLOT_PROOF, PROPOSAL_EXPORT, VERSION
from verify.checks import (
    Mismatch, check_audit_export, check_ballot_proof, check_credential, check_proposal_export,
)
from verify.keys import trusted_key_ids

Checker = Callable[[Mapping, set[str] | None], Iterator[str]]
CHECKERS: dict[str, tuple[str, Checker]] = {
    PROPOSAL_EXPORT: ("proposal export", check_proposal_export),
    BALLOT_PROOF: ("ballot proof", check_ballot_proof),
    AUDIT_EXPORT: ("audit export", check_audit_export),
}


class Unrecognized(ValueError):
    """A document the verifier does not know how to check."""


def detect(document) -> tuple[str, Checker]:
    """The kind of `document` and its checker: by its "format" and "version", or a Verifiable
    Credential by its "@context" and "proof"."""
    if not isinstance(document, dict):
        raise Unrecognized("the file holds no JSON object")
    if document.get("format") in CHECKERS:
        if document.get("version") != VERSION:
            raise Unrecognized(f"{document['format']} version {document.get('version')!r} is not {VERSION}")
        return CHECKERS[document["format"]]
    if "@context" in document and "proof" in document:
        return "credential", check_credential
    raise Unrecognized("neither a known export format nor a Verifiable Credential")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verify", description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a proposal export, audit export, ballot proof or credential (JSON)")
    parser.add_argument(
        "--key", action="append", default=[],
        help="a trusted key: key id / did:key, a PEM public key file, or the JSON of GET /api/v1/keys"
             " (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        trusted = trusted_key_ids(args.key)
        with open(args.file, encoding="utf-8") as handle:
            document = json.load(handle)
        kind, checker = detect(document)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{args.file}: {kind}")
    try:
        for line in checker(document, trusted):
            print(f"ok   {line}")
    except Mismatch as failure:
        print(f"FAIL {failure.what}: {failure.detail}")
        return 1
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        # A document so malformed that a check could not even read it does not verify.
        print(f"FAIL malformed {kind}: {type(error).__name__}: {error}")
        return 1
    print(f"verified: {kind}")
    return 0
