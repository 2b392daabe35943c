"""``/api/``: the OpenAPI document, its two viewers (assets from drf-spectacular-sidecar, no CDN) and
version 1, where each app's ``api/urls.py`` is mounted."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

# The apps with endpoints, in the order the documentation lists them.
API_APPS = ["organizations", "instructors"]

v1 = [path("", include(f"{app}.api.urls")) for app in API_APPS]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("v1/", include(v1)),
]
