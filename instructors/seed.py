"""The instructors' slice of the seed: the catalog and the learning that happens in it.

Demo: three instructors (Maya at Acme, Leo at Globex, Sam independent) with profiles and payout
settings, six courses with sections and lessons (``ctx.courses``, ``ctx.lessons``), then students at
different stages: free and paid enrollments (paid ones through the payments service, which enrolls),
progress, quiz attempts, graded and submitted assignments, reviews, a drop, a refund and a declined
card; last, the course activity that no trigger logs (a comment, a question).
Scale: instructor profiles, courses, sections, lessons, enrollments with their progress rows, the
activity the triggers would have logged, and reviews.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from humanglue.seeding import (
    LESSONS,
    LESSONS_PER_SECTION,
    NOW,
    NULL,
    SECTIONS_PER_COURSE,
    DemoContext,
    Fields,
    ScaleContext,
    lesson_n,
    ts,
)
from instructors.models import (
    AssignmentSubmission,
    Course,
    CourseLesson,
    CourseReview,
    CourseSection,
    Enrollment,
    InstructorProfile,
    InstructorSettings,
    QuizAttempt,
    StudentActivity,
    StudentProgress,
)
from payments.seed import pending_payment, transaction_id
from payments.services import payment_complete, payment_fail, payment_refund

LESSON_TYPES = ("video", "article", "quiz", "assignment", "live_session")
PILLARS = ("adaptability", "coaching", "marketplace")
LEVELS = ("beginner", "intermediate", "advanced")


def seed_demo(ctx: DemoContext) -> None:
    ctx.say("instructors, courses, sections and lessons")
    _catalog(ctx)
    ctx.say("enrollments, progress, quizzes, assignments and reviews")
    _learning(ctx)
    ctx.say("course activity")
    _course_activity(ctx)


# --- the catalog -------------------------------------------------------------------------------------

def _catalog(ctx: DemoContext) -> None:
    u = ctx.users
    instructors = {
        "maya": ("Organizational psychologist and change coach", ["adaptability", "coaching"], True, "weekly",
                 "stripe"),
        "leo": ("AI strategy and marketplace design", ["marketplace"], False, "biweekly", "paypal"),
        "sam": ("Executive coach for resilient teams", ["coaching", "adaptability"], False, "monthly",
                "bank_transfer"),
    }
    for name, (title, pillars, featured, schedule, method) in instructors.items():
        ctx.row(
            InstructorProfile, f"instructor_profile:{name}", natural={"user": u[name]},
            professional_title=title, tagline=f"{title.split(' and ')[0]}.", pillars=pillars,
            bio=(f"{u[name].full_name} has spent over a decade helping teams change how they work, "
                 "with programmes used by companies on three continents."),
            expertise_tags=["change management", "leadership", *pillars], is_verified=True, is_featured=featured,
            social_links={"linkedin": f"https://www.linkedin.example/in/{name}"},
        )
        ctx.row(InstructorSettings, f"instructor_settings:{name}", natural={"user": u[name]},
                payout_schedule=schedule, payment_method=method, minimum_payout_amount=Decimal("50.00"),
                show_revenue_stats=featured)

    acme, globex = ctx.orgs["acme"], ctx.orgs["globex"]
    courses = {
        # slug: (title, instructor, org, status, level, pillar, price, lessons per section)
        "leading-through-change": ("Leading Through Change", "maya", acme, "published", "intermediate",
                                   "adaptability", "99.00", [["video", "article"], ["quiz", "assignment",
                                                                                    "live_session"]]),
        "coaching-fundamentals": ("Coaching Fundamentals", "maya", None, "published", "beginner", "coaching",
                                  "0.00", [["video", "article", "quiz"]]),
        "ai-marketplace-strategy": ("AI Marketplace Strategy", "leo", globex, "published", "advanced",
                                    "marketplace", "149.00", [["video", "article"], ["quiz", "assignment"]]),
        "resilient-teams": ("Resilient Teams", "sam", None, "published", "beginner", "adaptability", "49.99",
                            [["video", "article"], ["live_session"]]),
        "feedback-culture": ("Feedback Culture (draft)", "leo", globex, "draft", "intermediate", "coaching",
                             "79.00", [["video"]]),
        "remote-work-101": ("Remote Work 101", "sam", None, "archived", "beginner", "marketplace", "0.00",
                            [["article", "video"]]),
    }
    for slug, (title, teacher, org, status, level, pillar, price, sections) in courses.items():
        course, _ = ctx.row(
            Course, f"course:{slug}", natural={"slug": slug}, title=title, instructor=u[teacher],
            organization=org, status=status, level=level, pillar=pillar, price_amount=Decimal(price),
            published_at=ctx.at(-60) if status != "draft" else None, category=pillar.capitalize(),
            description=f"{title}: a practical course by {u[teacher].full_name}.",
            tags=[pillar, level], what_you_will_learn=["Name the change you need", "Practise it with your team"],
            duration_hours=Decimal("3.50"),
        )
        ctx.courses[slug] = course
        number = 0
        for s_index, lesson_types in enumerate(sections, start=1):
            section, _ = ctx.row(CourseSection, f"section:{slug}:{s_index}", course=course,
                                 title=f"Part {s_index}", sort_order=s_index)
            for l_index, lesson_type in enumerate(lesson_types, start=1):
                number += 1
                ctx.lessons[f"{slug}:{number}"], _ = ctx.row(
                    CourseLesson, f"lesson:{slug}:{number}", section=section, sort_order=l_index,
                    title=f"{lesson_type.replace('_', ' ').capitalize()} {number}: {title}",
                    content_type=lesson_type, duration_minutes=15 + 5 * number, is_preview=number == 1,
                    **_lesson_content(lesson_type, number),
                )


def _lesson_content(lesson_type: str, number: int) -> Fields:
    if lesson_type == "video":
        return {"video_url": f"https://videos.example/lesson-{number}.mp4", "video_duration_seconds": 600}
    if lesson_type == "article":
        return {"article_content": "Change sticks when people can see, try and repeat the new behaviour."}
    if lesson_type == "quiz":
        return {"quiz_passing_score": 70, "quiz_questions": [
            {"id": "q1", "text": "What makes a change stick?", "options": ["Repetition", "Memos"], "answer": 0},
        ]}
    if lesson_type == "live_session":
        return {"resource_url": "https://meet.example/live-session"}
    return {"resource_url": "https://docs.example/assignment-brief"}


# --- learning: enrollments and progress --------------------------------------------------------------

def _learning(ctx: DemoContext) -> None:
    u, c = ctx.users, ctx.courses

    # Alice completes the free course: quiz passed, review, certificate later.
    enrollment, created = _free_enrollment(ctx, "alice", "coaching-fundamentals")
    if created:
        _complete(ctx, enrollment, "coaching-fundamentals:1", minutes=12)
        _complete(ctx, enrollment, "coaching-fundamentals:2", minutes=9)
        _quiz(ctx, enrollment, "coaching-fundamentals:3", attempt=1, score=9)
        _complete(ctx, enrollment, "coaching-fundamentals:3", minutes=5)
        ctx.row(CourseReview, "review:alice:coaching-fundamentals",
                natural={"course": c["coaching-fundamentals"], "user": u["alice"]}, enrollment=enrollment,
                rating=5, title="Clear and practical", review_text="Short lessons I could use the same day.",
                content_quality_rating=5, instructor_rating=5, value_rating=5)

    # Alice buys "Leading Through Change" and is 60 % through (quiz failed once, assignment graded).
    enrollment, created = _course_purchase(ctx, "alice", "leading-through-change")
    if created:
        _complete(ctx, enrollment, "leading-through-change:1", minutes=10)
        _complete(ctx, enrollment, "leading-through-change:2", minutes=8)
        _quiz(ctx, enrollment, "leading-through-change:3", attempt=1, score=4)
        _quiz(ctx, enrollment, "leading-through-change:3", attempt=2, score=8)
        _complete(ctx, enrollment, "leading-through-change:3", minutes=6)
        submission = _submission(ctx, enrollment, "leading-through-change:4",
                                 "My change plan for the platform team.")
        AssignmentSubmission.objects.filter(pk=submission.pk).update(
            status="graded", grade=Decimal("92.00"), feedback="Strong plan; add a feedback loop.",
            graded_by=u["maya"], graded_at=timezone.now(),
        )
        _touch(ctx, enrollment, "leading-through-change:4", minutes=4)

    # Ben buys the same course, starts it, then drops it.
    enrollment, created = _course_purchase(ctx, "ben", "leading-through-change")
    if created:
        _touch(ctx, enrollment, "leading-through-change:1", minutes=3)
        Enrollment.objects.filter(pk=enrollment.pk).update(status="dropped")

    # Chloe buys the Globex strategy course (25 %), submits an assignment, gets a partial refund.
    enrollment, created = _course_purchase(ctx, "chloe", "ai-marketplace-strategy")
    if created:
        _complete(ctx, enrollment, "ai-marketplace-strategy:1", minutes=14)
        _quiz(ctx, enrollment, "ai-marketplace-strategy:3", attempt=1, score=7)
        _submission(ctx, enrollment, "ai-marketplace-strategy:4", "Pricing experiment for our marketplace.")
        ctx.row(CourseReview, "review:chloe:ai-marketplace-strategy",
                natural={"course": c["ai-marketplace-strategy"], "user": u["chloe"]}, enrollment=enrollment,
                rating=4, title="Sharp frameworks", review_text="The pricing module changed how we quote.",
                content_quality_rating=4, instructor_rating=5, value_rating=3)
        payment_refund(transaction_id=transaction_id("chloe", "ai-marketplace-strategy"),
                       amount_refunded=Decimal("49.00"), reason="Goodwill credit: live session moved")

    enrollment, created = _free_enrollment(ctx, "chloe", "coaching-fundamentals")
    if created:
        _complete(ctx, enrollment, "coaching-fundamentals:1", minutes=11)
    _free_enrollment(ctx, "diego", "coaching-fundamentals")  # enrolled, not started

    # Diego's card is declined for the strategy course: a failed payment, no enrollment.
    payment, created = pending_payment(ctx, "diego", "ai-marketplace-strategy", "course",
                                       amount=c["ai-marketplace-strategy"].price_amount,
                                       course=c["ai-marketplace-strategy"])
    if created:
        payment_fail(transaction_id=payment.transaction_id, failure_code="card_declined",
                     failure_message="Your card was declined.")

    # Emma (no organization) buys and completes "Resilient Teams", then reviews it.
    enrollment, created = _course_purchase(ctx, "emma", "resilient-teams", provider="paypal", method="paypal")
    if created:
        for number in (1, 2, 3):
            _complete(ctx, enrollment, f"resilient-teams:{number}", minutes=10 + number)
        ctx.row(CourseReview, "review:emma:resilient-teams",
                natural={"course": c["resilient-teams"], "user": u["emma"]}, enrollment=enrollment, rating=4,
                title="Useful for small teams", review_text="Good exercises; the live session was the best part.",
                instructor_response="Thank you, Emma! More live sessions are coming.",
                instructor_responded_at=timezone.now())


def _free_enrollment(ctx: DemoContext, student: str, slug: str) -> tuple[Enrollment, bool]:
    user = ctx.users[student]
    return ctx.row(Enrollment, f"enrollment:{student}:{slug}",
                   natural={"user": user, "course": ctx.courses[slug]}, organization=user.organization)


def _course_purchase(ctx: DemoContext, student: str, slug: str, **provider: str) -> tuple[Enrollment | None, bool]:
    """A paid enrollment: the payment completes through the payments service, which enrolls."""
    course = ctx.courses[slug]
    payment, created = pending_payment(ctx, student, slug, "course", amount=course.price_amount, course=course,
                                       **provider)
    if created:
        payment_complete(transaction_id=payment.transaction_id)
    return Enrollment.objects.filter(user=ctx.users[student], course=course).first(), created


def _progress(ctx: DemoContext, enrollment: Enrollment, lesson_key: str, **values: Any) -> None:
    """The service's upsert on (enrollment, lesson); the rows normally exist (auto_create_student_progress)."""
    lesson = ctx.lessons[lesson_key]
    values.setdefault("last_accessed_at", timezone.now())
    if not StudentProgress.objects.filter(enrollment=enrollment, lesson=lesson).update(**values):
        StudentProgress.objects.create(enrollment=enrollment, lesson=lesson, user_id=enrollment.user_id,
                                       course_id=enrollment.course_id, **values)


def _complete(ctx: DemoContext, enrollment: Enrollment, lesson_key: str, *, minutes: int) -> None:
    _progress(ctx, enrollment, lesson_key, is_completed=True, completion_percentage=100,
              time_spent_seconds=minutes * 60, completed_at=timezone.now())


def _touch(ctx: DemoContext, enrollment: Enrollment, lesson_key: str, *, minutes: int) -> None:
    _progress(ctx, enrollment, lesson_key, completion_percentage=40, time_spent_seconds=minutes * 60,
              last_position_seconds=minutes * 30)


def _quiz(ctx: DemoContext, enrollment: Enrollment, lesson_key: str, *, attempt: int, score: int) -> None:
    lesson = ctx.lessons[lesson_key]
    passed = score * 10 >= (lesson.quiz_passing_score or 0)
    ctx.row(QuizAttempt, f"quiz:{ctx.names[enrollment.user_id]}:{lesson_key}:{attempt}",
            natural={"user_id": enrollment.user_id, "course_id": enrollment.course_id, "lesson": lesson,
                     "attempt_number": attempt},
            score=Decimal(score), max_score=Decimal(10), passed=passed, time_spent_seconds=240,
            quiz_data={"answers": {"q1": 0 if passed else 1}}, completed_at=timezone.now())


def _submission(ctx: DemoContext, enrollment: Enrollment, lesson_key: str, text: str) -> AssignmentSubmission:
    submission, _ = ctx.row(AssignmentSubmission, f"submission:{ctx.names[enrollment.user_id]}:{lesson_key}",
                            user_id=enrollment.user_id, course_id=enrollment.course_id,
                            lesson=ctx.lessons[lesson_key], submission_text=text,
                            submission_url="https://docs.example/submission", status="submitted")
    return submission


def _course_activity(ctx: DemoContext) -> None:
    """Activity no trigger logs (an API endpoint would): a comment and a question on lessons."""
    u, c = ctx.users, ctx.courses
    activities = [
        # (key, type, student, instructor, course, lesson, title)
        ("comment:chloe", "comment_posted", "chloe", "leo", "ai-marketplace-strategy", "ai-marketplace-strategy:2",
         "Commented on the pricing article"),
        ("question:alice", "question_asked", "alice", "maya", "leading-through-change", "leading-through-change:5",
         "Asked about the live session recording"),
    ]
    for key, kind, student, teacher, course, lesson, title in activities:
        ctx.row(StudentActivity, f"activity:{key}", activity_type=kind, student=u[student], instructor=u[teacher],
                course=c[course], workshop=None, lesson=ctx.lessons[lesson], activity_title=title)


# --- benchmark volumes -------------------------------------------------------------------------------

def seed_scale(ctx: ScaleContext) -> None:
    p = ctx.plan
    enrollments = len(p.enrollments)
    completed = sum(1 for e in p.enrollments if e[3] == "completed")
    ctx.copy("instructor_profiles", "id, user_id, bio, professional_title", _instructor_profiles(ctx),
             p.instructors)
    ctx.copy("courses", "id, title, slug, pillar, level, instructor_id, organization_id, status, published_at, "
             "price_amount", _courses(ctx), p.courses)
    ctx.copy("course_sections", "id, course_id, title, sort_order", _course_sections(ctx),
             p.courses * SECTIONS_PER_COURSE)
    ctx.copy("course_lessons", "id, section_id, title, content_type, sort_order, duration_minutes",
             _course_lessons(ctx), p.courses * LESSONS)
    ctx.copy("enrollments", "id, organization_id, user_id, course_id, status, progress_percentage, "
             "last_accessed_lesson_id, last_accessed_at, enrolled_at, completed_at", _enrollments(ctx), enrollments)
    ctx.copy("student_progress", "id, enrollment_id, user_id, course_id, lesson_id, is_completed, "
             "completion_percentage, time_spent_seconds, completed_at", _student_progress(ctx),
             enrollments * LESSONS)
    ctx.copy("student_activity", "id, instructor_id, student_id, activity_type, activity_title, course_id, "
             "occurred_at", _student_activity(ctx), enrollments + completed)
    ctx.copy("course_reviews", "id, course_id, user_id, enrollment_id, rating, is_published", _course_reviews(ctx),
             sum(1 for e in p.enrollments if e[3] == "completed" and e[0] % 3 == 0))


def _instructor_profiles(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    for n in range(p.instructors):
        yield f"{i.of('instructor_profiles', n)}\t{i.user[n]}\tTeaches adaptability at scale.\tInstructor\n"


def _courses(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    published = ts(NOW - timedelta(days=400))
    for c in range(p.courses):
        org = NULL if p.course_org[c] is None else i.org[p.course_org[c]]
        yield (f"{i.course[c]}\tScale course {c}\tscale-{p.run}-course-{c}\t{PILLARS[c % 3]}\t{LEVELS[c % 3]}\t"
               f"{i.user[p.course_instructor[c]]}\t{org}\tpublished\t"
               f"{published}\t{p.course_price[c]}\n")


def _course_sections(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    for c in range(p.courses):
        for s in range(SECTIONS_PER_COURSE):
            yield f"{i.of('course_sections', c * SECTIONS_PER_COURSE + s)}\t{i.course[c]}\tSection {s + 1}\t{s}\n"


def _course_lessons(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    for c in range(p.courses):
        for s in range(SECTIONS_PER_COURSE):
            section = i.of("course_sections", c * SECTIONS_PER_COURSE + s)
            for lesson in range(LESSONS_PER_SECTION):
                k = s * LESSONS_PER_SECTION + lesson
                yield (f"{i.lesson[lesson_n(c, k)]}\t{section}\tLesson {k + 1}\t"
                       f"{LESSON_TYPES[k % len(LESSON_TYPES)]}\t{lesson}\t10\n")


def _enrollments(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    prefix = i.prefix["enrollments"]
    for n, student, course, status, progress in p.enrollments:
        done = progress * LESSONS // 100
        last_lesson = i.lesson[lesson_n(course, done - 1)] if done else NULL
        accessed = i.accessed_at[n % 1440] if progress else NULL
        completed = i.completed_at[n % 1440] if status == "completed" else NULL
        yield (f"{prefix}{n:012x}\t{i.org[student % p.orgs]}\t{i.user[p.instructors + student]}\t"
               f"{i.course[course]}\t{status}\t{progress}\t{last_lesson}\t{accessed}\t"
               f"{i.enrolled_at[n % 1440]}\t{completed}\n")


def _student_progress(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    prefix, enrollment_prefix = i.prefix["student_progress"], i.prefix["enrollments"]
    for n, student, course, _status, progress in p.enrollments:
        done = progress * LESSONS // 100
        head = f"{enrollment_prefix}{n:012x}\t{i.user[p.instructors + student]}\t{i.course[course]}\t"
        for k in range(LESSONS):
            if k < done:
                tail = f"t\t100\t600\t{i.lesson_done_at[k][n % 1440]}\n"
            else:
                tail = "f\t0\t0\t\\N\n"
            yield f"{prefix}{n * LESSONS + k:012x}\t{head}{i.lesson[lesson_n(course, k)]}\t{tail}"


def _student_activity(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    prefix = i.prefix["student_activity"]
    m = 0
    for n, student, course, status, _progress in p.enrollments:
        who = f"{i.user[p.course_instructor[course]]}\t{i.user[p.instructors + student]}"
        yield (f"{prefix}{m:012x}\t{who}\tenrolled\tEnrolled in Scale course {course}\t{i.course[course]}\t"
               f"{i.enrolled_at[n % 1440]}\n")
        m += 1
        if status == "completed":
            yield (f"{prefix}{m:012x}\t{who}\tcourse_completed\tCompleted Scale course {course}\t"
                   f"{i.course[course]}\t{i.completed_at[n % 1440]}\n")
            m += 1


def _course_reviews(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    for n, student, course, status, _progress in p.enrollments:
        if status == "completed" and n % 3 == 0:
            yield (f"{i.of('course_reviews', n)}\t{i.course[course]}\t{i.user[p.instructors + student]}\t"
                   f"{i.of('enrollments', n)}\t{3 + n % 3}\tt\n")
