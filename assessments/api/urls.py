from django.urls import path

from . import views

urlpatterns = [
    path("assessments/", views.AssessmentListCreateApi.as_view(), name="assessment-list"),
    path("assessments/latest/", views.LatestAssessmentApi.as_view(), name="assessment-latest"),
    path("assessments/<uuid:pk>/", views.AssessmentDetailApi.as_view(), name="assessment-detail"),
    path("assessments/<uuid:pk>/questions/", views.AssessmentQuestionsApi.as_view(), name="assessment-questions"),
    path("assessments/<uuid:pk>/responses/", views.AssessmentResponsesApi.as_view(), name="assessment-responses"),
    path("assessments/<uuid:pk>/complete/", views.AssessmentCompleteApi.as_view(), name="assessment-complete"),
    path("assessments/<uuid:pk>/archive/", views.AssessmentArchiveApi.as_view(), name="assessment-archive"),
    path("assessments/<uuid:pk>/results/", views.AssessmentResultsApi.as_view(), name="assessment-results"),
    path("organizations/<uuid:pk>/adaptability-trend/", views.OrganizationTrendApi.as_view(),
         name="organization-adaptability-trend"),
]
