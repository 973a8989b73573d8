"""Celery tasks: thin adapters that load rows, apply a rule, write, and record events."""
