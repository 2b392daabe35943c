"""``/api/v1/instructor/``: the instructor portal, the caller's own teaching figures.

Every read passes the CALLER's id to the spec 30 dashboard functions (``instructors.portal_selectors``);
no parameter names another instructor. The portal is for instructors (users with an instructor profile,
``app.is_instructor()``); others get 403 ``not_an_instructor``, except on ``profile/``, where creating the
profile is how one becomes an instructor.
"""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from humanglue.api.pagination import NewestFirstCursorPagination
from organizations.enums import ActivityType

from .. import portal_selectors, portal_services
from ..models import InstructorProfile, InstructorSettings, StudentActivity
from . import portal_serializers as s

RECENT_ACTIVITY = 20
TAGS = ["instructor portal"]

class IsInstructor(BasePermission):
    message = "Only instructors (users with an instructor profile) may use the instructor portal."
    code = "not_an_instructor"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return portal_selectors.caller_is_instructor(request.user.pk)

class PortalView(APIView):
    permission_classes = [IsAuthenticated, IsInstructor]

class DashboardView(PortalView):
    """The caller's live dashboard figures (``get_instructor_dashboard_stats``)."""

    @extend_schema(responses={200: s.DashboardSerializer}, tags=TAGS)
    def get(self, request: Request) -> Response:
        stats = portal_selectors.dashboard_stats(instructor_id=request.user.pk)
        return Response(s.DashboardSerializer(stats).data)

class StudentListView(generics.GenericAPIView):
    """The caller's students, one row per enrollment in the caller's courses (``get_instructor_student_progress``),
    with quiz, assignment and watch-time figures for that course. Default order: most recently active first.
    ``count`` is the number of matching enrollments (the function gives no total; it is counted alongside)."""

    permission_classes = [IsAuthenticated, IsInstructor]
    filter_backends: list = []
    serializer_class = s.StudentRowSerializer

    @extend_schema(parameters=[s.StudentListQuerySerializer], responses={200: s.StudentRowSerializer(many=True)},
                   tags=TAGS)
    def get(self, request: Request) -> Response:
        query = s.StudentListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows = portal_selectors.StudentProgressRows(
            instructor_id=request.user.pk, course_id=params.get("course_id"), status=params.get("status"),
            search=params.get("search") or None, sort=params["ordering"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.StudentRowSerializer(page, many=True).data)

class StudentDetailView(PortalView):
    """One student across the caller's courses, with recent activity. 404 unless the student has an
    enrollment in one of the caller's courses."""

    @extend_schema(responses={200: s.StudentDetailSerializer}, tags=TAGS)
    def get(self, request: Request, student_id: str) -> Response:
        enrollments = portal_selectors.StudentProgressRows(instructor_id=request.user.pk, student_id=student_id)[0:]
        if not enrollments:
            raise Http404
        first = enrollments[0]
        activity = (StudentActivity.objects.filter(instructor_id=request.user.pk, student_id=student_id)
                    .select_related("course", "workshop").order_by("-occurred_at", "-id")[:RECENT_ACTIVITY])
        return Response(s.StudentDetailSerializer({
            "student_id": first["student_id"], "full_name": first["student_name"],
            "email": first["student_email"], "avatar_url": first["student_avatar"],
            "enrollments": enrollments, "recent_activity": activity,
        }).data)

class ActivityFilter(django_filters.FilterSet):
    course_id = django_filters.UUIDFilter()
    workshop_id = django_filters.UUIDFilter()
    student_id = django_filters.UUIDFilter()
    activity_type = django_filters.ChoiceFilter(choices=ActivityType.choices)

    class Meta:
        model = StudentActivity
        fields = ["course_id", "workshop_id", "student_id", "activity_type"]

class ActivityPagination(NewestFirstCursorPagination):
    ordering = ("-occurred_at", "-id")  # the (instructor_id, occurred_at DESC, id DESC) feed index

class ActivityListView(generics.ListAPIView):
    """The caller's activity feed: what students did in the caller's courses and workshops, newest first."""

    permission_classes = [IsAuthenticated, IsInstructor]
    serializer_class = s.ActivitySerializer
    pagination_class = ActivityPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActivityFilter

    def get_queryset(self) -> QuerySet[StudentActivity]:
        # Scoped to the caller: a platform admin's policy shows every instructor's feed.
        return StudentActivity.objects.filter(instructor_id=self.request.user.pk).select_related("course", "workshop")

    @extend_schema(tags=TAGS)
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return self.list(request, *args, **kwargs)

def _day_start(day: datetime.date | None) -> datetime.datetime | None:
    return None if day is None else datetime.datetime.combine(day, datetime.time.min, datetime.UTC)

def _day_end(day: datetime.date | None) -> datetime.datetime | None:
    return None if day is None else datetime.datetime.combine(day, datetime.time.max, datetime.UTC)

class RevenueView(PortalView):
    """The caller's completed revenue by transaction type (``get_instructor_revenue_breakdown``) between two
    UTC days, both inclusive; either bound may be left out."""

    @extend_schema(parameters=[s.RevenueQuerySerializer], responses={200: s.RevenueSerializer}, tags=TAGS)
    def get(self, request: Request) -> Response:
        query = s.RevenueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data.get("start"), query.validated_data.get("end")
        rows = portal_selectors.revenue_breakdown(instructor_id=request.user.pk, start=_day_start(start),
                                                  end=_day_end(end))
        totals = {name: sum(row[name] for row in rows)
                  for name in ("transaction_count", "total_amount", "total_fees", "total_earnings")}
        return Response(s.RevenueSerializer({"start": start, "end": end, "breakdown": rows, "totals": totals}).data)

class ProfileView(APIView):
    """The caller's own instructor profile. PATCH creates it when the caller has none (anyone may become an
    instructor, spec 20; ``professional_title`` is then required) and answers 201."""

    def get_profile(self, request: Request) -> InstructorProfile | None:
        return InstructorProfile.objects.filter(user_id=request.user.pk).first()

    @extend_schema(responses={200: s.InstructorProfileSerializer}, tags=TAGS)
    def get(self, request: Request) -> Response:
        profile = self.get_profile(request)
        if profile is None:
            raise Http404
        return Response(s.InstructorProfileSerializer(profile).data)

    @extend_schema(request=s.InstructorProfileSerializer,
                   responses={200: s.InstructorProfileSerializer, 201: s.InstructorProfileSerializer}, tags=TAGS)
    def patch(self, request: Request) -> Response:
        profile = self.get_profile(request)
        form = s.InstructorProfileSerializer(profile, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        profile, created = portal_services.instructor_profile_save(
            user_id=request.user.pk, profile=profile, changes=dict(form.validated_data))
        return Response(s.InstructorProfileSerializer(profile).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

class SettingsView(PortalView):
    """The caller's own instructor settings. PATCH creates them with the defaults when absent (201)."""

    def get_settings(self, request: Request) -> InstructorSettings | None:
        return InstructorSettings.objects.filter(user_id=request.user.pk).first()

    @extend_schema(responses={200: s.InstructorSettingsSerializer}, tags=TAGS)
    def get(self, request: Request) -> Response:
        settings = self.get_settings(request)
        if settings is None:
            raise Http404
        return Response(s.InstructorSettingsSerializer(settings).data)

    @extend_schema(request=s.InstructorSettingsSerializer,
                   responses={200: s.InstructorSettingsSerializer, 201: s.InstructorSettingsSerializer},
                   tags=TAGS)
    def patch(self, request: Request) -> Response:
        settings = self.get_settings(request)
        form = s.InstructorSettingsSerializer(settings, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        settings, created = portal_services.instructor_settings_save(
            user_id=request.user.pk, settings=settings, changes=dict(form.validated_data))
        return Response(s.InstructorSettingsSerializer(settings).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
