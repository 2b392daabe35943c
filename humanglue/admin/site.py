"""The project's admin site: Django's, for the platform's staff roles (issue 12).

- Platform admins are superusers; org admins and instructors are staff whose permissions come from the
  seeded groups (``organizations.seed.STAFF_GROUPS``). Row level security decides the rows of every page.
- The login form tells a user with the right password but no staff flag that the account has no admin
  access (a wrong password still says only that the e-mail or password is wrong).
- The dashboard pages (instructor dashboard, organization overview) are admin views, listed on the index
  under "Dashboards" for the roles that may open them.
- The secret columns of joined users are left out of "Recent actions".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse


@dataclass(frozen=True)
class StaffRoles:
    """What the caller is, as the database's own helpers define it (spec 10 §5, spec 20 §5)."""

    platform_admin: bool
    instructor: bool
    org_admin: bool


def staff_roles(request: HttpRequest) -> StaffRoles:
    """The caller's roles, asked once per request (the admin's pages run under the caller's context)."""
    cached = getattr(request, "_staff_roles", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app.is_platform_admin(), app.is_instructor(), "
                           "EXISTS (SELECT 1 FROM public.organizations o WHERE app.is_org_admin(o.id))")
            cached = StaffRoles(*cursor.fetchone())
        request._staff_roles = cached  # type: ignore[attr-defined]
    return cached


class HumanGlueAdminSite(admin.AdminSite):
    # The backend has no public home page; the API's documentation is what there is to "view".
    site_url = "/api/docs/"

    @property
    def login_form(self) -> type:
        # Imported when used: this module is loaded with the app registry, before forms may import models.
        from .login import StaffAuthenticationForm

        return StaffAuthenticationForm

    def get_urls(self) -> list[URLPattern]:
        urls = [
            path("dashboards/instructor/", self.admin_view(self.instructor_dashboard_view),
                 name="instructor_dashboard"),
            path("dashboards/organization/", self.admin_view(self.organization_overview_view),
                 name="organization_overview"),
            path("dashboards/live-notifications/", self.admin_view(self.live_notifications_view),
                 name="live_notifications"),
        ]
        return urls + super().get_urls()

    def instructor_dashboard_view(self, request: HttpRequest) -> HttpResponse:
        from instructors.admin_pages import instructor_dashboard

        return instructor_dashboard(request, self)

    def organization_overview_view(self, request: HttpRequest) -> HttpResponse:
        from organizations.admin_pages import organization_overview

        return organization_overview(request, self)

    def live_notifications_view(self, request: HttpRequest) -> HttpResponse:
        from notifications.admin_pages import live_notifications

        return live_notifications(request, self)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        if app_label is None:
            dashboards = self._dashboard_entries(request)
            if dashboards:
                apps.insert(0, {"name": "Dashboards", "app_label": "dashboards", "has_module_perms": True,
                                "app_url": dashboards[0]["admin_url"], "models": dashboards})
        return apps

    def _dashboard_entries(self, request: HttpRequest) -> list[dict[str, Any]]:
        """The dashboard pages the caller may open, shaped like the index's model rows."""
        if not (request.user.is_active and request.user.is_staff):
            return []
        roles = staff_roles(request)
        pages = []
        if roles.instructor or roles.platform_admin:
            pages.append(("Instructor dashboard", "InstructorDashboard", "admin:instructor_dashboard"))
        if roles.org_admin or roles.platform_admin:
            pages.append(("Organization overview", "OrganizationOverview", "admin:organization_overview"))
        # Every staff member's own inbox, live over /ws/realtime/ (issue 14).
        pages.append(("Live notifications", "LiveNotifications", "admin:live_notifications"))
        return [{"name": name, "object_name": object_name, "admin_url": reverse(url_name, current_app=self.name),
                 "add_url": None, "view_only": True, "perms": {"view": True}}
                for name, object_name, url_name in pages]

    def get_log_entries(self, request: HttpRequest) -> QuerySet:
        # "Recent actions" joins users; the app role may not read password hashes. (Imported here: this
        # module is loaded with the app registry, before models may be defined.)
        from humanglue.db.columns import defer_related_secrets

        return defer_related_secrets(super().get_log_entries(request))


class HumanGlueAdminConfig(AdminConfig):
    default_site = "humanglue.admin.site.HumanGlueAdminSite"
