"""The OpenAPI generator: drf-standardized-errors' AutoSchema, plus the answers the database gives.

Every write may be refused by the database (spec 00 §10): a policy or guard (403, its reason as the
code), a constraint (400 or 409). Those codes are the database's, not an enumeration the serializers
know, so 401, 403 and 409 answers and the non-validation 400 are documented with a free ``code``.
"""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer
from drf_standardized_errors.handler import exception_handler as standardized_errors_handler
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ValidationErrorEnum
from inflection import camelize
from rest_framework import serializers

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ClientError(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ClientErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
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
        if self.method not in WRITES:
            return super()._get_http400_serializer()
        # A write's 400 is a validation error (per field) or a client error: malformed JSON, or a value the
        # database refused (a CHECK, a NOT NULL, a foreign key), whose code is the constraint's name.
        alternatives = {ClientErrorEnum.CLIENT_ERROR.value: ClientErrorResponseSerializer}
        if self._should_add_validation_error_response():
            validation = self._get_serializer_for_validation_error_response()
            alternatives[ValidationErrorEnum.VALIDATION_ERROR.value] = validation
        return PolymorphicProxySerializer(component_name=f"{camelize(self.get_operation_id())}ErrorResponse400",
                                          serializers=alternatives, resource_type_field_name="type")
