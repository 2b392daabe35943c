from django.urls import path

from . import views

urlpatterns = [
    path("talent/", views.TalentListApi.as_view(), name="talent-list"),
    path("talent/me/", views.TalentMeApi.as_view(), name="talent-me"),
    path("talent/<uuid:pk>/", views.TalentDetailApi.as_view(), name="talent-detail"),
    path("engagements/", views.EngagementListApi.as_view(), name="engagement-list"),
    path("engagements/summary/", views.EngagementSummaryApi.as_view(), name="engagement-summary"),
    path("engagements/<uuid:pk>/", views.EngagementDetailApi.as_view(), name="engagement-detail"),
    path("engagements/<uuid:pk>/accept/", views.EngagementAcceptApi.as_view(), name="engagement-accept"),
    path("engagements/<uuid:pk>/decline/", views.EngagementDeclineApi.as_view(), name="engagement-decline"),
    path("engagements/<uuid:pk>/pause/", views.EngagementPauseApi.as_view(), name="engagement-pause"),
    path("engagements/<uuid:pk>/resume/", views.EngagementResumeApi.as_view(), name="engagement-resume"),
    path("engagements/<uuid:pk>/complete/", views.EngagementCompleteApi.as_view(), name="engagement-complete"),
    path("engagements/<uuid:pk>/cancel/", views.EngagementCancelApi.as_view(), name="engagement-cancel"),
    path("engagements/<uuid:pk>/rate/", views.EngagementRateApi.as_view(), name="engagement-rate"),
    path("consultations/", views.ConsultationListApi.as_view(), name="consultation-list"),
    path("consultations/<uuid:pk>/", views.ConsultationDetailApi.as_view(), name="consultation-detail"),
    path("consultations/<uuid:pk>/schedule/", views.ConsultationScheduleApi.as_view(), name="consultation-schedule"),
    path("consultations/<uuid:pk>/reschedule/", views.ConsultationRescheduleApi.as_view(),
         name="consultation-reschedule"),
    path("consultations/<uuid:pk>/cancel/", views.ConsultationCancelApi.as_view(), name="consultation-cancel"),
    path("consultations/<uuid:pk>/complete/", views.ConsultationCompleteApi.as_view(), name="consultation-complete"),
    path("consultations/<uuid:pk>/rate/", views.ConsultationRateApi.as_view(), name="consultation-rate"),
]
