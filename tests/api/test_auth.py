"""/api/v1/auth/: tokens with rotation and revocation, signup, organization registration, passwords, me."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from rest_framework.test import APIClient

from humanglue.api.throttling import LoginAccountThrottle, LoginAddressThrottle
from organizations.models import Organization, User, UserRoleGrant
from tests.api_client import assert_error, client_for
from tests.db import fetch
from tests.sample_data import PASSWORD
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture
def world():
    return build_world()


def login(email: str, password: str = PASSWORD):
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def test_login_answers_tokens_and_the_profile_without_secrets(world) -> None:
    response = login(world.a.student.email.upper())  # e-mail is case-insensitive
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"access", "refresh", "user"} <= body.keys()
    assert body["user"]["id"] == str(world.a.student.pk)
    assert "password" not in body["user"]
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.get("/api/v1/auth/me/").json()["email"] == world.a.student.email


@pytest.mark.parametrize("email, password", [("a-student@example.com", "wrong-password"),
                                             ("nobody@example.com", PASSWORD)])
def test_bad_credentials_answer_401_the_same_way(world, email: str, password: str) -> None:
    assert_error(login(email, password), 401, "invalid_credentials")


def test_an_inactive_account_cannot_log_in(world) -> None:
    User.objects.filter(pk=world.a.member.pk).update(status="suspended")
    assert_error(login(world.a.member.email), 401, "invalid_credentials")


def test_malformed_and_incomplete_login_requests_answer_400(world) -> None:
    response = APIClient().post("/api/v1/auth/token/", "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")
    assert_error(APIClient().post("/api/v1/auth/token/", {"password": "x"}, format="json"), 400, "required", "email")


def test_me_needs_a_valid_token() -> None:
    assert_error(APIClient().get("/api/v1/auth/me/"), 401, "not_authenticated")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert_error(client.get("/api/v1/auth/me/"), 401, "token_not_valid")


def test_refresh_rotates_and_the_old_refresh_token_stops_working(world) -> None:
    refresh = login(world.a.student.email).json()["refresh"]
    client = APIClient()
    first = client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["refresh"] != refresh
    assert_error(client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json"), 401,
                 "token_not_valid")
    again = client.post("/api/v1/auth/token/refresh/", {"refresh": first.json()["refresh"]}, format="json")
    assert again.status_code == 200, again.content


def test_logout_revokes_the_refresh_token(world) -> None:
    refresh = login(world.a.student.email).json()["refresh"]
    client = APIClient()
    assert client.post("/api/v1/auth/logout/", {"refresh": refresh}, format="json").status_code == 204
    assert_error(client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json"), 401,
                 "token_not_valid")
    assert_error(client.post("/api/v1/auth/logout/", {"refresh": "garbage"}, format="json"), 401, "token_not_valid")


def test_a_suspended_user_cannot_refresh(world) -> None:
    refresh = login(world.a.member.email).json()["refresh"]
    User.objects.filter(pk=world.a.member.pk).update(status="suspended")
    response = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code == 401, response.content


def test_the_app_role_cannot_read_the_refresh_token_tables(world) -> None:
    login(world.a.student.email)
    from django.db import DatabaseError, transaction

    from tests.db import as_user

    for table in ("token_blacklist_outstandingtoken", "token_blacklist_blacklistedtoken"):
        with pytest.raises(DatabaseError) as info, transaction.atomic(), as_user(world.a.student):
            fetch(f"SELECT count(*) FROM {table}")
        assert info.value.__cause__.sqlstate == "42501"


def test_login_is_throttled_per_account_and_per_address(world, monkeypatch) -> None:
    monkeypatch.setattr(LoginAccountThrottle, "THROTTLE_RATES", {"login_account": "3/min"})
    monkeypatch.setattr(LoginAddressThrottle, "THROTTLE_RATES", {"login_address": "5/min"})
    for _ in range(3):
        assert_error(login(world.a.student.email, "wrong"), 401)
    response = login(world.a.student.email)  # even the right password: the account is throttled
    assert_error(response, 429, "throttled")
    assert "Retry-After" in response.headers
    # Another account from the same address: counted per address too (4th and 5th pass, 6th refused).
    assert login(world.b.student.email).status_code == 200
    assert_error(login(world.b.member.email), 429, "throttled")
    # The counts live in Django's cache (Redis when REDIS_URL is set), where every worker sees them.
    from django.conf import settings

    assert cache.get(LoginAddressThrottle().cache_format % {"scope": "login_address", "ident": "127.0.0.1"})
    expected = "RedisCache" if settings.REDIS_URL else "LocMemCache"
    assert settings.CACHES["default"]["BACKEND"].endswith(expected)


def test_signup_creates_an_account_and_logs_in() -> None:
    response = APIClient().post("/api/v1/auth/signup/", {"email": "New.Person@Example.com",
                                                         "password": "a-Long-passphrase-7", "full_name": " New "},
                                format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["email"] == "new.person@example.com"
    assert body["user"]["full_name"] == "New"
    assert body["user"]["organization"] is None and body["user"]["role"] == "member"
    assert User.objects.filter(email="new.person@example.com").exists()


def test_signup_refusals_answer_400_and_write_nothing(world) -> None:
    before = User.objects.count()
    taken = APIClient().post("/api/v1/auth/signup/", {"email": world.a.student.email.upper(),
                                                      "password": "a-Long-passphrase-7", "full_name": "X"},
                             format="json")
    assert_error(taken, 400, attr="email")
    weak = APIClient().post("/api/v1/auth/signup/", {"email": "weak@example.com", "password": "123",
                                                     "full_name": "X"}, format="json")
    assert_error(weak, 400, attr="password")
    bad = APIClient().post("/api/v1/auth/signup/", {"email": "not-an-email", "password": "a-Long-passphrase-7",
                                                    "full_name": "X"}, format="json")
    assert_error(bad, 400, "invalid", "email")
    assert User.objects.count() == before


def test_signup_cannot_choose_privileges() -> None:
    response = APIClient().post("/api/v1/auth/signup/", {
        "email": "sneaky@example.com", "password": "a-Long-passphrase-7", "full_name": "Sneaky",
        "role": "admin", "is_staff": True, "is_superuser": True, "organization": None}, format="json")
    assert response.status_code == 201
    user = User.objects.get(email="sneaky@example.com")
    assert (user.role, user.is_staff, user.is_superuser) == ("member", False, False)


def test_organization_registration_makes_the_first_org_admin() -> None:
    response = APIClient().post("/api/v1/auth/register-organization/", {
        "organization_name": "Acme Learning", "email": "boss@acme.example", "password": "a-Long-passphrase-7",
        "full_name": "Boss"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    org = Organization.objects.get(pk=body["organization"]["id"])
    assert org.slug == "acme-learning"
    user = User.objects.get(email="boss@acme.example")
    assert (user.organization_id, user.role) == (org.pk, "org_admin")
    assert UserRoleGrant.objects.filter(user=user, organization=org, role="org_admin").exists()
    assert fetch("SELECT primary_contact_id FROM organizations WHERE id = %s", [org.pk]) == [(user.pk,)]
    again = APIClient().post("/api/v1/auth/register-organization/", {
        "organization_name": "Acme Learning", "email": "other@acme.example", "password": "a-Long-passphrase-7",
        "full_name": "Other"}, format="json")
    assert_error(again, 400, "slug_taken", "organization_slug")
    assert not User.objects.filter(email="other@acme.example").exists()


def test_password_reset_answers_the_same_for_unknown_addresses_and_mails_known_ones(world) -> None:
    old_refresh = login(world.a.student.email).json()["refresh"]  # before the link: a login invalidates it
    unknown = APIClient().post("/api/v1/auth/password/reset/", {"email": "nobody@example.com"}, format="json")
    known = APIClient().post("/api/v1/auth/password/reset/", {"email": world.a.student.email}, format="json")
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.a.student.email]
    uid, token = re.search(r"uid=([^&\s]+)&token=(\S+)", mail.outbox[0].body).groups()

    confirm = APIClient().post("/api/v1/auth/password/reset/confirm/",
                               {"uid": uid, "token": token, "new_password": "brand-New-secret-9"}, format="json")
    assert confirm.status_code == 204, confirm.content
    assert login(world.a.student.email, "brand-New-secret-9").status_code == 200
    assert_error(login(world.a.student.email), 401)
    # The link works once, and older refresh tokens are revoked.
    reuse = APIClient().post("/api/v1/auth/password/reset/confirm/",
                             {"uid": uid, "token": token, "new_password": "another-New-secret-9"}, format="json")
    assert_error(reuse, 400, "invalid_token", "token")
    assert_error(APIClient().post("/api/v1/auth/token/refresh/", {"refresh": old_refresh}, format="json"), 401)


@pytest.mark.parametrize("uid", ["", "!!!", "bm90LWEtdXVpZA", "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"])
def test_password_reset_confirm_refuses_forged_links(world, uid: str) -> None:
    response = APIClient().post("/api/v1/auth/password/reset/confirm/",
                                {"uid": uid or "x", "token": "1-abc", "new_password": "brand-New-secret-9"},
                                format="json")
    assert_error(response, 400, "invalid_token")


def test_password_change_needs_the_current_password_and_revokes_refresh_tokens(world) -> None:
    tokens = login(world.a.student.email).json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    wrong = client.post("/api/v1/auth/password/change/", {"old_password": "nope", "new_password": "brand-New-9x"},
                        format="json")
    assert_error(wrong, 400, "password_incorrect", "old_password")
    ok = client.post("/api/v1/auth/password/change/", {"old_password": PASSWORD, "new_password": "brand-New-9x-y"},
                     format="json")
    assert ok.status_code == 204, ok.content
    assert_error(APIClient().post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"), 401)
    assert login(world.a.student.email, "brand-New-9x-y").status_code == 200
    assert_error(APIClient().post("/api/v1/auth/password/change/", {}, format="json"), 401)


def test_me_updates_only_the_profile_columns(world) -> None:
    client = client_for(world.a.student)
    response = client.patch("/api/v1/auth/me/", {"full_name": "Renamed", "timezone": "Europe/Paris",
                                                 "preferences": {"theme": "dark"}, "role": "admin",
                                                 "email": "hijack@example.com", "organization": str(world.b.org.pk)},
                            format="json")
    assert response.status_code == 200, response.content
    user = User.objects.get(pk=world.a.student.pk)
    assert (user.full_name, user.timezone, user.preferences) == ("Renamed", "Europe/Paris", {"theme": "dark"})
    assert (user.role, user.email, user.organization_id) == ("member", world.a.student.email, world.a.org.pk)


@pytest.mark.parametrize("field, value", [("timezone", "Mars/Olympus"), ("full_name", "   "),
                                          ("avatar_url", "javascript:alert(1)"), ("preferences", [1, 2]),
                                          ("full_name", "x" * 201)])
def test_me_refuses_bad_values_with_400(world, field: str, value: object) -> None:
    response = client_for(world.a.student).patch("/api/v1/auth/me/", {field: value}, format="json")
    assert_error(response, 400, attr=field)


@pytest.mark.django_db(transaction=True)
def test_login_refresh_and_me_work_through_the_asgi_server_on_the_request_role(live_asgi_server: str) -> None:
    """The same flow as a real client: uvicorn, the humanglue_web login role, the system context."""
    import httpx
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    world = build_world()
    # The server runs the production hashers (this process's fast test hasher is not among them).
    User.objects.filter(pk=world.a.student.pk).update(
        password=PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt()))
    login_answer = httpx.post(f"{live_asgi_server}/api/v1/auth/token/",
                              json={"email": world.a.student.email, "password": PASSWORD}, timeout=10)
    assert login_answer.status_code == 200, login_answer.text
    tokens = login_answer.json()
    me = httpx.get(f"{live_asgi_server}/api/v1/auth/me/", headers={"Authorization": f"Bearer {tokens['access']}"},
                   timeout=10)
    assert me.status_code == 200 and me.json()["id"] == str(world.a.student.pk)
    refreshed = httpx.post(f"{live_asgi_server}/api/v1/auth/token/refresh/", json={"refresh": tokens["refresh"]},
                           timeout=10)
    assert refreshed.status_code == 200, refreshed.text
    signup = httpx.post(f"{live_asgi_server}/api/v1/auth/signup/",
                        json={"email": "live@example.com", "password": "a-Long-passphrase-7", "full_name": "Live"},
                        timeout=10)
    assert signup.status_code == 201, signup.text
