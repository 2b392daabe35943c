"""The embedded PostgreSQL server (``server``) and the database backend that starts it (``backend``),
used when DATABASE_URL is unset."""
