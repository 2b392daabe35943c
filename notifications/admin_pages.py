"""The staff page "Live notifications" (issue 14): the signed-in staff member's inbox, kept live by
``realtime.js`` over ``/ws/realtime/`` (session authentication). It is how a front-end developer sees the
protocol working: the list is rendered with the resume cursor taken before its query, then the page
connects with that cursor, so nothing committed after the rendering is missed."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .selectors import notification_inbox, realtime_cursor, unread_count

PAGE_SIZE = 50


def live_notifications(request: HttpRequest, site: AdminSite) -> HttpResponse:
    cursor = realtime_cursor()  # before the listing (spec 40, "Resume")
    rows = list(notification_inbox(user_id=request.user.pk).order_by("-created_at", "-id")[:PAGE_SIZE])
    context: dict[str, Any] = {
        **site.each_context(request),
        "title": "Live notifications",
        "notifications": rows,
        "unread": unread_count(user_id=request.user.pk),
        "realtime": {"cursor": cursor, "url": "/ws/realtime/", "storageKey": f"humanglue.realtime.{request.user.pk}"},
    }
    return TemplateResponse(request, "admin/notifications/live.html", context)
