"""The request security context (DESIGN.md §3): the database roles a request runs under, the middleware
that opens it for HTTP, the websocket authentication and consumer, and the system-context sessions.

Nothing here imports a domain app: the user model is reached through ``django.contrib.auth``.
"""
