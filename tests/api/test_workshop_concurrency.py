"""A full paid workshop with a waitlist, through the API against a real server (uvicorn, the request login
role): 50 distinct users register at the same moment for 5 seats; exactly 5 seats are held for payment, 45
users wait in line, nothing answers 5xx. Then a hold expires: the sweep command frees its seat for the first
in line."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import InstructorFactory, UserFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopRegistration

pytestmark = pytest.mark.django_db(transaction=True)

SEATS = 5
USERS = 50


def test_fifty_concurrent_registrations_for_five_paid_seats(live_asgi_server: str) -> None:
    workshop = WorkshopFactory(instructor=InstructorFactory(), capacity_total=SEATS, waitlist_enabled=True,
                               price_amount=Decimal("40.00"))
    users = [UserFactory(email=f"crowd-{n}@example.com") for n in range(USERS)]
    tokens = {str(RefreshToken.for_user(user).access_token): user.pk for user in users}
    barrier = threading.Barrier(USERS)
    url = f"{live_asgi_server}/api/v1/workshops/{workshop.pk}/register/"

    def post(token: str) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            barrier.wait(timeout=60)
            return client.post(url, headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(USERS) as pool:
        responses = list(pool.map(post, tokens))

    assert Counter(r.status_code for r in responses) == {201: USERS}, [r.text[:200] for r in responses
                                                                        if r.status_code != 201][:3]
    bodies = [r.json() for r in responses]
    outcome = Counter((b["status"], b["payment_status"]) for b in bodies)
    assert outcome == {("registered", "pending"): SEATS, ("waitlisted", None): USERS - SEATS}
    holds = [b for b in bodies if b["status"] == "registered"]
    assert all(b["payment_required"] and b["payment_request"]["amount"] == "40.00" for b in holds)
    assert all(1 <= b["waitlist_position"] <= USERS - SEATS for b in bodies if b["status"] == "waitlisted")
    assert {b["user"]["id"] for b in bodies} == {str(pk) for pk in tokens.values()}
    stored = Workshop.objects.get(pk=workshop.pk)
    assert (stored.enrolled_count, stored.waitlist_count, stored.capacity_remaining) == (SEATS, USERS - SEATS, 0)
    assert WorkshopRegistration.objects.filter(workshop=workshop).count() == USERS

    # One hold is abandoned: 31 minutes old, the sweep releases it and the first in line gets the seat.
    expired = WorkshopRegistration.objects.get(pk=holds[0]["id"])
    first_in_line = WorkshopRegistration.objects.filter(workshop=workshop, status="waitlisted").order_by(
        "status_changed_at", "id").first()
    WorkshopRegistration.objects.filter(pk=expired.pk).update(status_changed_at=timezone.now() - timedelta(minutes=31))
    out = StringIO()
    call_command("release_workshop_holds", "--older-than", "30", stdout=out)
    assert "Released 1 " in out.getvalue()
    expired.refresh_from_db()
    first_in_line.refresh_from_db()
    assert (expired.status, first_in_line.status, first_in_line.payment_status) == ("cancelled", "registered",
                                                                                    "pending")
    stored.refresh_from_db()
    assert (stored.enrolled_count, stored.waitlist_count, stored.capacity_remaining) == (SEATS, USERS - SEATS - 1, 0)
    # The promoted user sees their new hold through the API.
    token = next(t for t, pk in tokens.items() if pk == first_in_line.user_id)
    mine = httpx.get(f"{live_asgi_server}/api/v1/workshop-registrations/",
                     headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["results"]
    assert [(r["status"], r["payment_status"], r["waitlist_position"]) for r in mine] == [("registered", "pending",
                                                                                           None)]


def test_one_user_posting_ten_times_at_once_gets_one_registration(live_asgi_server: str) -> None:
    workshop = WorkshopFactory(instructor=InstructorFactory(), capacity_total=SEATS)
    user = UserFactory(email="impatient@example.com")
    token = str(RefreshToken.for_user(user).access_token)
    barrier = threading.Barrier(10)
    url = f"{live_asgi_server}/api/v1/workshops/{workshop.pk}/register/"

    def post(_: int) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            barrier.wait(timeout=60)
            return client.post(url, headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(post, range(10)))
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 9}
    assert {r.json()["errors"][0]["code"] for r in responses if r.status_code == 409} == {"already_registered"}
    assert WorkshopRegistration.objects.filter(workshop=workshop, user=user).count() == 1
    assert Workshop.objects.get(pk=workshop.pk).enrolled_count == 1
