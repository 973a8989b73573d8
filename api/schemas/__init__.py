"""Marshmallow schemas: one per request body and per response shape (SPEC 8.4)."""
