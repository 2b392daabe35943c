"""Every list is paginated: pages of 20 by default, at most 100 (``?page_size=``)."""

from __future__ import annotations

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class NewestFirstCursorPagination(pagination.CursorPagination):
    """For append-only lists that grow large (notifications, activity): stable pages while rows arrive,
    no COUNT over the whole list."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-id")
