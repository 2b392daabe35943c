"""DRF exception handling: one JSON error shape (drf-standardized-errors) for every API error."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, transaction
from drf_standardized_errors.handler import ExceptionHandler as BaseExceptionHandler
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework_simplejwt.exceptions import InvalidToken

from humanglue.db.errors import classify


def _details(exc: DjangoValidationError) -> dict[str, list[ErrorDetail]] | list[ErrorDetail]:
    """Django's ValidationError as DRF details, keeping each message's code (``invalid`` when it has none)."""

    def flat(errors: list[DjangoValidationError]) -> list[ErrorDetail]:
        return [ErrorDetail(str(message), code=error.code or "invalid")
                for error in errors for message in error.messages]

    if hasattr(exc, "error_dict"):
        return {field: flat(errors) for field, errors in exc.error_dict.items()}
    return flat(exc.error_list)


class DatabaseRefused(exceptions.APIException):
    def __init__(self, status_code: int, detail: str, code: str) -> None:
        self.status_code = status_code
        super().__init__(detail=detail, code=code)


class ExceptionHandler(BaseExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, InvalidToken):
            # simplejwt's detail is a nested dict: one plain error instead.
            return exceptions.AuthenticationFailed("The token is invalid or expired.", code="token_not_valid")
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(detail=_details(exc))
        if isinstance(exc, DatabaseError):
            refusal = classify(exc)
            if refusal is not None:
                return DatabaseRefused(refusal.status, refusal.detail, refusal.code)
        return super().convert_known_exceptions(exc)

    def set_rollback(self) -> None:
        # The security middleware opens the request transaction itself (not ATOMIC_REQUESTS), so
        # DRF's own set_rollback would not mark it: nothing half-written may commit.
        if transaction.get_connection().in_atomic_block:
            transaction.set_rollback(True)



