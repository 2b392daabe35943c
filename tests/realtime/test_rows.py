"""Which serializer sends each realtime table's rows: the REST API's own (so a socket shows a row exactly as
the API does, with its hidden fields hidden), named explicitly, for every table the contract makes realtime."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from humanglue.contract import load_contract
from humanglue.security.context import call_as
from notifications.api.serializers import NotificationSerializer
from notifications.models import Notification
from notifications.realtime import rows
from notifications.realtime.rows import TABLES, serializer_for
from notifications.selectors import notification_inbox, unread_count
from tests.factories import UserFactory


def _realtime_tables() -> set[str]:
    tables = load_contract()["realtime"]["tables"]
    return {t if isinstance(t, str) else t.get("table", t.get("name")) for t in tables}


def test_every_realtime_table_has_its_serializer() -> None:
    assert set(TABLES) == _realtime_tables()
    for table in TABLES:
        model, serializer = serializer_for(table)
        assert model._meta.db_table == table
        if table != "student_presence":  # no REST endpoint: its columns as they are
            assert serializer.__module__.endswith(("api.serializers", "api.portal_serializers",
                                                   "api.grading_serializers", "api.payment_serializers"))


@pytest.mark.django_db
def test_the_batch_reads_in_sql_agree_with_the_selectors() -> None:
    """``read_rows`` / ``unread`` (plain SQL, for speed) show exactly what ``notification_inbox`` /
    ``unread_count`` show: own, unexpired; read or not; never someone else's."""
    me, other = UserFactory(), UserFactory()
    make = Notification.objects.create
    mine = [make(user=me, type="announcement", title=f"n{i}", message="m") for i in range(3)]
    Notification.objects.filter(pk=mine[0].pk).update(read_at=timezone.now())
    expired = make(user=me, type="announcement", title="old", message="m",
                   expires_at=timezone.now() - timedelta(minutes=1))
    later = make(user=me, type="announcement", title="later", message="m",
                 expires_at=timezone.now() + timedelta(days=1))
    theirs = make(user=other, type="announcement", title="theirs", message="m")
    every_pk = [str(n.pk) for n in [*mine, expired, later, theirs]]

    def both() -> tuple[dict, set, int, int]:
        found = rows.read_rows("notifications", every_pk, str(me.pk))
        inbox = {str(pk) for pk in notification_inbox(user_id=me.pk).filter(pk__in=every_pk)
                 .values_list("pk", flat=True)}
        return found, inbox, rows.unread(str(me.pk)), unread_count(user_id=me.pk)

    found, inbox, fast, counted = call_as(me.pk, both)
    assert set(found) == inbox == {str(n.pk) for n in [*mine, later]}
    assert fast == counted == 3
    assert found[str(later.pk)] == dict(NotificationSerializer(later).data)  # the REST representation
