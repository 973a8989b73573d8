"""Process-level infrastructure: configuration, database, NATS, logging."""
