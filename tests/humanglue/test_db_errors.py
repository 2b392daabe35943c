"""Database errors a client can cause become client errors with a non-empty ``code`` (spec 00 §10, issue 9
item 13): each case below is a real error from the server (or from psycopg), raised under the app role,
and answered through both paths a request takes: the security middleware (plain views) and the DRF
exception handler (API views)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from humanglue.db.errors import classify
from instructors.models import Course, Enrollment
from organizations.models import User
from tests.sample_data import PASSWORD
from tests.world import World, acting_as, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def numeric_out_of_range(world: World) -> None:
    # numeric(10,2) holds less than 10^8; the instructor may update their own course.
    Course.objects.filter(pk=world.a.rows["course"].pk).update(price_amount=Decimal("1e9"))


def infinite_price(world: World) -> None:
    # Django's DecimalField refuses infinities itself; SQL does not (an infinite numeric(10,2) overflows).
    _sql("UPDATE courses SET price_amount = 'Infinity' WHERE id = %s", [world.a.rows["course"].pk])


def bad_byte_sequence(world: World) -> None:
    _sql("SELECT convert_from(%s::bytea, 'UTF8')", [b"\xff\xfe"])


def nul_in_json(world: World) -> None:
    # jsonb refuses \u0000 (22P05); the student may update their own enrollment.
    Enrollment.objects.filter(pk=world.a.rows["enrollment"].pk).update(metadata={"note": "a\x00b"})


def nul_in_text(world: World) -> None:
    # psycopg refuses a NUL byte in text before sending it: a DataError without SQLSTATE.
    Course.objects.filter(pk=world.a.rows["course"].pk).update(title="a\x00b")


def generated_column(world: World) -> None:
    _sql("UPDATE quiz_attempts SET percentage = 100 WHERE user_id = %s", [world.a.student.pk])


def table_privilege(world: World) -> None:
    # revenue_transactions is SELECT-only for the app role: "permission denied for table", no constraint.
    _sql("DELETE FROM revenue_transactions")


def row_security(world: World) -> None:
    # An INSERT that no policy's WITH CHECK admits: 42501 without a constraint name.
    _sql("INSERT INTO organizations (name, slug) VALUES ('Mine', 'mine')")


def blank_reason(world: World) -> None:
    _sql("DO $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '42501', CONSTRAINT = ' '; END $$")


def restrict_violation(world: World) -> None:
    # A RESTRICT foreign key (workshops.instructor_id) answers 23001, not 23503; raised here directly, as the
    # app role may not delete users.
    _sql("DO $$ BEGIN RAISE EXCEPTION 'still referenced' USING ERRCODE = '23001'; END $$")


# case -> (who acts, what they do, expected HTTP status, expected code)
CASES: dict[str, tuple[str, Callable[[World], None], int, str]] = {
    "numeric_out_of_range": ("instructor", numeric_out_of_range, 400, "numeric_value_out_of_range"),
    "infinite_price": ("instructor", infinite_price, 400, "numeric_value_out_of_range"),
    "bad_byte_sequence": ("student", bad_byte_sequence, 400, "invalid_byte_sequence"),
    "nul_in_json": ("student", nul_in_json, 400, "untranslatable_character"),
    "nul_in_text": ("instructor", nul_in_text, 400, "invalid_input"),
    "generated_column": ("student", generated_column, 400, "generated_always"),
    "table_privilege": ("org_admin", table_privilege, 403, "permission_denied"),
    "row_security": ("student", row_security, 403, "permission_denied"),
    "blank_reason": ("student", blank_reason, 403, "permission_denied"),
    "restrict_violation": ("student", restrict_violation, 400, "restrict_violation"),
}


def actor(world: World, kind: str) -> User:
    return getattr(world.a, kind)


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.mark.parametrize("case", sorted(CASES))
def test_classify_maps_each_real_error(world: World, case: str) -> None:
    kind, attack, status, code = CASES[case]
    with acting_as(actor(world, kind)):
        with pytest.raises(DatabaseError) as info:
            with transaction.atomic():
                attack(world)
    refusal = classify(info.value)
    assert refusal is not None, info.value
    assert (refusal.status, refusal.code) == (status, code)
    assert refusal.code and refusal.detail.strip()
    assert not refusal.retryable


# Views that run one case inside the request (the middleware has already entered the app role).
_world: dict[str, World] = {}


def plain_view(request: HttpRequest, case: str) -> JsonResponse:
    CASES[case][1](_world["w"])
    return JsonResponse({"ok": True})


class CaseApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request: HttpRequest, case: str) -> Response:
        CASES[case][1](_world["w"])
        return Response({"ok": True})


def lock_wait(request: HttpRequest) -> JsonResponse:
    _sql("SET LOCAL lock_timeout = '200ms'")
    _sql("SELECT id FROM payments FOR UPDATE")
    return JsonResponse({"ok": True})


class LockWaitApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request: HttpRequest) -> Response:
        lock_wait(request)
        return Response({"ok": True})


urlpatterns = [
    path("plain/lock/", lock_wait),
    path("plain/<str:case>/", plain_view),
    path("api/v1/lock/", LockWaitApi.as_view()),
    path("api/v1/<str:case>/", CaseApi.as_view()),
]


def client_for(user: User) -> Client:
    client = Client(enforce_csrf_checks=False)
    assert client.login(username=user.email, password=PASSWORD)
    return client


def error_code(response: object) -> str:
    body = json.loads(response.content)  # type: ignore[attr-defined]
    return body["errors"][0]["code"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_middleware_and_api_answer_each_error(world: World, case: str) -> None:
    kind, _attack, status, code = CASES[case]
    _world["w"] = world
    client = client_for(actor(world, kind))
    plain = client.get(f"/plain/{case}/", HTTP_ACCEPT="application/json")
    assert (plain.status_code, error_code(plain)) == (status, code)
    api = client.post(f"/api/v1/{case}/")
    assert (api.status_code, error_code(api)) == (status, code)


@pytest.fixture
def payments_locked() -> Iterator[None]:
    """Another session holds a lock on ``payments`` that blocks FOR UPDATE (nothing of the test's is touched)."""
    params = connection.get_connection_params()  # the embedded server's socket too
    other = psycopg.connect(host=params.get("host"), port=params.get("port"), user=params.get("user"),
                            password=params.get("password"), dbname=params["dbname"])
    try:
        other.execute("LOCK TABLE payments IN EXCLUSIVE MODE")
        yield
    finally:
        other.rollback()
        other.close()


def test_lock_not_available_is_a_conflict(payments_locked: None) -> None:
    user = User.objects.create_user("locked@example.com", PASSWORD, full_name="Locked")
    client = client_for(user)
    plain = client.get("/plain/lock/", HTTP_ACCEPT="application/json")
    assert (plain.status_code, error_code(plain)) == (409, "lock_not_available")
    api = client.post("/api/v1/lock/")
    assert (api.status_code, error_code(api)) == (409, "lock_not_available")
