"""The request security context: every request runs under the app role with the caller's id, the
context never outlives the request, and database refusals become 4xx answers with nothing written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from humanglue.security.context import security_context, system_context
from organizations.models import Organization, User
from tests.sample_data import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.organizations.urls_context")]


def session_state() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, coalesce(current_setting('app.current_user_id', true), '')")
        return cursor.fetchone()


@pytest.fixture
def member() -> User:
    org = Organization.objects.create(name="Acme", slug="acme")
    return User.objects.create_user("m@example.com", PASSWORD, full_name="Member", organization=org)


def logged_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def test_request_runs_under_the_app_role_with_the_caller(member: User) -> None:
    body = logged_in(member).get("/whoami/").json()
    assert body == {"role": "humanglue_app", "user_id": str(member.pk), "in_atomic": True}


def test_anonymous_request_has_an_empty_caller() -> None:
    body = Client().get("/whoami/").json()
    assert body["role"] == "humanglue_app" and body["user_id"] == ""


def test_context_does_not_outlive_the_request(member: User) -> None:
    owner = session_state()[0]
    logged_in(member).get("/whoami/")
    assert session_state() == (owner, "")  # same connection, no role, no user id left behind


def test_an_exception_rolls_back_and_leaves_nothing_behind(member: User) -> None:
    owner = session_state()[0]
    client = logged_in(member)
    client.raise_request_exception = False
    response = client.get("/write-then-fail/", {"slug": "acme"})
    assert response.status_code == 500
    assert Organization.objects.get(slug="acme").name == "Acme"  # the write was rolled back
    assert session_state() == (owner, "")


def test_guard_refusal_is_a_403_not_a_500(member: User) -> None:
    response = logged_in(member).get("/promote-self/")
    assert response.status_code == 403
    assert b"privileged_column" in response.content
    member.refresh_from_db()
    assert member.role == "member"


def test_unique_violation_is_a_409(member: User) -> None:
    User.objects.create_user("taken@example.com", PASSWORD, full_name="Other")
    response = logged_in(member).get("/duplicate-email/", {"email": "taken@example.com"},
                                     HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "users_email_key"


def test_check_violation_is_a_400(member: User) -> None:
    response = logged_in(member).get("/bad-status/", HTTP_ACCEPT="application/json")
    # status is privileged: the guard answers first with 403; as the owner the CHECK would say 400
    assert response.status_code == 403
    from django.db import IntegrityError, transaction

    from humanglue.db.errors import classify

    with pytest.raises(IntegrityError) as info, transaction.atomic():  # as the owner: the CHECK speaks
        User.objects.filter(pk=member.pk).update(status="bogus")
    refusal = classify(info.value)
    assert refusal is not None and (refusal.status, refusal.code) == (400, "users_status_check")


def test_api_errors_use_the_json_shape(member: User) -> None:
    response = logged_in(member).post("/api/v1/promote/")
    assert response.status_code == 403
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "privileged_column", "detail": response.json()["errors"][0]["detail"], "attr": None}],
    }
    member.refresh_from_db()
    assert member.role == "member"


def test_jwt_bearer_caller(member: User) -> None:
    from rest_framework_simplejwt.tokens import AccessToken

    token = str(AccessToken.for_user(member))
    body = Client().get("/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["user_id"] == str(member.pk)
    bad = Client().get("/whoami/", HTTP_AUTHORIZATION="Bearer not-a-token").json()
    assert bad["user_id"] == ""


def test_system_context_switches_to_the_system_role_and_back(member: User) -> None:
    with security_context(member.pk):
        assert session_state() == ("humanglue_app", str(member.pk))
        with system_context():
            assert session_state()[0] == "humanglue_system"
        assert session_state()[0] == "humanglue_app"
    assert session_state()[1] == ""
