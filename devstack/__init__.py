"""Local development stack: the embedded servers (embedded.py, postgres.py, process_server.py,
redis_server.py, nats_server.py), the application's command lines (processes.py), and the
``make up`` supervisor (up.py, with children.py and shutdown.py); osutil.py holds the port and
child-process helpers they share."""
