"""The REST API's platform, used by every app's ``api/`` package: pagination, throttles, nested people,
the URL wiring of ``/api/v1/`` and the OpenAPI documents. Error handling: ``humanglue.api_errors``."""
