from django.contrib import admin
from django.urls import include, path

from .health import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("humanglue.api.urls")),
]
