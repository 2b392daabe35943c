"""Writes of the workshops domain (keyword-only arguments).

Everything runs under the caller's rights. Seats, the waitlist, prices, payment holds, counters and the
feedback's workshop/user are the database's (spec 50 §6: the registration trigger admits or waitlists and
prices, the stats trigger promotes the first waitlisted row); these functions only check first what they
can explain better than a bare refusal (who may act, which transition is legal), write exactly the columns
they change and read the trigger-maintained columns back. Trigger refusals (``workshop_full``,
``workshop_not_open``, ``capacity_below_taken_seats``, ...) reach the client through the API's error
mapping (humanglue/db/errors.py). Payment holds are created here (``registered`` + ``payment_status =
'pending'``, by the trigger) but paid, failed and refunded only by the payments service.

Lock order (spec 50 §6.5): the workshop row first, then registration rows. A registrant may not lock a
workshop row (``SELECT ... FOR UPDATE`` needs an UPDATE policy), so the workshop is locked through
``workshop_admission_state()``, the granted SECURITY DEFINER function the registration trigger itself uses.
A deadlock or serialization failure (40P01/40001) retries the step in a savepoint, up to three times.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from rest_framework import exceptions, status

from humanglue.db.errors import classify
from organizations.enums import PaymentStatus, RegistrationStatus, WorkshopStatus
from organizations.models import User

from . import selectors
from .models import Workshop, WorkshopFeedback, WorkshopRegistration

T = TypeVar("T")
MAX_ATTEMPTS = 3
REGISTRATION_UNIQUE = "workshop_registrations_workshop_id_user_id_key"
FEEDBACK_UNIQUE = ("workshop_feedback_registration_id_key", "workshop_feedback_workshop_id_user_id_key")
SEAT_HOLDING = (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW)

NOT_AN_INSTRUCTOR = "Only instructors (with an instructor profile) may create workshops."
NOT_YOUR_WORKSHOP = "Only the workshop's instructor or a platform admin may do this."
FOREIGN_ORGANIZATION = "You can only attach a workshop to an organization you belong to."
ALREADY_REGISTERED = "You are already registered for this workshop (or on its waitlist)."
NOT_YOUR_REGISTRATION = "Only the registrant, the workshop's instructor or a platform admin may do this."
ONLY_THE_ATTENDEE = "Only the attendee gives feedback on their registration."


class WorkshopRefused(exceptions.APIException):
    """A rule of the workshops domain refused the request; ``code`` is stable, ``status_code`` says why
    (403 not allowed, 409 conflicting state, 400 a status move the lifecycle has not: conventions §10)."""

    def __init__(self, detail: str, *, code: str, status_code: int = status.HTTP_409_CONFLICT) -> None:
        self.status_code = status_code
        super().__init__(detail=detail, code=code)


def _forbidden(detail: str, code: str) -> WorkshopRefused:
    return WorkshopRefused(detail, code=code, status_code=status.HTTP_403_FORBIDDEN)


def _retrying(step: Callable[[], T]) -> T:
    """Run ``step`` in a savepoint; a deadlock or serialization failure rolls it back (its locks too) and
    runs it again, at most MAX_ATTEMPTS times; then the refusal (409) goes to the client."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return step()
        except DatabaseError as exc:
            refusal = classify(exc)
            if refusal is None or not refusal.retryable or attempt == MAX_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _lock_workshop(workshop_id: UUID, registration_id: UUID | None = None) -> None:
    """Take the workshop's row lock before touching registrations (the lock order of spec 50 §6). For
    staff it always locks; for a registrant only while the workshop is open (otherwise nothing is
    admitted or promoted, and the function answers without the lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM public.workshop_admission_state(%s, %s)", [workshop_id, registration_id])


def _save(instance: Any, data: dict[str, Any]) -> Any:
    for field, value in data.items():
        setattr(instance, field, value)
    if data:
        instance.save(update_fields=list(data))
    return instance


def require_teacher(workshop: Workshop) -> None:
    """403 unless the caller is the workshop's instructor or a platform admin (a workshop the caller
    cannot see is a 404 before this)."""
    if not selectors.caller_is_staff(workshop.pk):
        raise _forbidden(NOT_YOUR_WORKSHOP, "not_workshop_instructor")


def _check_organization(organization_id: UUID | None) -> None:
    if organization_id is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT app.is_org_member(%s) OR app.is_platform_admin()", [organization_id])
        member = cursor.fetchone()[0]
    if not member:
        from django.core.exceptions import ValidationError

        raise ValidationError({"organization": ValidationError(FOREIGN_ORGANIZATION, code="foreign_organization")})


# --- workshops (the instructor's side) ---------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = (slugify(title)[:80].strip("-_.") or "workshop")
    return f"{base}-{secrets.token_hex(3)}"


def workshop_create(*, user: User, data: dict[str, Any]) -> Workshop:
    """A draft workshop taught by ``user``; its organization defaults to the instructor's own (null makes
    it an independent workshop). Publishing is a separate step."""
    from instructors.selectors import caller_is_instructor

    if not caller_is_instructor():
        raise _forbidden(NOT_AN_INSTRUCTOR, "not_an_instructor")
    data = dict(data)
    organization_id = data.pop("organization", user.organization_id)
    _check_organization(organization_id)
    if not data.get("slug"):
        data["slug"] = _unique_slug(data["title"])
    workshop = Workshop(**data, instructor_id=user.pk, organization_id=organization_id,
                        status=WorkshopStatus.DRAFT)
    workshop.save()
    workshop.refresh_from_db()
    return workshop


def workshop_update(*, workshop: Workshop, data: dict[str, Any]) -> Workshop:
    """Change the workshop's own columns; counters, capacity_remaining and the status are not among them
    (a capacity below the taken seats is the database's 409 ``capacity_below_taken_seats``)."""
    require_teacher(workshop)
    data = dict(data)
    if "organization" in data:
        data["organization_id"] = data.pop("organization")
        _check_organization(data["organization_id"])
    _save(workshop, data)
    workshop.refresh_from_db()
    return workshop


def workshop_publish(*, workshop: Workshop) -> Workshop:
    """draft or cancelled -> published (open for registration while it has not ended); republishing
    promotes its waitlist (database trigger)."""
    require_teacher(workshop)
    if workshop.status == WorkshopStatus.PUBLISHED:
        raise WorkshopRefused("The workshop is already published.", code="already_published")
    if workshop.status not in (WorkshopStatus.DRAFT, WorkshopStatus.CANCELLED):
        raise WorkshopRefused(f"A {workshop.status} workshop cannot be published.", code="invalid_status_transition",
                              status_code=status.HTTP_400_BAD_REQUEST)
    if workshop.end_time <= timezone.now():
        raise WorkshopRefused("The workshop has already ended.", code="workshop_ended")
    _save(workshop, {"status": WorkshopStatus.PUBLISHED})
    workshop.refresh_from_db()
    return workshop


def workshop_cancel(*, workshop: Workshop) -> Workshop:
    """draft, published or in progress -> cancelled: it leaves the catalog; registrations stay as they are
    (the waitlist is no longer promoted). Refunds of paid seats are the payments domain's."""
    require_teacher(workshop)
    if workshop.status == WorkshopStatus.CANCELLED:
        raise WorkshopRefused("The workshop is already cancelled.", code="already_cancelled")
    if workshop.status == WorkshopStatus.COMPLETED:
        raise WorkshopRefused("A completed workshop cannot be cancelled.", code="invalid_status_transition",
                              status_code=status.HTTP_400_BAD_REQUEST)
    _save(workshop, {"status": WorkshopStatus.CANCELLED})
    workshop.refresh_from_db()
    return workshop


# --- registrations -----------------------------------------------------------------------------------------


def registration_register(*, workshop: Workshop, user: User) -> WorkshopRegistration:
    """Register the caller: a new row, or a cancelled one registered again (spec 50 §10). The database
    admits it (``registered``; ``payment_status='pending'`` when the current price is above 0: a held
    seat until the payment completes or the hold expires), waitlists it when the workshop is full and
    has a waitlist, or refuses (``workshop_full`` 409, ``workshop_not_open`` 400)."""

    def step() -> WorkshopRegistration:
        _lock_workshop(workshop.pk)
        existing = WorkshopRegistration.objects.filter(workshop_id=workshop.pk, user_id=user.pk).first()
        if existing is None:
            registration = WorkshopRegistration(workshop_id=workshop.pk, user_id=user.pk,
                                                status=RegistrationStatus.REGISTERED, price_paid=None)
            registration.save()
        elif existing.status == RegistrationStatus.CANCELLED:
            WorkshopRegistration.objects.filter(pk=existing.pk).update(status=RegistrationStatus.REGISTERED)
            registration = existing
        else:
            raise WorkshopRefused(ALREADY_REGISTERED, code="already_registered")
        registration.refresh_from_db()
        return registration

    try:
        return _retrying(step)
    except IntegrityError as exc:
        # A concurrent request of the same user inserted first.
        if getattr(classify(exc), "code", None) == REGISTRATION_UNIQUE:
            raise WorkshopRefused(ALREADY_REGISTERED, code="already_registered") from exc
        raise


def _require_registrant_or_staff(registration: WorkshopRegistration, user: User) -> None:
    if registration.user_id != user.pk and not selectors.caller_is_staff(registration.workshop_id):
        raise _forbidden(NOT_YOUR_REGISTRATION, "not_your_registration")


def registration_cancel(*, registration: WorkshopRegistration, user: User) -> WorkshopRegistration:
    """registered or waitlisted -> cancelled, by the registrant, the workshop's instructor or a platform
    admin. The seat goes to the first waitlisted registration (database trigger, same transaction). A paid
    seat is given back through a refund of its payment (which cancels the registration), not here."""
    _require_registrant_or_staff(registration, user)
    if registration.status == RegistrationStatus.CANCELLED:
        raise WorkshopRefused("The registration is already cancelled.", code="already_cancelled")
    if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED):
        raise WorkshopRefused(f"An {registration.status} registration can no longer be cancelled.",
                              code="registration_closed")
    if registration.payment_status == PaymentStatus.COMPLETED:
        raise WorkshopRefused("This seat is paid: ask for a refund of its payment to cancel it.",
                              code="registration_paid")

    def step() -> int:
        _lock_workshop(registration.workshop_id, registration.pk)
        return WorkshopRegistration.objects.filter(
            pk=registration.pk, status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED),
        ).update(status=RegistrationStatus.CANCELLED)

    if not _retrying(step):
        raise WorkshopRefused("The registration changed meanwhile; reload it.", code="registration_changed")
    registration.refresh_from_db()
    return registration


def registration_attendance(*, registration: WorkshopRegistration, attendance: str,
                            duration_minutes: int | None = None, percentage: int | None = None) -> WorkshopRegistration:
    """Check-in and attendance by the workshop's instructor (or a platform admin): ``attended`` or
    ``no_show`` once the workshop has started, also correcting one into the other. A cancelled or
    waitlisted registration marked attended (a walk-in) needs a free seat (database: ``workshop_full``);
    an unpaid seat of a paid workshop cannot be marked attended (``payment_pending``)."""
    workshop = Workshop.objects.only("id", "instructor_id", "start_time").get(pk=registration.workshop_id)
    if registration.user_id == workshop.instructor_id or not selectors.caller_is_staff(workshop.pk):
        # The trigger treats the instructor's own registration as a registrant's (issue 9 item 5).
        raise _forbidden(NOT_YOUR_WORKSHOP, "not_workshop_instructor")
    if workshop.start_time > timezone.now():
        raise WorkshopRefused("Attendance is recorded once the workshop has started.", code="workshop_not_started")
    if registration.price_paid and registration.payment_status != PaymentStatus.COMPLETED:
        raise WorkshopRefused("This seat has not been paid.", code="payment_pending")

    changes: dict[str, Any] = {"status": attendance}
    if duration_minutes is not None:
        changes["attendance_duration_minutes"] = duration_minutes
    if percentage is not None:
        changes["attendance_percentage"] = percentage

    def step() -> int:
        _lock_workshop(workshop.pk, registration.pk)
        return WorkshopRegistration.objects.filter(pk=registration.pk, status=registration.status).update(**changes)

    if not _retrying(step):
        raise WorkshopRefused("The registration changed meanwhile; reload it.", code="registration_changed")
    registration.refresh_from_db()
    return registration


# --- feedback ----------------------------------------------------------------------------------------------


def feedback_submit(*, registration: WorkshopRegistration, user: User, data: dict[str, Any]) -> WorkshopFeedback:
    """The attendee's survey (once per registration; the database refuses it unless the registration is
    ``attended``: 400 ``feedback_requires_attendance``)."""
    if registration.user_id != user.pk:
        raise _forbidden(ONLY_THE_ATTENDEE, "not_your_registration")
    if WorkshopFeedback.objects.filter(registration_id=registration.pk).exists():
        raise WorkshopRefused("Feedback for this registration exists; change it with PATCH.", code="feedback_exists")
    feedback = WorkshopFeedback(registration_id=registration.pk, **data)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:
        if getattr(classify(exc), "code", None) in FEEDBACK_UNIQUE:
            raise WorkshopRefused("Feedback for this registration exists.", code="feedback_exists") from exc
        raise
    return WorkshopFeedback.objects.get(pk=feedback.pk)


def feedback_update(*, feedback: WorkshopFeedback, user: User, data: dict[str, Any]) -> WorkshopFeedback:
    if feedback.user_id != user.pk:
        raise _forbidden(ONLY_THE_ATTENDEE, "not_your_registration")
    _save(feedback, data)
    return WorkshopFeedback.objects.get(pk=feedback.pk)


# --- maintenance -------------------------------------------------------------------------------------------


def release_expired_holds(*, older_than_minutes: int) -> int:
    """Owner-run (system context): cancel payment holds older than the given age through
    ``release_expired_workshop_holds()``, which frees their seats for the waitlist. Returns how many."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT public.release_expired_workshop_holds(make_interval(mins => %s))",
                       [older_than_minutes])
        return cursor.fetchone()[0]
