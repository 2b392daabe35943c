"""``/api/v1/``: the workshop catalog and registrations, and the instructor's workshops."""

from django.urls import path

from . import views

urlpatterns = [
    path("workshops/", views.WorkshopCatalogApi.as_view(), name="workshop-catalog"),
    path("workshops/<uuid:pk>/register/", views.WorkshopRegisterApi.as_view(), name="workshop-register"),
    path("workshops/<str:key>/", views.WorkshopDetailApi.as_view(), name="workshop-detail"),
    path("workshop-registrations/", views.WorkshopHistoryApi.as_view(), name="workshop-registrations"),
    path("workshop-registrations/<uuid:pk>/", views.RegistrationDetailApi.as_view(),
         name="workshop-registration-detail"),
    path("workshop-registrations/<uuid:pk>/cancel/", views.RegistrationCancelApi.as_view(),
         name="workshop-registration-cancel"),
    path("workshop-registrations/<uuid:pk>/attendance/", views.RegistrationAttendanceApi.as_view(),
         name="workshop-registration-attendance"),
    path("workshop-registrations/<uuid:pk>/feedback/", views.RegistrationFeedbackApi.as_view(),
         name="workshop-registration-feedback"),
    path("instructor/workshops/", views.InstructorWorkshopListApi.as_view(), name="instructor-workshops"),
    path("instructor/workshops/<uuid:pk>/", views.InstructorWorkshopDetailApi.as_view(),
         name="instructor-workshop-detail"),
    path("instructor/workshops/<uuid:pk>/publish/", views.InstructorWorkshopPublishApi.as_view(),
         name="instructor-workshop-publish"),
    path("instructor/workshops/<uuid:pk>/cancel/", views.InstructorWorkshopCancelApi.as_view(),
         name="instructor-workshop-cancel"),
    path("instructor/workshops/<uuid:pk>/registrations/", views.InstructorRegistrationListApi.as_view(),
         name="instructor-workshop-registrations"),
]
