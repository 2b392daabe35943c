"""Database plumbing every app uses: fields, column and constraint helpers, value bounds, migration
operations and SQL file loading, and the mapping of database errors to client errors.

Nothing here imports a domain app: the apps import the platform, never the reverse.
"""
