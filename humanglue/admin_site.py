"""The project's admin site: Django's, with the secret columns of joined users left out."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import QuerySet
from django.http import HttpRequest


class HumanGlueAdminSite(admin.AdminSite):
    def get_log_entries(self, request: HttpRequest) -> QuerySet:
        # "Recent actions" joins users; the app role may not read password hashes.
        return super().get_log_entries(request).defer("user__password")


class HumanGlueAdminConfig(AdminConfig):
    default_site = "humanglue.admin_site.HumanGlueAdminSite"


def defer_history_user_secrets(response: Any) -> Any:
    """The object history page joins each entry's user: leave its password hash out of the SELECT."""
    page = getattr(response, "context_data", None) and response.context_data.get("action_list")
    if page is not None:
        page.object_list = page.object_list.defer("user__password")
    return response
