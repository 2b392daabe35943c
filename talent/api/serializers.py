"""Serializers of the talent marketplace (``/api/v1/talent/``, ``engagements/``, ``consultations/``).

Trigger-maintained columns (rating, review_count, total_sessions, hours_used, the payment mirrors), the
prices (the expert's rate snapshot, a booking's amount) and statuses (moved by the action endpoints only)
are read-only. ``consultations.expert_notes`` is private to the expert: the database lets the client read
the row and so the column, so the serializer leaves it out for anyone but the expert and platform admins.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
import zoneinfo
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from humanglue.db import bounds
from instructors.api.portal_serializers import EnumListField
from organizations.api.people import PersonField, WithPeopleSerializer
from organizations.enums import AiPillar

from ..models import (
    TRANSFORMATION_STAGES,
    Availability,
    CancellationReason,
    CoachingStyle,
    Consultation,
    EngagementRequest,
    SessionType,
    TalentProfile,
)

MAX_MONEY = Decimal("99999999.99")  # numeric(10,2)
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _http_url(value: str | None) -> str | None:
    if value and not value.lower().startswith(("https://", "http://")):
        raise serializers.ValidationError("Give an http(s) address.", code="invalid")
    return value


def _text_list(max_length: int = bounds.ARRAY_ITEMS, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH),
                                 max_length=max_length, required=False, **kwargs)


def _json_size(value: Any, limit: int = bounds.JSON_BYTES) -> Any:
    if len(json.dumps(value, ensure_ascii=False, default=str).encode()) > limit:
        raise serializers.ValidationError(f"At most {limit} bytes.", code="max_length")
    return value


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=10, decimal_places=2, max_value=MAX_MONEY, **kwargs)


# --- profiles ------------------------------------------------------------------------------------------------

PROFILE_PUBLIC_FIELDS = [
    "id", "user", "title", "tagline", "bio", "location", "timezone", "expertise", "certifications", "languages",
    "pillars", "transformation_success_rate", "behavior_change_score", "client_retention_rate",
    "cultures_transformed", "years_experience", "clients_transformed", "employees_reframed", "industries",
    "transformation_stages", "coaching_style", "rating", "review_count", "total_sessions", "availability",
    "accepting_clients", "hourly_rate", "currency", "min_engagement_hours", "max_hours_per_week",
    "session_duration_minutes", "buffer_minutes", "booking_advance_days", "weekly_availability", "testimonials",
    "avatar_url", "video_intro_url", "is_public", "created_at", "updated_at",
]
MAINTAINED = ["id", "user", "rating", "review_count", "total_sessions", "created_at", "updated_at"]


class TalentListSerializer(WithPeopleSerializer):
    """A marketplace entry."""

    user = PersonField(source="user_id")
    pillars = EnumListField(child=serializers.ChoiceField(choices=AiPillar.choices))

    class Meta(WithPeopleSerializer.Meta):
        model = TalentProfile
        fields = ["id", "user", "title", "tagline", "location", "expertise", "industries", "pillars",
                  "years_experience", "coaching_style", "rating", "review_count", "total_sessions", "availability",
                  "accepting_clients", "hourly_rate", "currency", "session_duration_minutes", "avatar_url"]
        read_only_fields = fields


class TalentProfileSerializer(WithPeopleSerializer):
    """An expert's public profile."""

    user = PersonField(source="user_id")
    pillars = EnumListField(child=serializers.ChoiceField(choices=AiPillar.choices))

    class Meta(WithPeopleSerializer.Meta):
        model = TalentProfile
        fields = PROFILE_PUBLIC_FIELDS
        read_only_fields = fields


class OwnTalentProfileSerializer(TalentProfileSerializer):
    """The expert's own profile: the public one plus ``metadata``."""

    class Meta(TalentProfileSerializer.Meta):
        fields = [*PROFILE_PUBLIC_FIELDS, "metadata"]
        read_only_fields = fields


class WeeklySlotSerializer(serializers.Serializer):
    day_of_week = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Sunday.")
    start_time = serializers.RegexField(TIME, help_text="HH:MM in the profile's timezone.")
    end_time = serializers.RegexField(TIME, help_text="HH:MM, after start_time.")
    is_active = serializers.BooleanField(default=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end_time"] <= attrs["start_time"]:
            raise serializers.ValidationError({"end_time": "Must be after start_time."}, code="invalid")
        return attrs


class TestimonialSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False, help_text="Kept when given; a new testimonial gets one.")
    client_name = serializers.CharField(max_length=bounds.NAME_LENGTH)
    client_company = serializers.CharField(max_length=bounds.NAME_LENGTH)
    client_title = serializers.CharField(max_length=bounds.NAME_LENGTH, required=False, allow_null=True)
    quote = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH)
    metric = serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH, required=False, allow_null=True)
    transformation_area = serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH, required=False,
                                                allow_null=True)
    verified = serializers.BooleanField(default=False, help_text="Only a platform admin may set it to true.")
    is_featured = serializers.BooleanField(default=False)
    display_order = serializers.IntegerField(default=0, min_value=0, max_value=10_000)
    created_at = serializers.DateTimeField(required=False)


def _whole_items(serializer_class: type[serializers.Serializer], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate each item as a whole: under a partial (PATCH) root DRF treats nested fields as optional and
    skips their defaults, but a testimonial or a slot is always written complete."""
    errors, cleaned = [], []
    for item in items:
        form = serializer_class(data=item)
        errors.append({} if form.is_valid() else form.errors)
        cleaned.append(dict(form.validated_data) if not errors[-1] else {})
    if any(errors):
        raise serializers.ValidationError(errors)
    return cleaned


class TalentProfileWriteSerializer(serializers.ModelSerializer):
    """The columns an expert writes on their own profile (spec 60). Figures kept by the database (rating,
    review_count, total_sessions, search_vector) are not here."""

    tagline = serializers.CharField(min_length=10, max_length=200, required=False)
    bio = serializers.CharField(min_length=50, max_length=2000, required=False)
    title = serializers.CharField(max_length=bounds.NAME_LENGTH, allow_null=True, required=False)
    location = serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH, allow_null=True, required=False)
    timezone = serializers.CharField(max_length=bounds.TIMEZONE_LENGTH, required=False,
                                     help_text="An IANA zone name, e.g. Europe/Paris.")
    expertise = _text_list()
    certifications = _text_list()
    languages = _text_list()
    industries = _text_list()
    pillars = EnumListField(child=serializers.ChoiceField(choices=AiPillar.choices),
                            max_length=len(AiPillar.choices), required=False)
    transformation_stages = serializers.ListField(child=serializers.ChoiceField(choices=TRANSFORMATION_STAGES),
                                                  max_length=len(TRANSFORMATION_STAGES), required=False)
    coaching_style = serializers.ChoiceField(choices=CoachingStyle.choices, allow_null=True, required=False)
    availability = serializers.ChoiceField(choices=Availability.choices, required=False)
    hourly_rate = _money(min_value=Decimal("0"), required=False)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, help_text="ISO 4217, upper case.")
    weekly_availability = WeeklySlotSerializer(many=True, required=False, max_length=7 * 48)
    testimonials = TestimonialSerializer(many=True, required=False, max_length=100)
    avatar_url = serializers.CharField(max_length=bounds.URL_LENGTH, allow_null=True, required=False,
                                       validators=[_http_url])
    video_intro_url = serializers.CharField(max_length=bounds.URL_LENGTH, allow_null=True, required=False,
                                            validators=[_http_url])
    metadata = serializers.DictField(required=False, validators=[_json_size])

    class Meta:
        model = TalentProfile
        fields = ["title", "tagline", "bio", "location", "timezone", "expertise", "certifications", "languages",
                  "pillars", "transformation_success_rate", "behavior_change_score", "client_retention_rate",
                  "cultures_transformed", "years_experience", "clients_transformed", "employees_reframed",
                  "industries", "transformation_stages", "coaching_style", "availability", "accepting_clients",
                  "hourly_rate", "currency", "min_engagement_hours", "max_hours_per_week",
                  "session_duration_minutes", "buffer_minutes", "booking_advance_days", "weekly_availability",
                  "testimonials", "avatar_url", "video_intro_url", "is_public", "metadata"]
        extra_kwargs = {
            "cultures_transformed": {"max_value": 2**31 - 1},
            "clients_transformed": {"max_value": 2**31 - 1},
            "employees_reframed": {"max_value": 2**31 - 1},
            "min_engagement_hours": {"max_value": 10_000},
            "session_duration_minutes": {"max_value": 24 * 60},
            "buffer_minutes": {"max_value": 24 * 60},
            "booking_advance_days": {"max_value": 365},
        }

    def _not_blank(self, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value.strip() if value is not None else None

    def validate_tagline(self, value: str) -> str:
        value = self._not_blank(value)
        if len(value) < 10:
            raise serializers.ValidationError("At least 10 characters.", code="min_length")
        return value

    def validate_bio(self, value: str) -> str:
        value = self._not_blank(value)
        if len(value) < 50:
            raise serializers.ValidationError("At least 50 characters.", code="min_length")
        return value

    def validate_title(self, value: str | None) -> str | None:
        return self._not_blank(value)

    def validate_timezone(self, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise serializers.ValidationError("Not a known IANA time zone.", code="invalid_timezone") from exc
        return value

    def _unique_texts(self, value: list[str]) -> list[str]:
        items = [item.strip() for item in value]
        if not all(items):
            raise serializers.ValidationError("An item cannot be blank.", code="blank")
        if len("".join(items).encode()) > bounds.ARRAY_BYTES:
            raise serializers.ValidationError(f"At most {bounds.ARRAY_BYTES} bytes in all.", code="max_length")
        return list(dict.fromkeys(items))

    validate_expertise = validate_certifications = validate_languages = validate_industries = _unique_texts

    def validate_pillars(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate_transformation_stages(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate_weekly_availability(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        value = _whole_items(WeeklySlotSerializer, value)
        starts = [(slot["day_of_week"], slot["start_time"]) for slot in value]
        if len(starts) != len(set(starts)):
            raise serializers.ValidationError("Two slots share a day and start time.", code="duplicate_slot")
        return value

    def validate_testimonials(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        now = datetime.datetime.now(datetime.UTC)
        stored = []
        for item in _whole_items(TestimonialSerializer, value):
            item["id"] = str(item.get("id") or uuid.uuid4())
            item["created_at"] = (item.get("created_at") or now).isoformat()
            stored.append(item)
        return _json_size(stored)

    def validate_metadata(self, value: dict[str, Any]) -> dict[str, Any]:
        return _json_size(value)


# --- engagements ---------------------------------------------------------------------------------------------


class EngagementSerializer(WithPeopleSerializer):
    """One engagement request with its parties (a party the caller may not name is null)."""

    client = PersonField(source="client_id")
    expert = PersonField(source="expert_id")
    total_amount = serializers.SerializerMethodField(
        help_text="hours_total x hourly_rate: what paying for the engagement costs (spec 60 flow step 2).")

    class Meta(WithPeopleSerializer.Meta):
        model = EngagementRequest
        fields = ["id", "client", "expert", "organization", "title", "description", "focus_area",
                  "initial_message", "timeline", "hours_total", "hours_used", "hourly_rate", "currency",
                  "total_amount", "status", "payment", "payment_status", "responded_at", "start_date", "end_date",
                  "estimated_completion_date", "deliverables", "milestones", "outcomes",
                  "client_satisfaction_score", "created_at", "updated_at", "completed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_total_amount(self, engagement: EngagementRequest) -> str:
        return str((engagement.hours_total * engagement.hourly_rate).quantize(Decimal("0.01")))


class EngagementCreateSerializer(serializers.Serializer):
    expert = serializers.UUIDField(help_text="The expert's user id (a public profile that accepts clients).")
    focus_area = serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH)
    hours_total = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"),
                                           max_value=Decimal("10000"), help_text="Hours requested.")
    title = serializers.CharField(max_length=bounds.NAME_LENGTH, required=False)
    description = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False)
    initial_message = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False)
    timeline = serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH, required=False)
    organization = serializers.UUIDField(required=False, allow_null=True,
                                         help_text="Default: the client's organization.")

    def validate_focus_area(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value.strip()

    def validate_title(self, value: str) -> str:
        return self.validate_focus_area(value)


class EngagementUpdateSerializer(serializers.Serializer):
    """Each party's columns: the client's request while pending, the expert's delivery (dates,
    deliverables, milestones, outcomes). The database refuses a column that is not the caller's."""

    title = serializers.CharField(max_length=bounds.NAME_LENGTH, required=False, allow_null=True)
    description = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False, allow_null=True)
    focus_area = serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH, required=False)
    initial_message = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False, allow_null=True)
    timeline = serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH, required=False, allow_null=True)
    hours_total = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"),
                                           max_value=Decimal("10000"), required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    estimated_completion_date = serializers.DateField(required=False, allow_null=True)
    deliverables = serializers.ListField(child=serializers.JSONField(), required=False, max_length=200,
                                         validators=[_json_size])
    milestones = serializers.ListField(child=serializers.JSONField(), required=False, max_length=200,
                                       validators=[_json_size])
    outcomes = serializers.DictField(required=False, validators=[_json_size])

    def validate_focus_area(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value.strip()

    def validate_title(self, value: str | None) -> str | None:
        return None if value is None else self.validate_focus_area(value)


class RatingSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)


class EngagementSummarySerializer(serializers.Serializer):
    total_engagements = serializers.IntegerField()
    active_engagements = serializers.IntegerField()
    total_hours_purchased = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_hours_used = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_spent = serializers.DecimalField(max_digits=14, decimal_places=2)


# --- consultations -------------------------------------------------------------------------------------------


class ConsultationSerializer(WithPeopleSerializer):
    """One session. ``expert_notes`` appears only for the session's expert and platform admins."""

    client = PersonField(source="user_id")
    expert = PersonField(source="expert_id")
    # Not read-only on purpose: the schema must not mark it required, since other callers never get it.
    expert_notes = serializers.CharField(required=False, allow_null=True,
                                         help_text="Private to the expert: absent for anyone else.")

    class Meta(WithPeopleSerializer.Meta):
        model = Consultation
        fields = ["id", "client", "expert", "organization", "engagement_request", "status", "session_type", "title",
                  "description", "topics", "pillar", "scheduled_start", "scheduled_end", "actual_start",
                  "actual_end", "duration_minutes", "meeting_url", "meeting_notes", "action_items",
                  "cancellation_reason", "amount", "currency", "payment", "payment_status", "user_rating",
                  "user_feedback", "expert_notes", "created_at", "updated_at"]
        read_only_fields = [f for f in fields if f != "expert_notes"]

    def to_representation(self, instance: Consultation) -> dict[str, Any]:
        data = super().to_representation(instance)
        viewer = self.context.get("viewer_id")
        if not (self.context.get("is_admin") or (viewer is not None and viewer == instance.expert_id)):
            data.pop("expert_notes", None)
        return data


class ConsultationBookSerializer(serializers.Serializer):
    expert = serializers.UUIDField(required=False, help_text="The expert's user id (standalone booking).")
    engagement_request = serializers.UUIDField(
        required=False, help_text="A session of the caller's active engagement instead (billed through its hours).")
    pillar = serializers.ChoiceField(choices=AiPillar.choices)
    scheduled_start = serializers.DateTimeField()
    scheduled_end = serializers.DateTimeField(
        required=False, help_text="Default: start + the expert's session_duration_minutes.")
    session_type = serializers.ChoiceField(choices=SessionType.choices, required=False)
    title = serializers.CharField(max_length=bounds.NAME_LENGTH, required=False)
    description = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False)
    topics = _text_list()
    organization = serializers.UUIDField(required=False, allow_null=True,
                                         help_text="Default: the client's organization.")

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value.strip()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("expert" in attrs) == ("engagement_request" in attrs):
            raise serializers.ValidationError("Give either expert or engagement_request.", code="invalid")
        end = attrs.get("scheduled_end")
        if end is not None and end <= attrs["scheduled_start"]:
            raise serializers.ValidationError({"scheduled_end": "Must be after scheduled_start."}, code="invalid")
        if end is not None and end - attrs["scheduled_start"] > datetime.timedelta(hours=24):
            raise serializers.ValidationError({"scheduled_end": "A session lasts at most 24 hours."}, code="invalid")
        return attrs


class ConsultationUpdateSerializer(serializers.Serializer):
    """Each party's columns: the client's request (title, description, topics) while requested; the expert's
    session record and private notes. The database refuses a column that is not the caller's."""

    title = serializers.CharField(max_length=bounds.NAME_LENGTH, required=False, allow_null=True)
    description = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False, allow_null=True)
    topics = _text_list()
    meeting_url = serializers.CharField(max_length=bounds.URL_LENGTH, required=False, allow_null=True,
                                        validators=[_http_url])
    meeting_notes = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False, allow_null=True)
    action_items = serializers.ListField(child=serializers.JSONField(), required=False, max_length=200,
                                         validators=[_json_size])
    expert_notes = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False, allow_null=True)

    def validate_title(self, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value.strip() if value is not None else None


class RescheduleSerializer(serializers.Serializer):
    scheduled_start = serializers.DateTimeField()
    scheduled_end = serializers.DateTimeField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["scheduled_end"] <= attrs["scheduled_start"]:
            raise serializers.ValidationError({"scheduled_end": "Must be after scheduled_start."}, code="invalid")
        if attrs["scheduled_end"] - attrs["scheduled_start"] > datetime.timedelta(hours=24):
            raise serializers.ValidationError({"scheduled_end": "A session lasts at most 24 hours."}, code="invalid")
        return attrs


class ScheduleSerializer(serializers.Serializer):
    meeting_url = serializers.CharField(max_length=bounds.URL_LENGTH, required=False, allow_null=True,
                                        validators=[_http_url])


class CancelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[c for c in CancellationReason.choices if c[0] != CancellationReason.PAYMENT_FAILED],
        required=False,
        help_text="The client's is client_cancelled (the default for them); the expert's expert_cancelled "
                  "(default), no_show or other.")


class CompleteSerializer(serializers.Serializer):
    actual_start = serializers.DateTimeField(required=False)
    actual_end = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False,
                                                help_text="Billable minutes; default: the session's span.")
    meeting_notes = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False)
    action_items = serializers.ListField(child=serializers.JSONField(), required=False, max_length=200,
                                         validators=[_json_size])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("actual_start"), attrs.get("actual_end")
        if start and end and end < start:
            raise serializers.ValidationError({"actual_end": "Must not be before actual_start."}, code="invalid")
        return attrs


class ConsultationRatingSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    feedback = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False)
