"""Test-only views that expose the request security context (used with pytest.mark.urls)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations.models import Organization, User


def whoami(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('app.current_user_id', true)")
        role, user_id = cursor.fetchone()
    return JsonResponse({"role": role, "user_id": user_id, "in_atomic": connection.in_atomic_block})


def write_then_fail(request: HttpRequest) -> JsonResponse:
    Organization.objects.filter(slug=request.GET["slug"]).update(name="half-written")
    raise RuntimeError("boom after a write")


def promote_self(request: HttpRequest) -> JsonResponse:
    User.objects.filter(pk=request.user.pk).update(role="admin")  # the guard refuses: 42501
    return JsonResponse({"ok": True})


def duplicate_email(request: HttpRequest) -> JsonResponse:
    User.objects.filter(pk=request.user.pk).update(email=request.GET["email"])  # 23505
    return JsonResponse({"ok": True})


def bad_status(request: HttpRequest) -> JsonResponse:
    User.objects.filter(pk=request.user.pk).update(timezone="UTC", status="bogus")
    return JsonResponse({"ok": True})


class PromoteSelfApi(APIView):
    def post(self, request: HttpRequest) -> Response:
        User.objects.filter(pk=request.user.pk).update(role="admin")
        return Response({"ok": True})


api_patterns = [path("promote/", PromoteSelfApi.as_view())]

urlpatterns = [
    path("whoami/", whoami),
    path("write-then-fail/", write_then_fail),
    path("promote-self/", promote_self),
    path("duplicate-email/", duplicate_email),
    path("bad-status/", bad_status),
    path("api/v1/", include(api_patterns)),
]
