"""The project's admin site: Django's, with the secret columns of joined users left out."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import QuerySet
from django.http import HttpRequest


class HumanGlueAdminSite(admin.AdminSite):
    def get_log_entries(self, request: HttpRequest) -> QuerySet:
        # "Recent actions" joins users; the app role may not read password hashes. (Imported here: this
        # module is loaded with the app registry, before models may be defined.)
        from humanglue.db.columns import defer_related_secrets

        return defer_related_secrets(super().get_log_entries(request))


class HumanGlueAdminConfig(AdminConfig):
    default_site = "humanglue.admin.site.HumanGlueAdminSite"

