"""Routes of the learning endpoints (reviews, quizzes, assignments), mounted under ``/api/v1/``."""

from django.urls import path

from . import grading

urlpatterns = [
    path("courses/<uuid:course_id>/reviews/", grading.CourseReviewListApi.as_view(), name="course-reviews"),
    path("reviews/<uuid:pk>/", grading.ReviewDetailApi.as_view(), name="review-detail"),
    path("reviews/<uuid:pk>/response/", grading.ReviewResponseApi.as_view(), name="review-response"),
    path("lessons/<uuid:lesson_id>/quiz-attempts/", grading.LessonQuizAttemptsApi.as_view(),
         name="lesson-quiz-attempts"),
    path("quiz-attempts/", grading.MyQuizAttemptsApi.as_view(), name="quiz-attempts"),
    path("quiz-attempts/<uuid:pk>/", grading.QuizAttemptDetailApi.as_view(), name="quiz-attempt-detail"),
    path("lessons/<uuid:lesson_id>/submissions/", grading.LessonSubmissionsApi.as_view(), name="lesson-submissions"),
    path("submissions/", grading.MySubmissionsApi.as_view(), name="submissions"),
    path("submissions/<uuid:pk>/", grading.SubmissionDetailApi.as_view(), name="submission-detail"),
    path("submissions/<uuid:pk>/grade/", grading.SubmissionGradeApi.as_view(), name="submission-grade"),
    path("instructor/submissions/", grading.InstructorSubmissionsApi.as_view(), name="instructor-submissions"),
]
