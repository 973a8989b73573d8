"""The offline verifier of the governance engine (issue 13).

Run from a checkout, or from any folder holding this `verify/` package and `governance/`, with
only `cryptography` and `rfc8785` installed: `python -m verify FILE [--key KEY]`. It checks a
proposal export, an audit export, a ballot proof or a dispute credential; the formats are in
verify/FORMATS.md. It imports nothing of the server (no Flask, SQLAlchemy or Celery).
"""
