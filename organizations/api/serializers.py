"""Serializers of the identity endpoints (``/api/v1/auth/``)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Organization, Team, TeamMember, User
from .people import PersonField, WithPeopleSerializer

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


# --- Organizations, members, teams and users ---------------------------------------------------------------

INVITE_ROLES = ["member", "team_lead", "org_admin"]


def _one_of(values: list[str]) -> dict[str, str]:
    """A string schema that names its values without an ``enum``: drf-spectacular turns every enum into a
    component named after its field, and a second "role" or "status" choice set would rename the existing
    RoleEnum/StatusEnum components (an ENUM_NAME_OVERRIDES entry in the settings would avoid that)."""
    return {"type": "string", "pattern": f"^({'|'.join(values)})$", "description": f"One of: {', '.join(values)}."}


@extend_schema_field(_one_of(INVITE_ROLES))
class InviteRoleField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=INVITE_ROLES, **kwargs)


@extend_schema_field(_one_of(list(TeamMember.Role.values)))
class TeamRoleField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TeamMember.Role.choices, **kwargs)


IMPORT_STATUSES = ["created", "exists", "error"]


@extend_schema_field(_one_of(IMPORT_STATUSES))
class ImportStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=IMPORT_STATUSES, **kwargs)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise serializers.ValidationError("This field cannot be blank.", code="blank")
    return value.strip()


def _http_url(value: str | None) -> str | None:
    if value and not value.lower().startswith(("https://", "http://")):
        raise serializers.ValidationError("Give an http(s) address.", code="invalid")
    return value


def _json_object(value: object) -> object:
    if not isinstance(value, dict):
        raise serializers.ValidationError("Give a JSON object.", code="invalid")
    return value


class OrganizationSerializer(serializers.ModelSerializer):
    """An organization. The billing and limit columns and ``is_active`` are read-only here (spec 10: only
    platform admins and the system change them, and ``guard_organizations_billing_columns`` enforces it)."""

    slug = serializers.SlugField(max_length=100)
    primary_contact = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True,
                                                         required=False)

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "logo_url", "website", "industry", "company_size", "subscription_tier",
                  "subscription_status", "subscription_expires_at", "max_users", "max_teams", "settings",
                  "metadata", "primary_contact", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "subscription_tier", "subscription_status", "subscription_expires_at",
                            "max_users", "max_teams", "is_active", "created_at", "updated_at"]
        extra_kwargs = {"name": {"max_length": 200}, "logo_url": {"max_length": 2000},
                        "website": {"max_length": 2000}, "industry": {"max_length": 200}}

    validate_name = staticmethod(_not_blank)
    validate_logo_url = staticmethod(_http_url)
    validate_website = staticmethod(_http_url)
    validate_settings = staticmethod(_json_object)
    validate_metadata = staticmethod(_json_object)


class MemberSerializer(serializers.ModelSerializer):
    """A member of an organization: ``role`` is the home-organization role (null when the organization is
    not their home), ``grants`` the org-scoped grants in it that the caller may read."""

    role = serializers.SerializerMethodField()
    grants = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "avatar_url", "job_title", "department", "organization", "role",
                  "grants", "status", "created_at"]
        read_only_fields = fields

    def get_role(self, user: User) -> str | None:
        return user.role if user.organization_id == self.context["organization_id"] else None

    def get_grants(self, user: User) -> list[str]:
        return self.context["grants"].get(user.pk, [])


class MemberInviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=200)
    role = InviteRoleField(default="member")
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    department = serializers.CharField(max_length=200, required=False, allow_blank=True)

    validate_full_name = staticmethod(_not_blank)


class MemberImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A UTF-8 CSV file with the header email,full_name[,role] (1 MB, "
                                           "1000 rows at most).")
    dry_run = serializers.BooleanField(default=False, help_text="Validate every row and write nothing.")


class ImportRowErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    email = serializers.CharField()
    status = ImportStatusField()
    errors = ImportRowErrorSerializer(many=True)


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    exists = serializers.IntegerField()
    errors = serializers.IntegerField()
    rows = ImportRowSerializer(many=True)


class TeamSerializer(serializers.ModelSerializer):
    """A team; its organization is fixed (the hierarchy trigger keeps it), its parent must be a team of
    the same organization without making a cycle (the trigger again)."""

    parent_team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True,
                                                     required=False)

    class Meta:
        model = Team
        fields = ["id", "organization", "name", "description", "parent_team", "settings", "metadata",
                  "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "organization", "created_at", "updated_at"]
        extra_kwargs = {"name": {"max_length": 200}, "description": {"max_length": 5000}}

    validate_name = staticmethod(_not_blank)
    validate_settings = staticmethod(_json_object)
    validate_metadata = staticmethod(_json_object)


class TeamMemberSerializer(WithPeopleSerializer):
    user = PersonField(source="user_id")
    role = TeamRoleField(read_only=True)
    user_id = serializers.UUIDField(read_only=True)

    class Meta(WithPeopleSerializer.Meta):
        model = TeamMember
        fields = ["id", "team", "user_id", "user", "role", "joined_at"]
        read_only_fields = ["id", "team", "user_id", "role", "joined_at"]


class TeamMemberAddSerializer(serializers.Serializer):
    user = serializers.UUIDField()
    role = TeamRoleField(default=TeamMember.Role.MEMBER)


class TeamMemberRoleSerializer(serializers.Serializer):
    role = TeamRoleField()


class UserSerializer(serializers.ModelSerializer):
    """Another user as the caller may see them (no password, preferences or free-form metadata)."""

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "avatar_url", "job_title", "department", "company_name",
                  "timezone", "language", "organization", "role", "status", "email_verified", "created_at"]
        read_only_fields = fields
