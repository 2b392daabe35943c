from django.urls import include, path

from . import courses, enrollments

urlpatterns = [
    path("courses/", courses.CourseListCreateApi.as_view(), name="course-list"),
    path("courses/<uuid:pk>/publish/", courses.CoursePublishApi.as_view(), name="course-publish"),
    path("courses/<uuid:pk>/archive/", courses.CourseArchiveApi.as_view(), name="course-archive"),
    path("courses/<uuid:pk>/enroll/", courses.CourseEnrollApi.as_view(), name="course-enroll"),
    path("courses/<uuid:pk>/sections/", courses.SectionListCreateApi.as_view(), name="course-sections"),
    path("courses/<uuid:pk>/sections/reorder/", courses.SectionReorderApi.as_view(), name="course-sections-reorder"),
    path("courses/<str:key>/", courses.CourseDetailApi.as_view(), name="course-detail"),
    path("sections/<uuid:pk>/", courses.SectionDetailApi.as_view(), name="section-detail"),
    path("sections/<uuid:pk>/lessons/", courses.LessonListCreateApi.as_view(), name="section-lessons"),
    path("sections/<uuid:pk>/lessons/reorder/", courses.LessonReorderApi.as_view(), name="section-lessons-reorder"),
    path("lessons/<uuid:pk>/", courses.LessonDetailApi.as_view(), name="lesson-detail"),
    path("lessons/<uuid:pk>/content/", courses.LessonContentApi.as_view(), name="lesson-content"),
    path("enrollments/", enrollments.EnrollmentListApi.as_view(), name="enrollment-list"),
    path("enrollments/<uuid:pk>/", enrollments.EnrollmentDetailApi.as_view(), name="enrollment-detail"),
    path("enrollments/<uuid:pk>/drop/", enrollments.EnrollmentDropApi.as_view(), name="enrollment-drop"),
    path("enrollments/<uuid:pk>/progress/", enrollments.EnrollmentProgressApi.as_view(), name="enrollment-progress"),
    # Reviews, quizzes, assignments (grading_urls) and the instructor portal (portal_urls).
    path("", include("instructors.api.grading_urls")),
    path("instructor/", include("instructors.api.portal_urls")),
]
