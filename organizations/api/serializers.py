"""Serializers of the identity endpoints (``/api/v1/auth/``)."""

from __future__ import annotations

import zoneinfo

from rest_framework import serializers

from ..models import Organization, User

_TIMEZONES = zoneinfo.available_timezones()

# Codes a service may answer for these fields: declared here so the OpenAPI schema lists them.
PASSWORD_ERRORS = {
    "password_too_similar": "The password is too similar to the account's details.",
    "password_too_short": "The password is too short.",
    "password_too_common": "The password is too common.",
    "password_entirely_numeric": "The password is entirely numeric.",
}


def password_field() -> serializers.CharField:
    return serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True,
                                 error_messages=PASSWORD_ERRORS)


class MeSerializer(serializers.ModelSerializer):
    """The caller's own account. Only the profile columns are writable; e-mail, role, organization and
    status change through their own paths (an org admin, a platform admin)."""

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "avatar_url", "timezone", "language", "preferences", "organization",
                  "role", "status", "email_verified", "onboarding_completed", "created_at"]
        read_only_fields = ["id", "email", "language", "organization", "role", "status", "email_verified",
                            "onboarding_completed", "created_at"]
        extra_kwargs = {"full_name": {"max_length": 200, "allow_blank": False},
                        "avatar_url": {"max_length": 2000}}

    def validate_full_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("A name cannot be blank.", code="blank")
        return value.strip()

    def validate_avatar_url(self, value: str | None) -> str | None:
        if value and not value.lower().startswith(("https://", "http://")):
            raise serializers.ValidationError("Give an http(s) address.", code="invalid")
        return value

    def validate_timezone(self, value: str) -> str:
        if value not in _TIMEZONES:
            raise serializers.ValidationError("Unknown time zone (use an IANA name such as Europe/Paris).",
                                              code="invalid")
        return value

    def validate_preferences(self, value: object) -> object:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Preferences are a JSON object.", code="invalid")
        return value


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)
    user = MeSerializer(read_only=True)


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class RefreshedSerializer(serializers.Serializer):
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, error_messages={"email_taken": "This address has an account."})
    password = password_field()
    full_name = serializers.CharField(max_length=200)


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug"]


class OrganizationRegisterSerializer(SignupSerializer):
    organization_name = serializers.CharField(max_length=200)
    organization_slug = serializers.SlugField(max_length=100, required=False,
                                              error_messages={"slug_taken": "This slug is taken."})


class OrganizationRegisteredSerializer(TokenPairSerializer):
    organization = OrganizationBriefSerializer(read_only=True)


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128, error_messages={"invalid_token": "The link is invalid or expired."})
    new_password = password_field()


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True,
                                         error_messages={"password_incorrect": "The current password is not correct."})
    new_password = password_field()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
