"""The shared batch reader: many users' re-reads in one transaction, each under its own security context."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from notifications.models import Notification
from notifications.realtime.reader import BatchReader, read_many
from tests.factories import PlatformAdminFactory, UserFactory
from tests.notifications.builders import course, enroll

pytestmark = pytest.mark.django_db(transaction=True)


def note(user, title: str = "hello") -> Notification:  # noqa: ANN001
    return Notification.objects.create(user=user, type="announcement", title=title, message="m")


def test_each_user_of_a_batch_reads_only_what_that_user_may_select() -> None:
    alice, bob, instructor, admin = UserFactory(), UserFactory(), UserFactory(), PlatformAdminFactory()
    enrollment = enroll(alice, course(instructor))
    for_alice, for_bob = note(alice), note(bob)
    note(bob, "another unread one")
    requests = [
        (str(admin.pk), "enrollments", str(enrollment.pk)),  # a platform admin first: it may see any enrollment
        (str(bob.pk), "enrollments", str(enrollment.pk)),  # ... and the next user must not inherit that
        (str(alice.pk), "notifications", str(for_alice.pk)),
        (str(bob.pk), "notifications", str(for_alice.pk)),  # someone else's notification
        (str(bob.pk), "notifications", str(for_bob.pk)),
        (str(instructor.pk), "enrollments", str(enrollment.pk)),  # the course's instructor
        (str(admin.pk), "notifications", str(for_bob.pk)),  # an admin's inbox is its own, whatever RLS allows
    ]
    results = read_many(requests)
    assert results[0][0]["id"] == str(enrollment.pk) and results[0][1] is None
    assert results[1] == (None, None)
    assert results[2][0]["id"] == str(for_alice.pk) and results[2][1] == 1
    assert results[3] == (None, 2)  # nothing of alice's; bob's own unread count
    assert results[4][0]["id"] == str(for_bob.pk) and results[4][1] == 2
    assert results[5][0]["id"] == str(enrollment.pk)
    assert results[6] == (None, 0)


def test_a_failing_request_costs_the_others_nothing() -> None:
    alice, bob = UserFactory(), UserFactory()
    for_alice, for_bob = note(alice), note(bob)
    results = read_many([
        (str(alice.pk), "notifications", str(for_alice.pk)),
        (str(bob.pk), "notifications", "not-a-uuid"),  # aborts the shared transaction
        (str(bob.pk), "notifications", str(for_bob.pk)),
    ])
    assert results[0][0]["id"] == str(for_alice.pk)
    assert isinstance(results[1], Exception)
    assert results[2][0]["id"] == str(for_bob.pk)


def test_requests_made_while_a_batch_is_in_flight_share_the_next_one() -> None:
    users = [UserFactory() for _ in range(12)]
    notes = [note(user) for user in users]

    async def run() -> tuple[list, BatchReader]:
        batch_reader = BatchReader(max_batch=200, max_in_flight=1)
        found = await asyncio.gather(*(batch_reader.read(str(u.pk), "notifications", str(n.pk))
                                       for u, n in zip(users, notes, strict=True)),
                                     batch_reader.read(str(users[0].pk), "notifications", str(uuid.uuid4())))
        return found, batch_reader

    found, batch_reader = asyncio.run(run())
    batch_reader.close()
    assert [row["id"] for row, _ in found[:-1]] == [str(n.pk) for n in notes]
    assert found[-1] == (None, 1)
    # The first request starts a batch alone; the other twelve wait for it and go together.
    assert (batch_reader.batches, batch_reader.requests) == (2, 13)
