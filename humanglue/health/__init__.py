"""Health facts (``report``) and the endpoints that serve them: ``GET /healthz`` (``views``) and the
``/ws/ping/`` websocket (``consumers``)."""
