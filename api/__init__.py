"""The HTTP API: a thin Flask layer that authenticates, validates, authorizes and enqueues."""
