"""``/api/``: the OpenAPI document, its two viewers (assets from drf-spectacular-sidecar, no CDN) and
version 1, where each app's ``api/urls.py`` is mounted."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

# The apps with endpoints, in the order the documentation lists them.
API_APPS = ["organizations", "instructors", "workshops", "assessments", "talent", "payments", "notifications"]

v1 = [path("", include(f"{app}.api.urls")) for app in API_APPS]



@extend_schema(exclude=True)
class NoSuchEndpoint(APIView):
    """Any other path under /api/: a 404 in the API's error shape, never Django's HTML page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request: Request, *args: object, **kwargs: object) -> None:
        raise NotFound("No such endpoint.")

    post = put = patch = delete = head = options = get


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("v1/", include(v1)),
    re_path(r"", NoSuchEndpoint.as_view()),
]
