"""The instructor dashboard in the admin (issue 12): the four dashboard functions of spec 30 on one page.

An instructor sees their own figures; a platform admin picks an instructor. The functions' own check
(``assert_instructor_access``: the instructor themself or a platform admin) stays the net: a request
parameter is read only for platform admins, everyone else gets their own id.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from humanglue.admin.charts import BarChart, bar_chart
from humanglue.admin.site import staff_roles
from organizations.selectors import people_by_id

from .models import InstructorProfile
from .portal_selectors import StudentProgressRows, dashboard_stats

STUDENTS_PER_PAGE = 10
RECENT_ACTIVITY = 10
REVENUE_MONTHS = 12

# One row per calendar month (UTC) of the last REVENUE_MONTHS, summed over transaction types; the
# function's bounds are inclusive, so a month ends one microsecond before the next one starts.
_REVENUE_BY_MONTH = """
SELECT m.month::date, COALESCE(sum(r.total_earnings), 0), COALESCE(sum(r.total_amount), 0),
       COALESCE(sum(r.transaction_count), 0)::integer
FROM generate_series(date_trunc('month', now()) - make_interval(months => %s - 1), date_trunc('month', now()),
                     interval '1 month') AS m(month)
LEFT JOIN LATERAL public.get_instructor_revenue_breakdown(
    %s, m.month, m.month + interval '1 month' - interval '1 microsecond') r ON true
GROUP BY m.month ORDER BY m.month
"""


def revenue_by_month(*, instructor_id: UUID, months: int = REVENUE_MONTHS) -> list[dict[str, Any]]:
    """``get_instructor_revenue_breakdown`` per month: earnings, charged amount and transactions."""
    with connection.cursor() as cursor:
        cursor.execute(_REVENUE_BY_MONTH, [months, instructor_id])
        return [{"month": month, "earnings": earnings, "amount": amount, "transactions": count}
                for month, earnings, amount, count in cursor.fetchall()]


def recent_activity(*, instructor_id: UUID, limit: int = RECENT_ACTIVITY) -> list[dict[str, Any]]:
    """``get_instructor_recent_activity``: the newest events of the instructor's students."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT student_name, activity_type::text, activity_title, course_title, workshop_title, occurred_at "
            "FROM public.get_instructor_recent_activity(%s, %s)", [instructor_id, limit])
        names = ("student_name", "activity_type", "activity_title", "course_title", "workshop_title", "occurred_at")
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def revenue_chart(rows: list[dict[str, Any]]) -> BarChart:
    return bar_chart("Earnings by month (completed transactions)",
                     [(row["month"].strftime("%b %y"), row["earnings"]) for row in rows], unit="$")


def _instructor_choices() -> list[tuple[UUID, str]]:
    """Every instructor, by name (for platform admins, who see every profile)."""
    ids = list(InstructorProfile.objects.values_list("user_id", flat=True))
    people = people_by_id(ids)
    return sorted(((i, people[i].full_name if i in people else str(i)) for i in ids), key=lambda c: c[1])


def _chosen_instructor(request: HttpRequest, choices: list[tuple[UUID, str]]) -> UUID | None:
    wanted = request.GET.get("instructor", "")
    for pk, _name in choices:
        if str(pk) == wanted:
            return pk
    return choices[0][0] if choices else None  # an unknown value is ignored, not an error


def instructor_dashboard(request: HttpRequest, site: AdminSite) -> HttpResponse:
    roles = staff_roles(request)
    choices: list[tuple[UUID, str]] = []
    if roles.platform_admin:
        choices = _instructor_choices()
        instructor_id = _chosen_instructor(request, choices)
    elif roles.instructor:
        instructor_id = request.user.pk
    else:
        raise PermissionDenied("The instructor dashboard is for instructors and platform admins.")

    context: dict[str, Any] = {**site.each_context(request), "title": "Instructor dashboard",
                               "choices": choices, "instructor_id": instructor_id}
    if instructor_id is not None:
        person = people_by_id([instructor_id]).get(instructor_id)
        revenue = revenue_by_month(instructor_id=instructor_id)
        students = Paginator(StudentProgressRows(instructor_id=instructor_id), STUDENTS_PER_PAGE)
        context.update(
            instructor_name=person.full_name if person else "",
            stats=dashboard_stats(instructor_id=instructor_id),
            students=students.get_page(request.GET.get("page")),
            activity=recent_activity(instructor_id=instructor_id),
            revenue=revenue,
            revenue_total=sum((row["earnings"] for row in revenue), Decimal(0)),
            chart=revenue_chart(revenue),
            today=datetime.date.today(),
        )
    request.current_app = site.name
    return TemplateResponse(request, "admin/instructors/dashboard.html", context)
