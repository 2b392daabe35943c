"""The OpenAPI generator: drf-standardized-errors' AutoSchema, plus the answers the database gives.

Every write may be refused by the database (spec 00 §10): a policy or guard (403, its reason as the
code), a constraint (400 or 409). Those codes are the database's, not an enumeration the serializers
know, so 400, 401, 403 and 409 answers are documented with a free ``code``.
"""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer
from drf_standardized_errors.handler import exception_handler as standardized_errors_handler
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ValidationErrorEnum
from rest_framework import serializers

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ClientError(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ClientErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = ClientError(many=True)


class ValidationErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ValidationErrorEnum.choices)
    errors = ClientError(many=True)


class AutoSchema(StandardizedErrorsAutoSchema):
    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code in ("403", "409") and self.method in WRITES:
            return status_code not in responses and self.view.get_exception_handler() is standardized_errors_handler
        if status_code == "401" and getattr(self.view, "answers_401", False):
            return status_code not in responses
        return super()._should_add_error_response(responses, status_code)

    def _get_error_response_serializer(self, status_code: str):  # noqa: ANN202 - a serializer class or instance
        if status_code in ("401", "403", "409"):
            return ClientErrorResponseSerializer
        return super()._get_error_response_serializer(status_code)

    def _get_http400_serializer(self):  # noqa: ANN202
        # Every 400 is a validation error (field errors, also of query parameters) or a client error
        # (malformed JSON, or a value the database refused: a CHECK, a NOT NULL, a foreign key, with the
        # constraint's name as the code). One shape for all: per-field enumerations of codes and attrs
        # cannot follow list indexes (``pillars.0``) or the database's own codes.
        return PolymorphicProxySerializer(
            component_name="ErrorResponse400",
            serializers={ValidationErrorEnum.VALIDATION_ERROR.value: ValidationErrorResponseSerializer,
                         ClientErrorEnum.CLIENT_ERROR.value: ClientErrorResponseSerializer},
            resource_type_field_name="type")
