"""Query filters of the learning lists (reviews, quiz attempts, submissions): indexed columns only."""

from __future__ import annotations

import django_filters

from ..models import AssignmentSubmission, CourseReview, QuizAttempt, SubmissionStatus


class ReviewFilter(django_filters.FilterSet):
    rating = django_filters.NumberFilter(min_value=1, max_value=5)
    min_rating = django_filters.NumberFilter(field_name="rating", lookup_expr="gte", min_value=1, max_value=5)

    class Meta:
        model = CourseReview
        fields = ["rating", "min_rating", "is_published"]


class QuizAttemptFilter(django_filters.FilterSet):
    class Meta:
        model = QuizAttempt
        fields = ["course", "lesson", "passed"]


class SubmissionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices)

    class Meta:
        model = AssignmentSubmission
        fields = ["course", "lesson", "status"]
