"""The REST API's platform, used by every app's ``api/`` package: the one error shape (``errors``),
pagination, throttles, nested people, authentication, the OpenAPI generator, and the URL wiring of
``/api/v1/`` and the OpenAPI documents."""
