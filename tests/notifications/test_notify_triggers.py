"""The five notification triggers and create_notification() (spec 40, "Functions", "Common rules for the 5
notification trigger functions"): the exact row each event writes for the right recipient, the transition
rules (once per completion, once per confirmation, payment only on the transition), nothing and no error
when there is no recipient or the recipient is the acting student, and nothing from a rolled-back
transaction."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from humanglue.security.context import system_context
from instructors.models import CourseReview, Enrollment
from notifications.models import Notification
from organizations.models import User
from payments.models import Payment
from tests.factories import UserFactory
from tests.notifications import builders as b
from tests.world import acting_as
from workshops.models import WorkshopRegistration

pytestmark = pytest.mark.django_db


def one(rows: list[Notification]) -> Notification:
    assert len(rows) == 1, [(n.type, n.message) for n in rows]
    return rows[0]


def complete(enrollment: Enrollment, progress: int = 100, **extra: Any) -> None:
    """Move an enrollment to 'completed' as the owner (the payment/instructor paths are other apps')."""
    values = {"status": "completed", "completed_at": timezone.now(), "progress_percentage": progress}
    values.update(extra)
    assert Enrollment.objects.filter(pk=enrollment.pk).update(**values) == 1


def review(enrollment: Enrollment, rating: int = 4, text: str | None = None) -> CourseReview:
    return CourseReview.objects.create(course_id=enrollment.course_id, user_id=enrollment.user_id,
                                       enrollment=enrollment, rating=rating, review_text=text)


def pay(payer: Any, amount: str, *, currency: str = "USD", status: str = "pending", **target: Any) -> Payment:
    kind = next(iter(target)).removesuffix("_request")
    return Payment.objects.create(user=payer, amount=Decimal(amount), currency=currency, provider="stripe",
                                  transaction_id=f"pi_{Payment.objects.count()}_{timezone.now().timestamp()}",
                                  payment_type=kind, status=status, **target)


def set_payment(payment: Payment, **values: Any) -> None:
    assert Payment.objects.filter(pk=payment.pk).update(**values) == 1


# --- enrollment ----------------------------------------------------------------------------------------------------

def test_enrollment_writes_one_notification_to_the_course_instructor() -> None:
    c = b.cast()
    enrollment = b.enroll(c.student, c.course)
    note = one(b.inbox(c.instructor))
    assert (note.type, note.title, note.message) == (
        "enrollment", "New Student Enrollment", "Stu Dent enrolled in Prompt Craft")
    assert note.data == {"enrollment_id": str(enrollment.pk), "course_id": str(c.course.pk),
                         "student_id": str(c.student.pk), "student_name": "Stu Dent", "course_title": "Prompt Craft"}
    assert (note.read_at, note.expires_at) == (None, None)
    assert b.inbox(c.student) == []


def test_a_student_self_enrolling_under_rls_notifies_the_instructor() -> None:
    """The student cannot write into the instructor's inbox (policy notifications_insert_own); the
    SECURITY DEFINER trigger does it for them, and the student still cannot read it."""
    c = b.cast()
    with acting_as(c.student):
        enrollment = b.enroll(c.student, c.course)
        assert not Notification.objects.filter(user=c.instructor).exists()  # RLS: not the student's row
        with system_context():
            note = one(b.inbox(c.instructor))
        assert note.data["enrollment_id"] == str(enrollment.pk)
        assert note.message == "Stu Dent enrolled in Prompt Craft"


@pytest.mark.parametrize("full_name", ["", "   "])
def test_a_blank_student_name_reads_a_student(full_name: str) -> None:
    c = b.cast()
    nameless = UserFactory(full_name="Stu Dent")
    # New blank names are refused (users_full_name_not_blank, value bounds); rows stored before that rule
    # may still have one: make such a row (the constraint is back when the test's transaction ends).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks may block the ALTER
        cursor.execute("ALTER TABLE users DROP CONSTRAINT users_full_name_not_blank")
    User.objects.filter(pk=nameless.pk).update(full_name=full_name)
    b.enroll(nameless, c.course)
    note = one(b.inbox(c.instructor))
    assert note.message == "A student enrolled in Prompt Craft"
    assert note.data["student_name"] == "A student"


def test_an_instructor_enrolling_in_their_own_course_is_not_notified() -> None:
    c = b.cast()
    enrollment = b.enroll(c.instructor, c.course)
    complete(enrollment)
    review(enrollment)
    assert b.inbox(c.instructor) == []


# --- completion ----------------------------------------------------------------------------------------------------

def test_completion_notifies_once_per_completion() -> None:
    c = b.cast()
    enrollment = b.enroll(c.student, c.course)
    complete(enrollment, progress=87)
    note = one(b.inbox(c.instructor, "completion"))
    assert (note.title, note.message) == ("Course Completed", "Stu Dent completed Prompt Craft")
    assert note.data == {"enrollment_id": str(enrollment.pk), "course_id": str(c.course.pk),
                         "student_id": str(c.student.pk), "student_name": "Stu Dent", "course_title": "Prompt Craft",
                         "completion_rate": 87}
    rows = Enrollment.objects.filter(pk=enrollment.pk)
    rows.update(progress_percentage=100)  # later edits of a completed enrollment
    rows.update(metadata={"note": "x"})
    rows.update(status="in_progress")  # moved out by an instructor: completed_at stays, still "completed"
    rows.update(status="completed")
    assert len(b.inbox(c.instructor, "completion")) == 1


def test_completion_by_completed_at_alone_fires_once_and_the_later_status_does_not() -> None:
    c = b.cast()
    enrollment = b.enroll(c.student, c.course)
    rows = Enrollment.objects.filter(pk=enrollment.pk)
    rows.update(completed_at=timezone.now(), progress_percentage=40)
    assert one(b.inbox(c.instructor, "completion")).data["completion_rate"] == 40
    rows.update(status="completed")
    assert len(b.inbox(c.instructor, "completion")) == 1


def test_the_instructor_marking_a_course_completed_under_rls_notifies_once() -> None:
    """A status-only completion (the instructors' guard fills completed_at, CHECK enrollments_completed_at_check)."""
    c = b.cast()
    enrollment = b.enroll(c.student, c.course)
    rows = Enrollment.objects.filter(pk=enrollment.pk)
    with acting_as(c.instructor):
        assert rows.update(status="in_progress") == 1
        assert b.inbox(c.instructor, "completion") == []
        assert rows.update(status="completed") == 1
        assert rows.update(certificate_url="https://example.com/cert.pdf") == 1
        notes = b.inbox(c.instructor, "completion")  # the instructor's own inbox: visible under RLS
        assert len(notes) == 1 and notes[0].data["enrollment_id"] == str(enrollment.pk)


# --- workshop registration -----------------------------------------------------------------------------------------

def register(student: Any, workshop: Any, **values: Any) -> WorkshopRegistration:
    values.setdefault("price_paid", Decimal("0.00"))
    return WorkshopRegistration.objects.create(workshop=workshop, user=student, **values)


def test_a_free_registration_notifies_at_insert() -> None:
    c = b.cast()
    registration = register(c.student, c.workshop)
    assert registration.status == "registered"
    note = one(b.inbox(c.instructor))
    assert (note.type, note.title, note.message) == (
        "workshop_registration", "New Workshop Registration", "Stu Dent registered for Change Lab")
    assert note.data == {"registration_id": str(registration.pk), "workshop_id": str(c.workshop.pk),
                         "student_id": str(c.student.pk), "student_name": "Stu Dent", "workshop_title": "Change Lab"}
    WorkshopRegistration.objects.filter(pk=registration.pk).update(metadata={"seat": "front"})
    WorkshopRegistration.objects.filter(pk=registration.pk).update(status="attended")
    assert len(b.inbox(c.instructor)) == 1


def test_a_paid_registration_notifies_when_its_payment_completes() -> None:
    c = b.cast()
    registration = register(c.student, c.workshop, price_paid=Decimal("50.00"), payment_status="pending")
    assert b.inbox(c.instructor, "workshop_registration") == []  # an unpaid hold may still expire
    rows = WorkshopRegistration.objects.filter(pk=registration.pk)
    rows.update(payment_status="completed")
    note = one(b.inbox(c.instructor, "workshop_registration"))
    assert note.data["registration_id"] == str(registration.pk)
    rows.update(metadata={"x": 1})
    assert len(b.inbox(c.instructor, "workshop_registration")) == 1


def test_waitlist_promotion_and_re_registration_notify_on_their_update() -> None:
    """The workshops app's BEFORE trigger waitlists a request for a full workshop (no notification); the
    promotion when a seat frees up (waitlisted -> registered, an UPDATE) notifies, and so does a
    re-registration that reuses a cancelled row."""
    c = b.cast()
    small = b.workshop(c.instructor, title="Tiny Lab", capacity_total=1, waitlist_enabled=True)
    first, second = c.student, UserFactory(full_name="Wai Ting")

    def registered_students() -> list[str]:
        # one transaction: equal created_at and txid, so compare as a sorted list
        return sorted(n.data["student_name"] for n in b.inbox(c.instructor, "workshop_registration"))

    seat = register(first, small)
    queued = register(second, small, status="registered")
    queued.refresh_from_db()
    assert (seat.status, queued.status) == ("registered", "waitlisted")
    assert registered_students() == ["Stu Dent"]

    WorkshopRegistration.objects.filter(pk=seat.pk).update(status="cancelled")  # frees the seat: promotion
    queued.refresh_from_db()
    assert queued.status == "registered"
    assert registered_students() == ["Stu Dent", "Wai Ting"]

    WorkshopRegistration.objects.filter(pk=queued.pk).update(status="cancelled")
    assert registered_students() == ["Stu Dent", "Wai Ting"]
    WorkshopRegistration.objects.filter(pk=queued.pk).update(status="registered")  # re-registration
    assert WorkshopRegistration.objects.get(pk=queued.pk).status == "registered"
    assert registered_students() == ["Stu Dent", "Wai Ting", "Wai Ting"]  # sorted


def test_an_instructor_registering_for_their_own_workshop_is_not_notified() -> None:
    c = b.cast()
    register(c.instructor, c.workshop)
    assert b.inbox(c.instructor) == []


# --- review --------------------------------------------------------------------------------------------------------

def test_a_review_notifies_with_rating_and_the_first_500_characters() -> None:
    c = b.cast()
    enrollment = b.enroll(c.student, c.course)
    complete(enrollment)
    text = "".join(chr(ord("a") + i % 26) for i in range(5000))
    row = review(enrollment, rating=4, text=text)
    note = one(b.inbox(c.instructor, "review"))
    assert (note.title, note.message) == ("New Course Review", "Stu Dent left a 4-star review for Prompt Craft")
    assert note.data == {"review_id": str(row.pk), "course_id": str(c.course.pk), "student_id": str(c.student.pk),
                         "student_name": "Stu Dent", "course_title": "Prompt Craft", "rating": 4,
                         "comment": text[:500]}
    assert len(note.data["comment"]) == 500


def test_a_review_without_text_has_a_null_comment_and_unpublished_reviews_notify_too() -> None:
    c = b.cast()
    enrollment = b.enroll(c.student, c.course)
    complete(enrollment)
    row = review(enrollment, rating=5)
    CourseReview.objects.filter(pk=row.pk).update(is_published=False, rating=3)  # later edits: nothing new
    note = one(b.inbox(c.instructor, "review"))
    assert note.message == "Stu Dent left a 5-star review for Prompt Craft"
    assert "comment" in note.data and note.data["comment"] is None
    assert note.data["rating"] == 5


# --- payment -------------------------------------------------------------------------------------------------------

def test_a_course_payment_notifies_on_the_transition_to_completed_only() -> None:
    c = b.cast()
    payment = pay(c.student, "1234.50", course=c.course)
    assert b.inbox(c.instructor, "payment") == []  # pending
    set_payment(payment, status="completed")
    note = one(b.inbox(c.instructor, "payment"))
    assert (note.title, note.message) == ("Payment Received", "Payment of $1,234.50 received from Stu Dent")
    assert note.data == {"payment_id": str(payment.pk), "amount": 1234.5, "currency": "USD",
                         "student_id": str(c.student.pk), "student_name": "Stu Dent", "item_title": "Prompt Craft",
                         "course_id": str(c.course.pk), "workshop_id": None, "consultation_id": None,
                         "engagement_request_id": None}
    # The amount is a JSON number in major units, exactly as stored (not divided by 100).
    assert b.sql_one("SELECT data->>'amount', jsonb_typeof(data->'amount') FROM notifications WHERE id = %s",
                     [note.pk]) == ("1234.50", "number")
    set_payment(payment, invoice_url="https://example.com/invoice.pdf")
    set_payment(payment, metadata={"receipt": "sent"})
    set_payment(payment, refund_amount=Decimal("1234.50"), refund_reason="requested_by_customer", status="refunded",
                refunded_at=timezone.now())
    assert len(b.inbox(c.instructor, "payment")) == 1  # later edits and refunds notify nobody


def test_a_payment_inserted_as_completed_notifies_once() -> None:
    c = b.cast()
    payment = pay(c.student, "49.00", status="completed", course=c.course)
    assert one(b.inbox(c.instructor, "payment")).data["payment_id"] == str(payment.pk)


def test_a_workshop_payment_in_euros() -> None:
    c = b.cast()
    payment = pay(c.student, "49.00", currency="EUR", workshop=c.workshop)
    set_payment(payment, status="completed")
    note = one(b.inbox(c.instructor, "payment"))
    assert note.message == "Payment of 49.00 EUR received from Stu Dent"
    assert (note.data["item_title"], note.data["workshop_id"], note.data["course_id"], note.data["currency"]) == (
        "Change Lab", str(c.workshop.pk), None, "EUR")


@pytest.mark.parametrize(("titled", "item_title"), [(True, "Strategy call"), (False, "a consultation")])
def test_a_consultation_payment_notifies_the_expert(titled: bool, item_title: str) -> None:
    c = b.cast()
    session = b.consultation(c.student, c.expert, title="Strategy call" if titled else None)
    payment = pay(c.student, "150.00", consultation=session)
    set_payment(payment, status="completed")
    note = one(b.inbox(c.expert, "payment"))
    assert note.message == "Payment of $150.00 received from Stu Dent"
    assert (note.data["item_title"], note.data["consultation_id"], note.data["engagement_request_id"]) == (
        item_title, str(session.pk), None)
    assert b.inbox(c.instructor) == []


@pytest.mark.parametrize(("titled", "item_title"), [(True, "Culture shift"), (False, "an engagement")])
def test_an_engagement_payment_notifies_the_expert(titled: bool, item_title: str) -> None:
    c = b.cast()
    request = b.engagement(c.student, c.expert, title="Culture shift" if titled else None)
    payment = pay(c.student, "1500.00", engagement_request=request)
    set_payment(payment, status="completed")
    note = one(b.inbox(c.expert, "payment"))
    assert note.message == "Payment of $1,500.00 received from Stu Dent"
    assert (note.data["item_title"], note.data["engagement_request_id"]) == (item_title, str(request.pk))


def test_subscription_payments_notify_nobody() -> None:
    c = b.cast()
    payment = Payment.objects.create(user=c.student, amount=Decimal("20.00"), provider="stripe",
                                     transaction_id="pi_sub", payment_type="subscription")
    set_payment(payment, status="completed")
    assert Notification.objects.count() == 0


def test_paying_for_ones_own_course_notifies_nobody() -> None:
    c = b.cast()
    set_payment(pay(c.instructor, "10.00", course=c.course), status="completed")
    assert b.inbox(c.instructor) == []


# --- no recipient: never blocks the student ------------------------------------------------------------------------

def test_a_course_without_an_instructor_never_blocks_the_students_action() -> None:
    student = UserFactory(full_name="Stu Dent")
    orphan = b.course(None, title="Orphaned")
    with acting_as(student):  # the student's own request path (free published course, policy-checked)
        assert b.enroll(student, orphan).pk
    enrollment = b.enroll(student, orphan)
    complete(enrollment)
    row = review(enrollment, rating=2, text="meh")
    payment = pay(student, "10.00", course=orphan)
    set_payment(payment, status="completed")
    assert Enrollment.objects.get(pk=enrollment.pk).status == "completed"
    assert CourseReview.objects.filter(pk=row.pk).exists()
    assert Payment.objects.get(pk=payment.pk).status == "completed"
    assert Notification.objects.count() == 0


def test_an_instructor_removed_from_the_course_mid_way_never_blocks() -> None:
    c = b.cast()
    enrollment = b.enroll(c.student, c.course)
    type(c.course).objects.filter(pk=c.course.pk).update(instructor=None)
    complete(enrollment)
    review(enrollment)
    assert [n.type for n in b.inbox(c.instructor)] == ["enrollment"]  # only the one from before


# --- atomicity -----------------------------------------------------------------------------------------------------

class Boom(Exception):
    pass


def test_a_rolled_back_transaction_writes_nothing() -> None:
    c = b.cast()
    before = Notification.objects.count()
    with pytest.raises(Boom), transaction.atomic():
        enrollment = b.enroll(c.student, c.course)
        complete(enrollment)
        review(enrollment)
        register(c.student, c.workshop)
        set_payment(pay(c.student, "5.00", course=c.course), status="completed")
        assert Notification.objects.count() == before + 5  # written inside the transaction ...
        raise Boom
    assert Notification.objects.count() == before  # ... and gone with it
    assert not Enrollment.objects.filter(user=c.student).exists()


# --- create_notification() -----------------------------------------------------------------------------------------

def create_notification(*args: Any) -> Any:
    placeholders = ", ".join(["%s"] * len(args))
    return b.sql_one(f"SELECT public.create_notification({placeholders})", list(args))[0]


def test_create_notification_inserts_one_row_and_returns_its_id() -> None:
    recipient = UserFactory(full_name="Ada")
    expires = timezone.now() + timedelta(days=1)
    pk = create_notification(recipient.pk, "announcement", "Hello", "Welcome aboard", '{"k": 1}', expires)
    note = Notification.objects.get(pk=pk)
    assert (note.user_id, note.type, note.title, note.message, note.data, note.expires_at, note.read_at) == (
        recipient.pk, "announcement", "Hello", "Welcome aboard", {"k": 1}, expires, None)
    # Defaults: data '{}' and no expiry; NULL data is stored as '{}'.
    short = Notification.objects.get(pk=create_notification(recipient.pk, "question", "Q", "m"))
    assert (short.data, short.expires_at) == ({}, None)
    assert Notification.objects.get(pk=create_notification(recipient.pk, "question", "Q", "m", None)).data == {}
    # txid is the inserting transaction's id (the resume cursor), filled by the database default.
    assert b.sql_one("SELECT txid = pg_current_xact_id() FROM notifications WHERE id = %s", [pk]) == (True,)


def test_create_notification_for_no_user_or_an_unknown_user_is_a_silent_null() -> None:
    before = Notification.objects.count()
    assert create_notification(None, "announcement", "t", "m") is None
    assert create_notification("00000000-0000-0000-0000-000000000001", "announcement", "t", "m") is None
    assert Notification.objects.count() == before


@pytest.mark.parametrize(("args", "sqlstate", "constraint"), [
    (("announcement", "t", "m", "[1, 2]"), "23514", "valid_notification_data"),
    (("announcement", "t", "m", '"text"'), "23514", "valid_notification_data"),
    (("birthday", "t", "m"), "23514", "notifications_type_check"),
    (("announcement", None, "m"), "23502", None),
    (("announcement", "t", None), "23502", None),
])
def test_create_notification_refuses_bad_input(args: tuple, sqlstate: str, constraint: str | None) -> None:
    recipient = UserFactory(full_name="Ada")
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        create_notification(recipient.pk, *args)
    assert excinfo.value.__cause__.sqlstate == sqlstate
    if constraint:
        assert excinfo.value.__cause__.diag.constraint_name == constraint


@pytest.mark.parametrize("call", [
    "create_notification(%s, 'announcement', 'spam', 'spam')",
    "cleanup_old_notifications()",
    "cleanup_stale_presence()",
])
def test_the_app_role_cannot_execute_these_functions(call: str) -> None:
    victim = UserFactory(full_name="Victim")
    with acting_as(victim):
        with pytest.raises(ProgrammingError) as excinfo, transaction.atomic():
            b.sql_one(f"SELECT public.{call}", [victim.pk] if "%s" in call else [])
        assert excinfo.value.__cause__.sqlstate == "42501"


def test_the_app_role_still_fires_the_triggers_whose_functions_it_cannot_execute() -> None:
    """PostgreSQL checks EXECUTE on a trigger function only at CREATE TRIGGER (conventions §3)."""
    c = b.cast()
    with acting_as(c.student):
        b.enroll(c.student, c.course)
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_function_privilege('humanglue_app', "
                       "'public.notify_instructor_new_enrollment()', 'EXECUTE')")
        assert cursor.fetchone() == (False,)
