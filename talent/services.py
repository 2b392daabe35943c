"""Writes of the talent marketplace that carry business rules (keyword-only arguments; spec 60).

Everything runs under the caller's rights: the policies decide who may write which row and the guards of
talent/0005 (``protect_engagement_request_maintained``, ``protect_consultation_payment_mirror``) decide
which columns and which status moves each party may write; the exclusion constraint refuses a double
booking. These functions only check first what they can explain better than a bare refusal, asking the
database's own move tables (``selectors.engagement_movers``): a move that is not part of the lifecycle
is a 400 ``invalid_status_transition``, a move by the wrong party a 403 ``status_transition_forbidden``,
a rating before completion a 400 ``rating_requires_completion`` (conventions §10: 23514 is a 400). The
prices are never the client's: the guards copy the expert's rate and compute a booking's amount. Payment is
the payments app's; its completion (system context) makes an engagement active.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions, status

from humanglue.db.errors import classify
from organizations.models import User

from . import selectors
from .models import Consultation, EngagementRequest, TalentProfile

# Reasons the database gives (CONSTRAINT field) that the API answers as conflicts with the row's state.
STATE_REASONS = {"invalid_status_transition", "rating_requires_completion", "engagement_not_active"}
DOUBLE_BOOKING_CONSTRAINT = "consultations_no_double_booking_excl"

NOT_A_PARTY = "Only the {what}'s {who} may do this."
NOT_BOOKABLE = "This expert has no public profile that accepts clients."
SELF_BOOKING = "You cannot book yourself."
FOREIGN_ORGANIZATION = "You can only attach a request to an organization you belong to."
DOUBLE_BOOKED = "The expert already has a scheduled session overlapping this time."
TOO_CLOSE = "The expert needs {minutes} minutes between sessions; this time is too close to another session."
ALREADY_RATED = "This {what} has already been rated."
NOT_IN_FUTURE = "A session must start in the future."


class TalentError(exceptions.APIException):
    """A rule of the marketplace refused the request; ``code`` is stable, ``status_code`` says why (403 not
    this caller's to do, 400 the row's state does not allow it, 409 a conflict with other rows)."""

    def __init__(self, detail: str, *, code: str, status_code: int | None = None) -> None:
        # A state the row's lifecycle does not allow is what the guards raise as 23514: 400, as conventions §10
        # map it, whether this code checks first or the database refuses; other conflicts are 409.
        if status_code is None:
            status_code = status.HTTP_400_BAD_REQUEST if code in STATE_REASONS else status.HTTP_409_CONFLICT
        self.status_code = status_code
        super().__init__(detail=detail, code=code)


def _invalid(field: str, message: str, code: str = "invalid") -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [exceptions.ErrorDetail(message, code=code)]})


@contextmanager
def _database_refusals() -> Iterator[None]:
    """The guards' state refusals as 400s with their reason, and the double-booking exclusion as a 409 that
    says what happened; every other refusal goes to the platform's mapping unchanged."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        refusal = classify(exc)
        if refusal is not None and refusal.code in STATE_REASONS:
            raise TalentError(refusal.detail, code=refusal.code) from exc
        if refusal is not None and refusal.code == DOUBLE_BOOKING_CONSTRAINT:
            raise TalentError(DOUBLE_BOOKED, code="double_booking") from exc
        raise


def _move(*, movers: list[str] | None, parties: list[str], old: str, new: str, what: str) -> None:
    if movers is None:
        raise TalentError(f"A{'n' if what[0] in 'ae' else ''} {what} cannot go from {old} to {new}.",
                          code="invalid_status_transition")
    if not set(movers) & set(parties):
        who = " or ".join(m for m in movers if m != "admin") or "platform admins"
        raise TalentError(f"Only the {what}'s {who} may move it from {old} to {new}.",
                          code="status_transition_forbidden", status_code=status.HTTP_403_FORBIDDEN)


def _update(model: type[Any], pk: UUID, changes: dict[str, Any]) -> Any:
    with _database_refusals():
        model.objects.filter(pk=pk).update(**changes)
    return model.objects.get(pk=pk)


def _organization(user: User, data: dict[str, Any]) -> UUID | None:
    """The request's organization: the one given (the caller must belong to it), else the caller's own."""
    if "organization" in data:
        organization_id = data.pop("organization")
        if organization_id is not None and not selectors.caller_is_org_member(organization_id):
            raise _invalid("organization", FOREIGN_ORGANIZATION, "foreign_organization")
        return organization_id
    return user.organization_id


# --- profiles ------------------------------------------------------------------------------------------------


def _attested(testimonial: dict[str, Any]) -> dict[str, Any]:
    """What a verification vouches for: the words and who said them (not the display flags)."""
    return {k: testimonial.get(k) for k in ("client_name", "client_company", "client_title", "quote", "metric",
                                            "transformation_area")}


def profile_update(*, profile: TalentProfile, data: dict[str, Any], is_admin: bool) -> TalentProfile:
    """The expert's own columns (the serializer lists them). A testimonial's ``verified`` flag may be set
    only by a platform admin (spec 60, DESIGNED): an expert may keep an admin-verified testimonial (same id,
    same words), never verify a new or changed one."""
    if "testimonials" in data and not is_admin:
        verified = {str(t.get("id")): _attested(t) for t in profile.testimonials
                    if isinstance(t, dict) and t.get("verified")}
        for index, testimonial in enumerate(data["testimonials"]):
            if testimonial.get("verified") and verified.get(str(testimonial.get("id"))) != _attested(testimonial):
                raise _invalid(f"testimonials.{index}.verified",
                               "Only a platform admin may mark a testimonial as verified.", "verification_forbidden")
    for field, value in data.items():
        setattr(profile, field, value)
    if data:
        with _database_refusals():
            profile.save(update_fields=list(data))
    return TalentProfile.objects.get(pk=profile.pk)


# --- engagement requests -------------------------------------------------------------------------------------


def engagement_request(*, user: User, data: dict[str, Any]) -> EngagementRequest:
    """The client asks an expert for a block of hours. The rate and currency are the expert's profile's (the
    guard snapshots them, whatever is sent); the request starts pending."""
    data = dict(data)
    expert_id: UUID = data.pop("expert")
    if expert_id == user.pk:
        raise _invalid("expert", SELF_BOOKING, "self_request")
    profile = selectors.bookable_profile(expert_id)
    if profile is None:
        raise _invalid("expert", NOT_BOOKABLE, "expert_not_bookable")
    organization_id = _organization(user, data)
    engagement = EngagementRequest(client_id=user.pk, expert_id=expert_id, organization_id=organization_id,
                                   hourly_rate=profile.hourly_rate, currency=profile.currency, **data)
    with _database_refusals():
        engagement.save()
    return EngagementRequest.objects.get(pk=engagement.pk)


def _locked_engagement(engagement: EngagementRequest) -> EngagementRequest:
    # Visible (the view 404s otherwise) and lockable only by a party with an UPDATE policy; an org admin
    # who reads but may not write gets the party check's 403 first.
    return EngagementRequest.objects.select_for_update().filter(pk=engagement.pk).first() or engagement


def engagement_move(*, engagement: EngagementRequest, user: User, to: str,
                    only_from: tuple[str, ...] | None = None) -> EngagementRequest:
    """One move of the lifecycle (accept, decline, pause, resume, complete, cancel) by its party.
    ``only_from`` narrows an action to the statuses it is named for (resume: paused -> active, while
    pending -> active is the payment's move)."""
    party = selectors.parties(user_id=user.pk, client_id=engagement.client_id, expert_id=engagement.expert_id)
    if not party:
        raise TalentError(NOT_A_PARTY.format(what="engagement", who="client or expert"),
                          code="not_engagement_party", status_code=status.HTTP_403_FORBIDDEN)
    current = _locked_engagement(engagement)
    movers = selectors.engagement_movers(current.status, to)
    if only_from is not None and current.status not in only_from:
        movers = None
    _move(movers=movers, parties=party, old=current.status, new=to, what="engagement request")
    return _update(EngagementRequest, current.pk, {"status": to})


def engagement_edit(*, engagement: EngagementRequest, user: User, data: dict[str, Any]) -> EngagementRequest:
    """Each party's own columns; the guard refuses another party's column (403 ``restricted_column``) or a
    pinned price (403 ``price_pinned``)."""
    party = selectors.parties(user_id=user.pk, client_id=engagement.client_id, expert_id=engagement.expert_id)
    if not party:
        raise TalentError(NOT_A_PARTY.format(what="engagement", who="client or expert"),
                          code="not_engagement_party", status_code=status.HTTP_403_FORBIDDEN)
    if not data:
        return engagement
    return _update(EngagementRequest, engagement.pk, data)


def engagement_rate(*, engagement: EngagementRequest, user: User, score: int) -> EngagementRequest:
    """The client's satisfaction score (1..5), once, after completion; it feeds the expert's rating."""
    if user.pk != engagement.client_id:
        raise TalentError(NOT_A_PARTY.format(what="engagement", who="client"), code="not_engagement_client",
                          status_code=status.HTTP_403_FORBIDDEN)
    current = _locked_engagement(engagement)
    if current.status != EngagementRequest.Status.COMPLETED:
        raise TalentError("An engagement can be rated only once it is completed.", code="rating_requires_completion")
    if current.client_satisfaction_score is not None:
        raise TalentError(ALREADY_RATED.format(what="engagement"), code="already_rated")
    return _update(EngagementRequest, current.pk, {"client_satisfaction_score": score})


# --- consultations -------------------------------------------------------------------------------------------


def _future(field: str, value: Any) -> None:
    if value <= timezone.now():
        raise _invalid(field, NOT_IN_FUTURE, "not_in_future")


def consultation_book(*, user: User, data: dict[str, Any]) -> Consultation:
    """The client asks for a slot: standalone (priced by the guard at the expert's rate for the booked time)
    or, with ``engagement_request``, a session of their active engagement (billed through its hours). A
    requested slot blocks nothing: the expert schedules one, and the exclusion constraint then refuses an
    overlap."""
    data = dict(data)
    engagement_id: UUID | None = data.pop("engagement_request", None)
    expert_id: UUID | None = data.pop("expert", None)
    _future("scheduled_start", data["scheduled_start"])
    organization_id = _organization(user, data)
    engagement = None
    if engagement_id is not None:
        engagement = EngagementRequest.objects.filter(pk=engagement_id).first()
        if engagement is None:
            raise _invalid("engagement_request", "No engagement request with this id.", "does_not_exist")
        if engagement.client_id != user.pk:
            raise _invalid("engagement_request", "Only the engagement's client books its sessions.",
                           "not_engagement_client")
        if engagement.status != EngagementRequest.Status.ACTIVE:
            raise TalentError("Sessions can be booked only while the engagement is active.",
                              code="engagement_not_active")
        expert_id = engagement.expert_id
        organization_id = engagement.organization_id
    else:
        if expert_id is None:
            raise _invalid("expert", "Name the expert (or an engagement_request).", "required")
        if expert_id == user.pk:
            raise _invalid("expert", SELF_BOOKING, "self_booking")
        if selectors.bookable_profile(expert_id) is None:
            raise _invalid("expert", NOT_BOOKABLE, "expert_not_bookable")
    if data.get("scheduled_end") is None:
        data["scheduled_end"] = data["scheduled_start"] + timedelta(minutes=selectors.session_minutes(expert_id))
    consultation = Consultation(user_id=user.pk, expert_id=expert_id, organization_id=organization_id,
                                engagement_request_id=engagement.pk if engagement else None, **data)
    with _database_refusals():
        consultation.save()
    return Consultation.objects.get(pk=consultation.pk)


def _consultation_parties(consultation: Consultation, user: User) -> list[str]:
    party = selectors.parties(user_id=user.pk, client_id=consultation.user_id, expert_id=consultation.expert_id)
    if not party:
        raise TalentError(NOT_A_PARTY.format(what="consultation", who="client or expert"),
                          code="not_consultation_party", status_code=status.HTTP_403_FORBIDDEN)
    return party


def _locked_consultation(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().filter(pk=consultation.pk).first() or consultation


def _check_buffer(consultation: Consultation, start: Any, end: Any) -> None:
    minutes = selectors.expert_buffer_minutes(consultation.expert_id)
    if minutes and selectors.expert_calendar_conflict(expert_id=consultation.expert_id, start=start, end=end,
                                                      buffer_minutes=minutes, exclude_id=consultation.pk):
        raise TalentError(TOO_CLOSE.format(minutes=minutes), code="booking_buffer_conflict")


def consultation_move(*, consultation: Consultation, user: User, to: str,
                      changes: dict[str, Any] | None = None) -> Consultation:
    """schedule (requested -> scheduled), complete, cancel: the guard checks the rest (the client cancels a
    scheduled session only before it starts; whose cancellation reason)."""
    party = _consultation_parties(consultation, user)
    current = _locked_consultation(consultation)
    _move(movers=selectors.consultation_movers(current.status, to), parties=party, old=current.status, new=to,
          what="consultation")
    changes = dict(changes or {})
    if to == "scheduled":
        _check_buffer(current, current.scheduled_start, current.scheduled_end)
    if to == "completed" and "duration_minutes" not in changes:
        start = changes.get("actual_start") or current.actual_start or current.scheduled_start
        end = changes.get("actual_end") or current.actual_end or current.scheduled_end
        changes["duration_minutes"] = max(1, round((end - start).total_seconds() / 60))
    return _update(Consultation, current.pk, {"status": to, **changes})


def consultation_reschedule(*, consultation: Consultation, user: User, start: Any, end: Any) -> Consultation:
    """New times for a requested or scheduled session (the expert's calendar; the guard refuses anyone else).
    A scheduled session keeps its slot only if the new one is free."""
    _consultation_parties(consultation, user)
    current = _locked_consultation(consultation)
    if current.status not in ("requested", "scheduled"):
        raise TalentError(f"A {current.status} consultation cannot be rescheduled.", code="invalid_status_transition")
    _future("scheduled_start", start)
    if current.status == "scheduled" and selectors.EXPERT in selectors.parties(
            user_id=user.pk, client_id=current.user_id, expert_id=current.expert_id):
        _check_buffer(current, start, end)
    return _update(Consultation, current.pk, {"scheduled_start": start, "scheduled_end": end})


def consultation_update(*, consultation: Consultation, user: User, data: dict[str, Any]) -> Consultation:
    """Each party's own columns (the client's request while requested, the expert's session record and
    private notes); the guard refuses a column that is not the caller's (403 ``restricted_column``)."""
    _consultation_parties(consultation, user)
    if not data:
        return consultation
    return _update(Consultation, consultation.pk, data)


def consultation_rate(*, consultation: Consultation, user: User, rating: int,
                      feedback: str | None) -> Consultation:
    """The client's rating (1..5) and feedback, once, after the session is completed."""
    if user.pk != consultation.user_id:
        raise TalentError(NOT_A_PARTY.format(what="consultation", who="client"), code="not_consultation_client",
                          status_code=status.HTTP_403_FORBIDDEN)
    current = _locked_consultation(consultation)
    if current.status != "completed":
        raise TalentError("A consultation can be rated only once it is completed.",
                          code="rating_requires_completion")
    if current.user_rating is not None:
        raise TalentError(ALREADY_RATED.format(what="consultation"), code="already_rated")
    changes: dict[str, Any] = {"user_rating": rating}
    if feedback is not None:
        changes["user_feedback"] = feedback
    return _update(Consultation, current.pk, changes)
