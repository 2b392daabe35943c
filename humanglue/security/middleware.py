"""Every request runs in one transaction under the app role (DESIGN.md §3, spec 00 §1).

The caller is resolved first: the user a bearer token names (signed: no database read), or the
session's user (an authentication lookup, in the system context). Then the transaction starts with
SET LOCAL ROLE humanglue_app and app.current_user_id. Any error response rolls the transaction back;
database refusals become 403/400/409 answers; serialization failures and deadlocks are retried up to
three times, then answered with 409.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import APIException

from humanglue.db.errors import DatabaseRefusal, classify

from .context import enter_app_role, leave_app_role, system_context

MAX_ATTEMPTS = 3


def bearer_user_id(request: HttpRequest) -> str | None:
    """The user id a valid bearer access token names, or None. No database read: the token is signed;
    the user row is read afterwards by DRF's authentication, under the app role as that user (who may
    read their own row), which refuses an inactive or deleted user with a 401."""
    from rest_framework_simplejwt.authentication import JWTAuthentication
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.settings import api_settings

    authentication = JWTAuthentication()
    raw = authentication.get_raw_token(authentication.get_header(request) or b"")
    if raw is None:
        return None
    try:
        token = authentication.get_validated_token(raw)
    except (TokenError, APIException):
        return None  # DRF answers 401 itself when the view authenticates
    user_id = token.get(api_settings.USER_ID_CLAIM)
    return str(user_id) if user_id else None


def session_user_id(request: HttpRequest) -> UUID | None:
    """The session's user (an authentication lookup in django_session and users: the system context)."""
    with system_context():
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user.pk
    return None


def resolve_caller(request: HttpRequest) -> UUID | str | None:
    """The caller: a bearer token's user (as DRF authenticates first), else the session's; None = anonymous."""
    if request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
        return bearer_user_id(request)
    return session_user_id(request)


def refusal_response(request: HttpRequest, refusal: DatabaseRefusal) -> HttpResponse:
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(refusal.as_json(), status=refusal.status)
    return HttpResponse(f"{refusal.detail} ({refusal.code})", status=refusal.status, content_type="text/plain")


class SecurityContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.exempt = tuple(getattr(settings, "SECURITY_CONTEXT_EXEMPT_PATHS", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.exempt):
            return self.get_response(request)
        caller = resolve_caller(request)
        for _attempt in range(MAX_ATTEMPTS):
            request._retry_transaction = False  # type: ignore[attr-defined]
            with transaction.atomic():
                enter_app_role(caller)
                response = self.get_response(request)
                if response.status_code >= 400:
                    transaction.set_rollback(True)  # nothing half-written
            if connection.in_atomic_block:
                # Only when nested in an outer transaction (tests, ATOMIC_REQUESTS): a released
                # savepoint keeps SET LOCAL until the outer transaction ends, so undo it here.
                leave_app_role()
            if not request._retry_transaction:  # type: ignore[attr-defined]
                break
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        transaction.set_rollback(True)
        refusal = classify(exception)
        if refusal is None:
            return None  # a server error: Django answers 500
        if refusal.retryable:
            request._retry_transaction = True  # type: ignore[attr-defined]
        return refusal_response(request, refusal)
