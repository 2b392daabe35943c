"""Every request runs in one transaction under the app role (DESIGN.md §3, spec 00 §1).

The caller is resolved first, as the owner (an authentication lookup is privileged), then the
transaction starts with SET LOCAL ROLE humanglue_app and app.current_user_id. Any error response
rolls the transaction back; database refusals become 403/400/409 answers; serialization failures and
deadlocks are retried up to three times, then answered with 409.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from humanglue.db.errors import DatabaseRefusal, classify

from .context import enter_app_role, leave_app_role, system_context

MAX_ATTEMPTS = 3


def _jwt_user_id(request: HttpRequest) -> UUID | None:
    if not request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
        return None
    from rest_framework.exceptions import APIException
    from rest_framework_simplejwt.authentication import JWTAuthentication

    from humanglue.api.authentication import REQUEST_ATTRIBUTE

    try:
        result = JWTAuthentication().authenticate(request)
    except APIException:
        return None  # DRF answers 401 itself when the view authenticates again
    if not result or not result[0].is_active:
        return None
    setattr(request, REQUEST_ATTRIBUTE, result)  # DRF's authentication reuses it (humanglue.api.authentication)
    return result[0].pk


def resolve_caller(request: HttpRequest) -> UUID | None:
    """The authenticated user's id (session or JWT bearer), looked up as the owner; None = anonymous."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return user.pk
    return _jwt_user_id(request)


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
        with system_context():  # an authentication lookup: sessions and users, before any caller exists
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
