"""The organization overview in the admin (issue 12): an org admin's organization at a glance.

Org admins see the organizations they administer (``app.is_org_admin``); platform admins pick any. Every
figure is read under the caller's row level security, through the selectors and policies the API uses:
the org admin policies show the organization's users, teams, courses, enrollments and workshops.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Count, F, Func, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from humanglue.admin.charts import BarChart, bar_chart
from humanglue.admin.site import staff_roles
from instructors.models import Course, Enrollment
from workshops.models import Workshop, WorkshopRegistration

from .models import Organization, Team
from .selectors import organization_members

TREND_MONTHS = 6


def administered_organizations(*, platform_admin: bool) -> QuerySet[Organization]:
    """The organizations the caller may overview: all for a platform admin, else those they administer."""
    organizations = Organization.objects.order_by("name")
    if platform_admin:
        return organizations
    administers = Func(F("id"), function="app.is_org_admin", output_field=BooleanField())
    return organizations.alias(administers=administers).filter(administers=True)


def _by_status(queryset: QuerySet, field: str = "status") -> dict[str, int]:
    return {row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("pk")).order_by(field)}


def adaptability_trend(*, organization_id: UUID, months: int = TREND_MONTHS) -> list[dict[str, Any]]:
    """``get_org_adaptability_trend``: monthly averages of completed assessments, oldest month first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT month, avg_overall_score, assessment_count "
                       "FROM public.get_org_adaptability_trend(%s, %s) ORDER BY month", [organization_id, months])
        return [{"month": m, "score": s, "assessments": n} for m, s, n in cursor.fetchall()]


def trend_chart(rows: list[dict[str, Any]]) -> BarChart:
    return bar_chart("Average adaptability score by month (completed assessments)",
                     [(row["month"].strftime("%b %y"), row["score"] or 0) for row in rows])


def organization_figures(organization: Organization) -> dict[str, Any]:
    """Members, teams, courses, enrollments (with completion), workshops and the adaptability trend."""
    members = organization_members(organization_id=organization.pk)
    enrollments = _by_status(Enrollment.objects.filter(organization=organization))
    total = sum(enrollments.values())
    completed = enrollments.get("completed", 0)
    courses = _by_status(Course.objects.filter(organization=organization))
    workshops = _by_status(Workshop.objects.filter(organization=organization))
    trend = adaptability_trend(organization_id=organization.pk)
    return {
        "member_count": members.count(),
        "members_by_role": _by_status(members, "role"),
        "teams": list(Team.objects.filter(organization=organization).annotate(member_count=Count("members"))
                      .order_by("name").values("id", "name", "member_count")),
        "courses_by_status": courses,
        "course_count": sum(courses.values()),
        "enrollments_by_status": enrollments,
        "enrollment_count": total,
        "completion_rate": round(100 * completed / total) if total else None,
        "workshops_by_status": workshops,
        "workshop_count": sum(workshops.values()),
        "registration_count": WorkshopRegistration.objects.filter(organization=organization).count(),
        "trend": trend,
        "chart": trend_chart(trend),
    }


def organization_overview(request: HttpRequest, site: AdminSite) -> HttpResponse:
    roles = staff_roles(request)
    if not (roles.org_admin or roles.platform_admin):
        raise PermissionDenied("The organization overview is for organization admins and platform admins.")
    choices = list(administered_organizations(platform_admin=roles.platform_admin))
    wanted = request.GET.get("organization", "")
    # An unknown or foreign value is ignored: the first organization the caller may overview is shown.
    organization = next((o for o in choices if str(o.pk) == wanted), choices[0] if choices else None)
    context: dict[str, Any] = {**site.each_context(request), "title": "Organization overview",
                               "choices": choices if len(choices) > 1 else [], "organization": organization}
    if organization is not None:
        context.update(organization_figures(organization))
    request.current_app = site.name
    return TemplateResponse(request, "admin/organizations/overview.html", context)
