"""``/api/v1/instructor/``: mounted by humanglue/api/urls.py under ``instructor/``."""

from django.urls import path

from . import portal

urlpatterns = [
    path("dashboard/", portal.DashboardView.as_view(), name="instructor-dashboard"),
    path("students/", portal.StudentListView.as_view(), name="instructor-students"),
    path("students/<uuid:student_id>/", portal.StudentDetailView.as_view(), name="instructor-student-detail"),
    path("activity/", portal.ActivityListView.as_view(), name="instructor-activity"),
    path("revenue/", portal.RevenueView.as_view(), name="instructor-revenue"),
    path("profile/", portal.ProfileView.as_view(), name="instructor-profile"),
    path("settings/", portal.SettingsView.as_view(), name="instructor-settings"),
]
