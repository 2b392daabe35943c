"""Serializers of the certificate endpoints (``/api/v1/certificates/``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from organizations.api.people import PersonField, WithPeopleSerializer

from ..models import Certificate

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_URL = 2000
MAX_SKILLS = 50
# The source each type names (certificates_source_check); program certificates name none.
SOURCE_OF_TYPE = {"course": "course", "workshop": "workshop", "assessment": "assessment", "program": None}


def http_url(value: str | None) -> str | None:
    if value and not value.lower().startswith(("https://", "http://")):
        raise serializers.ValidationError("Give an http(s) address.", code="invalid")
    return value


def url_field() -> serializers.CharField:
    return serializers.CharField(max_length=MAX_URL, required=False, allow_null=True, validators=[http_url])


class CertificateSerializer(WithPeopleSerializer):
    """A certificate as its holder (or a platform admin) reads it. The number is the database's; it is null
    in the answer to an issuer who may not read the certificate back."""

    holder = PersonField(source="user_id")
    issued_by = PersonField(source="issued_by_id")
    certificate_number = serializers.CharField(read_only=True, allow_null=True)

    class Meta(WithPeopleSerializer.Meta):
        model = Certificate
        fields = ["id", "holder", "certificate_type", "title", "description", "course", "workshop", "assessment",
                  "certificate_number", "issue_date", "expiry_date", "skills_demonstrated", "certificate_url",
                  "badge_url", "verification_url", "is_verified", "issued_by", "issuer_name", "issuer_title"]
        read_only_fields = fields


class CertificateIssueSerializer(serializers.Serializer):
    """An issuance: to whom, for which completed source, and what the certificate says. The number, the
    issue date and the issuer are the server's."""

    user = serializers.UUIDField()
    certificate_type = serializers.ChoiceField(choices=list(SOURCE_OF_TYPE))
    course = serializers.UUIDField(required=False, allow_null=True)
    workshop = serializers.UUIDField(required=False, allow_null=True)
    assessment = serializers.UUIDField(required=False, allow_null=True)
    title = serializers.CharField(max_length=MAX_TITLE)
    description = serializers.CharField(max_length=MAX_TEXT, required=False, allow_null=True)
    expiry_date = serializers.DateField(required=False, allow_null=True)
    skills_demonstrated = serializers.ListField(child=serializers.CharField(max_length=100), max_length=MAX_SKILLS,
                                                required=False)
    certificate_url = url_field()
    badge_url = url_field()
    verification_url = url_field()
    is_verified = serializers.BooleanField(required=False, default=False)
    issuer_name = serializers.CharField(max_length=MAX_TITLE, required=False)
    issuer_title = serializers.CharField(max_length=MAX_TITLE, required=False, allow_null=True)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        wanted = SOURCE_OF_TYPE[data["certificate_type"]]
        errors = {}
        for source in ("course", "workshop", "assessment"):
            if source == wanted and not data.get(source):
                errors[source] = serializers.ErrorDetail(
                    f"A {data['certificate_type']} certificate names its {source}.", code="required")
            elif source != wanted and data.get(source):
                errors[source] = serializers.ErrorDetail(
                    f"A {data['certificate_type']} certificate names no {source}.", code="invalid")
        if errors:
            raise serializers.ValidationError(errors)
        return data


class VerifiedCertificateSerializer(serializers.Serializer):
    """What ``verify_certificate`` answers for a verified certificate, and nothing more."""

    certificate_number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    certificate_type = serializers.CharField(read_only=True)
    holder_name = serializers.CharField(read_only=True)
    issue_date = serializers.DateField(read_only=True)
    expiry_date = serializers.DateField(read_only=True, allow_null=True)
    issuer_name = serializers.CharField(read_only=True)
