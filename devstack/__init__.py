"""Local development stack: embedded servers (servers.py), process commands (processes.py) and
the ``make up`` supervisor (up.py)."""
