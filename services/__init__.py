"""Domain operations that write the database: each takes the caller's session (one unit of work),
applies the rules of `governance/`, writes the rows and records the events. Used by the routes and
by the tasks alike (proposal execution calls them); they never commit."""
