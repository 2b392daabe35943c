"""In-app notifications and live presence (spec 40).

Most notifications are written by the database (the five ``trigger_notify_*`` triggers through
``create_notification()``); presence rows by the websocket consumer. ON DELETE actions live in the
database (see ``humanglue.db.operations.SetOnDelete``); Django's side is ``DO_NOTHING``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.core.validators import MinValueValidator
from django.db import models

from humanglue.db.columns import MaintainedColumnsModel, created_at, json_object, uuid_pk
from humanglue.db.constraints import jsonb_type_check, jsonb_typeof_is
from organizations.naming import related_label, user_name

from .fields import CurrentXactId, Xid8Field

# The ON DELETE action the database performs for every FK of this app (spec 40), as
# "<model>.<field>": action.
DB_ON_DELETE = {
    "notification.user": "CASCADE",
    "studentpresence.user": "CASCADE",
    "studentpresence.course": "CASCADE",
    "studentpresence.workshop": "CASCADE",
}


# The values of the text columns with a CHECK list. Module level, not nested in the model: a model's
# Meta cannot see the model's class attributes. The models keep them under their old nested names.
class NotificationType(models.TextChoices):
    ENROLLMENT = "enrollment"
    WORKSHOP_REGISTRATION = "workshop_registration"
    COMPLETION = "completion"
    REVIEW = "review"
    QUESTION = "question"
    PAYMENT = "payment"
    ANNOUNCEMENT = "announcement"
    CO_INSTRUCTOR_UPDATE = "co_instructor_update"
    WORKSHOP_CHECKIN = "workshop_checkin"


class PresenceStatus(models.TextChoices):
    ONLINE = "online"
    OFFLINE = "offline"
    AWAY = "away"


class Notification(MaintainedColumnsModel):
    """One message in one user's in-app inbox (spec 40, "notifications").

    ``txid`` (the inserting transaction, the resume cursor) belongs to the database default: Django
    never writes it. The application role may UPDATE only ``read_at``, so API code saves with
    ``update_fields=["read_at"]``.
    """

    Type = NotificationType

    id = uuid_pk()
    # Served by the (user_id, created_at DESC) index.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="notifications", db_index=False
    )
    type = models.TextField(choices=Type.choices)
    title = models.TextField()
    message = models.TextField()
    data = json_object()
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = created_at()
    expires_at = models.DateTimeField(null=True, blank=True)
    txid = Xid8Field(db_default=CurrentXactId(), editable=False)

    maintained_fields = ("txid",)

    class Meta:
        db_table = "notifications"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=NotificationType.values), name="notifications_type_check"
            ),
            models.CheckConstraint(condition=jsonb_typeof_is("data", "object"), name="valid_notification_data"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="idx_notif_user_created"),
            models.Index(
                fields=["user", "-created_at"], condition=models.Q(read_at__isnull=True), name="idx_notif_user_unread"
            ),
            models.Index(fields=["created_at"], name="idx_notif_created"),
            models.Index(fields=["expires_at"], condition=models.Q(expires_at__isnull=False), name="idx_notif_expires"),
            models.Index(fields=["type"], name="idx_notif_type"),
            models.Index(fields=["user", "txid"], name="idx_notif_user_txid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.title}"


class StudentPresence(models.Model):
    """One user's live status in one course or one workshop (spec 40, "student_presence").

    ``connection_count`` is kept by the websocket consumer (atomic upserts), never by forms or the API.
    """

    Status = PresenceStatus

    id = uuid_pk()
    # Indexes are declared in Meta (plain on user, partial on course and workshop).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="presence", db_index=False
    )
    course = models.ForeignKey(
        "instructors.Course",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="presence",
        db_index=False,
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="presence",
        db_index=False,
    )
    status = models.TextField(choices=Status.choices, default=Status.ONLINE, db_default="online")
    last_seen_at = models.DateTimeField(db_default=TransactionNow())
    metadata = json_object()
    connection_count = models.IntegerField(default=0, db_default=0, editable=False, validators=[MinValueValidator(0)])

    class Meta:
        db_table = "student_presence"
        ordering = ["-last_seen_at"]
        verbose_name_plural = "student presence"
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(course__isnull=False) & models.Q(workshop__isnull=True))
                    | (models.Q(course__isnull=True) & models.Q(workshop__isnull=False))
                ),
                name="presence_target_check",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PresenceStatus.values), name="student_presence_status_check"
            ),
            jsonb_type_check("student_presence", "metadata", "object"),
            models.CheckConstraint(
                condition=models.Q(connection_count__gte=0), name="student_presence_connection_count_check"
            ),
            # One row per user per target, so joins and heartbeats are upserts.
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(course__isnull=False),
                name="student_presence_user_id_course_id_key",
            ),
            models.UniqueConstraint(
                fields=["user", "workshop"],
                condition=models.Q(workshop__isnull=False),
                name="student_presence_user_id_workshop_id_key",
            ),
        ]
        indexes = [
            models.Index(fields=["user"], name="idx_presence_user"),
            models.Index(fields=["course"], condition=models.Q(course__isnull=False), name="idx_presence_course"),
            models.Index(fields=["workshop"], condition=models.Q(workshop__isnull=False), name="idx_presence_workshop"),
            # Both statements of cleanup_stale_presence().
            models.Index(fields=["status", "last_seen_at"], name="idx_presence_status_seen"),
        ]

    def __str__(self) -> str:
        target = related_label(self, "course") if self.course_id else related_label(self, "workshop")
        return f"{user_name(self, 'user')} {self.get_status_display().lower()} in {target}"
