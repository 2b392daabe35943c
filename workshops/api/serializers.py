"""Serializers of the workshop endpoints.

Trigger-maintained columns (seats, counters, rating, ``published_at``, a registration's ``price_paid``,
``payment_status``, ``status_changed_at``, ``completed_at``) are read-only; the status changes only through
the action endpoints. ``meeting_url`` and ``materials_url`` are shown only to staff and to registrants with
a confirmed seat (spec 50 §10: row security cannot hide columns); ``total_revenue`` and ``metadata`` only in
the instructor's view of their own workshops.
"""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from humanglue.db import bounds
from organizations.api.people import PeopleListSerializer, PersonField, WithPeopleSerializer
from organizations.enums import AiPillar, CourseDifficulty, RegistrationStatus

from .. import selectors
from ..models import Workshop, WorkshopFeedback, WorkshopRegistration

MAX_PRICE = 99_999_999  # numeric(10,2)
MAX_MINUTES = 100_000
MAX_CAPACITY = 100_000
URL_FIELD = {"max_length": bounds.URL_LENGTH, "allow_null": True, "required": False}
LONG_TEXT = {"max_length": bounds.LONG_TEXT_LENGTH, "allow_null": True, "required": False, "allow_blank": True}
PRIVATE_LINKS = ("meeting_url", "materials_url")


def _http_url(value: str | None) -> str | None:
    if value and not value.lower().startswith(("https://", "http://")):
        raise serializers.ValidationError("Give an http(s) address.", code="invalid")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise serializers.ValidationError("This field may not be blank.", code="blank")
    return value.strip()


def _text_list() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH, allow_blank=False),
        max_length=bounds.ARRAY_ITEMS, required=False)


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, max_value=MAX_PRICE, **kwargs)


# --- the catalog (rows of get_available_workshops) ---------------------------------------------------------


class CatalogQuerySerializer(serializers.Serializer):
    pillar = serializers.ChoiceField(choices=AiPillar.choices, required=False)
    level = serializers.ChoiceField(choices=CourseDifficulty.choices, required=False, help_text="Difficulty.")


class CatalogWorkshopSerializer(serializers.Serializer):
    """An open workshop of the catalog: published, not ended, with a seat left or a waitlist
    (``capacity_remaining = 0``: "join the waitlist"). ``current_price`` is the early-bird price while it
    applies. ``schedule_date``/``schedule_time`` are the start in the workshop's own time zone."""

    id = serializers.UUIDField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    pillar = serializers.ChoiceField(choices=AiPillar.choices)
    level = serializers.ChoiceField(choices=CourseDifficulty.choices)
    format = serializers.CharField()
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()
    timezone = serializers.CharField()
    schedule_date = serializers.DateField()
    # Local wall-clock time (HH:MM:SS) without an offset, so not an OpenAPI "time" (RFC 3339 needs one).
    schedule_time = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    capacity_remaining = serializers.IntegerField()
    waitlist_enabled = serializers.BooleanField()
    waitlist_count = serializers.IntegerField()
    price_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    price_early_bird = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    current_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    is_free = serializers.SerializerMethodField()
    is_featured = serializers.BooleanField()
    thumbnail_url = serializers.CharField(allow_null=True)
    average_satisfaction = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    instructor_name = serializers.CharField(allow_null=True)
    instructor_avatar_url = serializers.CharField(allow_null=True)

    def get_is_free(self, row: dict[str, Any]) -> bool:
        return row["current_price"] == 0


# --- one workshop ------------------------------------------------------------------------------------------

PUBLIC_FIELDS = [
    "id", "title", "slug", "description", "pillar", "level", "format", "location", "meeting_url", "start_time",
    "end_time", "timezone", "duration_minutes", "capacity_total", "capacity_remaining", "waitlist_enabled",
    "waitlist_count", "enrolled_count", "attended_count", "price_amount", "price_early_bird",
    "early_bird_deadline", "current_price", "currency", "status", "is_featured", "published_at", "outcomes",
    "prerequisites", "tags", "syllabus", "thumbnail_url", "video_url", "materials_url", "recording_url",
    "average_satisfaction", "feedback_count", "certificate_enabled", "certificate_template_url", "instructor",
    "organization", "created_at", "updated_at",
]


class OwnRegistrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkshopRegistration
        fields = ["id", "status", "payment_status", "price_paid", "registered_at"]
        read_only_fields = fields


class WorkshopDetailSerializer(WithPeopleSerializer):
    """One workshop as the caller may read it, with the caller's own registration (null when none)."""

    instructor = PersonField(source="instructor_id")
    current_price = serializers.SerializerMethodField()
    my_registration = serializers.SerializerMethodField()

    class Meta(WithPeopleSerializer.Meta):
        model = Workshop
        fields = [*PUBLIC_FIELDS, "my_registration"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_current_price(self, workshop: Workshop) -> Any:
        price = selectors.current_price(workshop.pk)
        return None if price is None else f"{price:.2f}"

    @extend_schema_field(OwnRegistrationSerializer(allow_null=True))
    def get_my_registration(self, workshop: Workshop) -> dict[str, Any] | None:
        registration = self.context.get("my_registration")
        return OwnRegistrationSerializer(registration).data if registration is not None else None

    def to_representation(self, workshop: Workshop) -> dict[str, Any]:
        data = super().to_representation(workshop)
        if not self.context.get("private_links"):
            for field in PRIVATE_LINKS:
                data[field] = None
        return data


class InstructorWorkshopSerializer(WithPeopleSerializer):
    """The instructor's view of their own workshop: every column, revenue and metadata included."""

    instructor = PersonField(source="instructor_id")

    class Meta(WithPeopleSerializer.Meta):
        model = Workshop
        fields = [*[f for f in PUBLIC_FIELDS if f != "current_price"], "total_revenue", "metadata"]
        read_only_fields = fields


class WorkshopWriteSerializer(serializers.ModelSerializer):
    """What an instructor writes on their workshop (create and partial update). ``organization`` defaults
    to the instructor's own on create; null makes the workshop independent. The status changes through
    ``publish/`` and ``cancel/``; ``is_featured`` is a platform admin's (admin site)."""

    title = serializers.CharField(max_length=bounds.NAME_LENGTH)
    slug = serializers.RegexField(bounds.SLUG_PATTERN, max_length=bounds.SLUG_LENGTH, required=False)
    description = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False, allow_blank=True)
    location = serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH, allow_null=True, required=False,
                                     allow_blank=True)
    meeting_url = serializers.CharField(**URL_FIELD)
    timezone = serializers.CharField(max_length=bounds.TIMEZONE_LENGTH, required=False,
                                     help_text="An IANA time zone name, e.g. Europe/Paris.")
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_MINUTES, required=False,
                                                help_text="Defaults to end_time - start_time.")
    capacity_total = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    price_amount = _money(required=False)
    price_early_bird = _money(required=False, allow_null=True)
    currency = serializers.RegexField(bounds.CURRENCY_PATTERN, required=False)
    outcomes = _text_list()
    prerequisites = _text_list()
    tags = _text_list()
    syllabus = serializers.JSONField(required=False)
    thumbnail_url = serializers.CharField(**URL_FIELD)
    video_url = serializers.CharField(**URL_FIELD)
    materials_url = serializers.CharField(**URL_FIELD)
    recording_url = serializers.CharField(**URL_FIELD)
    certificate_template_url = serializers.CharField(**URL_FIELD)
    organization = serializers.UUIDField(allow_null=True, required=False)

    class Meta:
        model = Workshop
        fields = ["title", "slug", "description", "pillar", "level", "format", "location", "meeting_url",
                  "start_time", "end_time", "timezone", "duration_minutes", "capacity_total", "waitlist_enabled",
                  "price_amount", "price_early_bird", "early_bird_deadline", "currency", "outcomes",
                  "prerequisites", "tags", "syllabus", "thumbnail_url", "video_url", "materials_url",
                  "recording_url", "certificate_enabled", "certificate_template_url", "organization"]

    validate_title = staticmethod(_not_blank)
    validate_meeting_url = staticmethod(_http_url)
    validate_thumbnail_url = staticmethod(_http_url)
    validate_video_url = staticmethod(_http_url)
    validate_materials_url = staticmethod(_http_url)
    validate_recording_url = staticmethod(_http_url)
    validate_certificate_template_url = staticmethod(_http_url)

    def validate_syllabus(self, value: Any) -> Any:
        if not isinstance(value, list):
            raise serializers.ValidationError("Give a list of sections.", code="invalid")
        if len(json.dumps(value, ensure_ascii=False).encode()) > bounds.JSON_CONTENT_BYTES:
            raise serializers.ValidationError(f"At most {bounds.JSON_CONTENT_BYTES} bytes.", code="max_length")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # What one request can tell; across a partial update the database's CHECKs answer (400 too).
        start, end = attrs.get("start_time"), attrs.get("end_time")
        if start and end and end <= start:
            raise serializers.ValidationError({"end_time": "The end must be after the start."}, code="invalid")
        return attrs


# --- registrations -----------------------------------------------------------------------------------------


class WorkshopSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Workshop
        fields = ["id", "title", "slug", "status", "format", "start_time", "end_time", "timezone"]
        read_only_fields = fields


class RegistrationListSerializer(PeopleListSerializer):
    """Loads the people and the visible workshops of the page in one query each."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context.setdefault("workshops", {}).update(
            selectors.workshops_by_id(item.workshop_id for item in items))
        return super().to_representation(items)


class RegistrationSerializer(WithPeopleSerializer):
    """A registration: its place (``registered`` with ``payment_status='pending'`` is a held seat awaiting
    payment), attendance, and the workshop (null when the reader may not see it)."""

    user = PersonField(source="user_id")
    workshop = serializers.SerializerMethodField()

    class Meta(WithPeopleSerializer.Meta):
        model = WorkshopRegistration
        list_serializer_class = RegistrationListSerializer
        fields = ["id", "workshop", "user", "organization", "status", "status_changed_at", "price_paid",
                  "payment_status", "payment", "attendance_duration_minutes", "attendance_percentage",
                  "completed_at", "certificate", "registered_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(WorkshopSummarySerializer(allow_null=True))
    def get_workshop(self, registration: WorkshopRegistration) -> dict[str, Any] | None:
        workshops = self.context.setdefault("workshops", {})
        if registration.workshop_id not in workshops:
            workshops.update(selectors.workshops_by_id([registration.workshop_id]))
        workshop = workshops.get(registration.workshop_id)
        return WorkshopSummarySerializer(workshop).data if workshop is not None else None


class PaymentRequestSerializer(serializers.Serializer):
    """What the client sends to ``POST /api/v1/payments/`` to pay for a held seat."""

    payment_type = serializers.CharField(default="workshop")
    item_id = serializers.UUIDField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()


class RegisterResultSerializer(RegistrationSerializer):
    """The registration as the database admitted it. ``payment_required``: the seat is held until the
    payment completes (or the hold expires); ``payment_request`` is the body for ``POST /api/v1/payments/``.
    ``waitlist_position``: the 1-based place in line when waitlisted."""

    payment_required = serializers.SerializerMethodField()
    payment_request = serializers.SerializerMethodField()
    waitlist_position = serializers.SerializerMethodField()

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "payment_required", "payment_request", "waitlist_position"]
        read_only_fields = fields

    def get_payment_required(self, registration: WorkshopRegistration) -> bool:
        return registration.status == RegistrationStatus.REGISTERED and registration.payment_status == "pending"

    @extend_schema_field(PaymentRequestSerializer(allow_null=True))
    def get_payment_request(self, registration: WorkshopRegistration) -> dict[str, Any] | None:
        if not self.get_payment_required(registration):
            return None
        currency = Workshop.objects.filter(pk=registration.workshop_id).values_list("currency", flat=True).first()
        return {"payment_type": "workshop", "item_id": str(registration.workshop_id),
                "amount": f"{registration.price_paid:.2f}", "currency": currency or "USD"}

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_waitlist_position(self, registration: WorkshopRegistration) -> int | None:
        return selectors.waitlist_position(registration)


class HistoryQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RegistrationStatus.choices, required=False)
    user = serializers.UUIDField(required=False, help_text="Another user's history: an admin of their "
                                                           "organization or a platform admin. Default: the caller.")


class HistoryRowSerializer(serializers.Serializer):
    """A row of ``get_user_workshop_history``: one registration of the user with its workshop."""

    registration_id = serializers.UUIDField()
    workshop_id = serializers.UUIDField()
    workshop_title = serializers.CharField()
    workshop_status = serializers.CharField()
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    registered_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    price_paid = serializers.DecimalField(max_digits=10, decimal_places=2)
    payment_status = serializers.CharField(allow_null=True)
    waitlist_position = serializers.IntegerField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True, help_text="The feedback's overall satisfaction.")
    certificate_id = serializers.UUIDField(allow_null=True)


class AttendanceSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW])
    attendance_duration_minutes = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES, required=False)
    attendance_percentage = serializers.IntegerField(min_value=0, max_value=100, required=False)


# --- feedback ----------------------------------------------------------------------------------------------


class FeedbackSerializer(serializers.ModelSerializer):
    """The attendee's survey: ``overall_satisfaction`` 1-5 (required on create), the other ratings 1-5,
    ``nps_score`` 0-10."""

    overall_satisfaction = serializers.IntegerField(min_value=1, max_value=5)
    content_rating = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    delivery_rating = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    interaction_rating = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    nps_score = serializers.IntegerField(min_value=0, max_value=10, allow_null=True, required=False)
    what_went_well = serializers.CharField(**LONG_TEXT)
    what_could_improve = serializers.CharField(**LONG_TEXT)
    would_recommend = serializers.BooleanField(allow_null=True, required=False)

    class Meta:
        model = WorkshopFeedback
        fields = ["id", "registration", "workshop", "user", "overall_satisfaction", "content_rating",
                  "delivery_rating", "interaction_rating", "what_went_well", "what_could_improve",
                  "would_recommend", "nps_score", "submitted_at", "updated_at"]
        read_only_fields = ["id", "registration", "workshop", "user", "submitted_at", "updated_at"]
