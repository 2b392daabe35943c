"""The user model: e-mail login, database defaults, and the admin login."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db import DataError, IntegrityError, connection, transaction
from django.test import Client

from organizations.models import Organization, User

pytestmark = pytest.mark.django_db

PASSWORD = "correct-Horse-battery-9"


def test_create_user_stores_lowercase_email_and_database_defaults() -> None:
    user = User.objects.create_user("Ada@Example.COM", PASSWORD, full_name="Ada Lovelace")
    user.refresh_from_db()
    assert user.email == "ada@example.com"
    assert user.role == "member" and user.status == "active" and user.is_active
    assert user.timezone == "UTC" and user.language == "en"
    assert user.created_at is not None and user.check_password(PASSWORD)


def test_login_by_email_is_case_insensitive() -> None:
    User.objects.create_user("grace@example.com", PASSWORD, full_name="Grace Hopper")
    assert authenticate(username="GRACE@example.com", password=PASSWORD) is not None
    assert authenticate(username="grace@example.com", password="wrong") is None


def test_email_is_unique_whatever_the_case() -> None:
    User.objects.create_user("dup@example.com", PASSWORD, full_name="One")
    with connection.cursor() as cursor, pytest.raises(IntegrityError), transaction.atomic():
        cursor.execute("INSERT INTO users (email, full_name) VALUES ('DUP@example.com', 'Two')")


def test_sql_insert_needs_only_email_and_name() -> None:
    """Database defaults make a row valid without Django (id, password, timestamps, jsonb...)."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO users (email, full_name) VALUES ('raw@example.com', 'Raw') RETURNING id")
        user_id = cursor.fetchone()[0]
    user = User.objects.get(pk=user_id)
    assert user.password == "!" and not user.has_usable_password()
    assert user.preferences == {} and user.metadata == {}


def test_role_is_the_user_role_enum() -> None:
    org = Organization.objects.create(name="Acme", slug="acme")
    User.objects.create_user("lead@example.com", PASSWORD, full_name="Lead", organization=org, role="team_lead")
    assert User.objects.filter(role__in=["team_lead", "org_admin"]).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_typeof(role)::text FROM users WHERE email = 'lead@example.com'")
        assert cursor.fetchone()[0] == "user_role"
    with pytest.raises(DataError), transaction.atomic():  # not a value of the enum
        User.objects.create_user("bad@example.com", PASSWORD, full_name="Bad", role="instructor")


def test_superuser_logs_in_to_the_admin() -> None:
    User.objects.create_superuser("admin@example.com", PASSWORD, full_name="Admin")
    client = Client()
    page = client.get("/admin/login/")
    assert page.status_code == 200 and b"Email" in page.content
    response = client.post("/admin/login/?next=/admin/", {"username": "Admin@example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    index = client.get("/admin/")
    assert index.status_code == 200 and b"Site administration" in index.content
    assert client.get("/admin/organizations/user/").status_code == 200


def test_wrong_password_does_not_log_in() -> None:
    User.objects.create_superuser("admin2@example.com", PASSWORD, full_name="Admin")
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "admin2@example.com", "password": "nope"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
