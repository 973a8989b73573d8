"""Pure domain rules of the governance engine: no I/O, no clock, no session."""
