"""What the organizations, teams and users endpoints share."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.response import Response

from .. import services


class ConflictError(exceptions.APIException):
    status_code = 409
    default_detail = "The request conflicts with existing data."
    default_code = "conflict"


class ServiceErrorsMixin:
    """Answers a service's ``Conflict`` with 409 in the API's error shape."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.Conflict):
            exc = ConflictError(detail=exc.message, code=exc.code)
        return super().handle_exception(exc)  # type: ignore[misc]

