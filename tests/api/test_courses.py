"""/api/v1/courses/, sections/, lessons/: the catalog, outlines, authoring and lesson content, for users of
two organizations (RLS decides what each sees; another organization's hidden rows are 404s)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import F

from instructors.models import Course, CourseLesson, CourseSection
from instructors.selectors import TitleContains
from tests.api_client import assert_error, client_for
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

QUESTIONS = [{"id": "q1", "question": "2 + 2?", "options": ["3", "4"], "correct_answer": 1}]
STRIPPED = [{"id": "q1", "question": "2 + 2?", "options": ["3", "4"]}]
SECRET_KEYS = {"video_url", "article_content", "resource_url", "quiz_questions"}


@dataclass
class Catalog:
    world: World
    a_pub: Course  # org a, published, free; a.student is enrolled (the world's course)
    a_draft: Course  # org a, draft
    a_archived: Course  # org a, archived
    b_pub: Course  # org b, published, paid
    b_draft: Course  # org b, draft (the world's course)
    paid_lesson: CourseLesson  # a_pub's video lesson, with content
    preview: CourseLesson  # b_pub's preview quiz
    locked: CourseLesson  # b_pub's paid quiz


def _course(world: World, tenant: str, title: str, status: str, price: str = "0", **extra: Any) -> Course:
    t = getattr(world, tenant)
    return Course.objects.create(title=title, pillar=extra.pop("pillar", "coaching"), instructor=t.instructor,
                                 organization=t.org, status=status, price_amount=Decimal(price), **extra)


@pytest.fixture
def cat() -> Catalog:
    world = build_world()
    a_pub = world.a.rows["course"]
    Course.objects.filter(pk=a_pub.pk).update(status="published", title="Leading Change 100%")
    lesson = world.a.rows["course_lesson"]
    CourseLesson.objects.filter(pk=lesson.pk).update(video_url="https://v.example/paid.mp4", article_content="Text")
    b_pub = _course(world, "b", "Strategy Deep Dive", "published", "49.00", pillar="adaptability", level="advanced")
    section = CourseSection.objects.create(course=b_pub, title="Intro")
    preview = CourseLesson.objects.create(section=section, title="Preview", content_type="quiz", is_preview=True,
                                          quiz_questions=QUESTIONS, sort_order=1)
    locked = CourseLesson.objects.create(section=section, title="Locked", content_type="quiz",
                                         quiz_questions=QUESTIONS, sort_order=2)
    return Catalog(world=world, a_pub=Course.objects.get(pk=a_pub.pk),
                   a_draft=_course(world, "a", "A Draft", "draft"),
                   a_archived=_course(world, "a", "An Archived Course", "archived"),
                   b_pub=b_pub, b_draft=world.b.rows["course"], paid_lesson=lesson, preview=preview, locked=locked)


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert {"count", "next", "previous", "results"} <= body.keys()
    assert body["count"] == len(body["results"])
    return {row["id"] for row in body["results"]}


def idset(*courses: Any) -> set[str]:
    return {str(c.pk) for c in courses}


# --- catalog -----------------------------------------------------------------------------------------------


def test_catalog_shows_published_courses_plus_the_callers_own(cat: Catalog) -> None:
    w = cat.world
    public = idset(cat.a_pub, cat.b_pub)
    assert ids(client_for(None).get("/api/v1/courses/")) == public
    for user in (w.a.student, w.a.member, w.a.org_admin, w.b.student, w.b.org_admin, w.platform_admin, w.outsider):
        assert ids(client_for(user).get("/api/v1/courses/")) == public, user.email
    assert ids(client_for(w.a.instructor).get("/api/v1/courses/")) == public | idset(cat.a_draft, cat.a_archived)
    assert ids(client_for(w.b.instructor).get("/api/v1/courses/")) == public | idset(cat.b_draft)
    assert ids(client_for(w.a.instructor).get("/api/v1/courses/?mine=1")) == idset(
        cat.a_pub, cat.a_draft, cat.a_archived)
    assert ids(client_for(w.a.student).get("/api/v1/courses/?mine=true")) == set()


def test_status_filter_lists_what_rls_lets_each_caller_see(cat: Catalog) -> None:
    w = cat.world
    drafts = "/api/v1/courses/?status=draft"
    assert ids(client_for(w.platform_admin).get(drafts)) == idset(cat.a_draft, cat.b_draft)
    assert ids(client_for(w.a.org_admin).get(drafts)) == idset(cat.a_draft)  # org admins see org drafts
    assert ids(client_for(w.a.member).get(drafts)) == set()
    assert ids(client_for(w.b.student).get(drafts)) == idset(cat.b_draft)  # enrolled in it
    assert ids(client_for(None).get(drafts)) == set()
    archived = "/api/v1/courses/?status=archived"
    assert ids(client_for(w.a.member).get(archived)) == idset(cat.a_archived)  # members: non-draft org courses
    assert ids(client_for(w.b.student).get(archived)) == set()
    assert_error(client_for(None).get("/api/v1/courses/?status=secret"), 400, "invalid_choice", "status")


def test_catalog_filters_search_and_ordering(cat: Catalog) -> None:
    client = client_for(cat.world.a.member)
    assert ids(client.get("/api/v1/courses/?pillar=adaptability")) == idset(cat.b_pub)
    assert ids(client.get("/api/v1/courses/?level=advanced")) == idset(cat.b_pub)
    assert ids(client.get("/api/v1/courses/?is_free=true")) == idset(cat.a_pub)
    assert ids(client.get("/api/v1/courses/?is_free=false")) == idset(cat.b_pub)
    assert ids(client.get("/api/v1/courses/?price_min=10")) == idset(cat.b_pub)
    assert ids(client.get(f"/api/v1/courses/?instructor={cat.world.b.instructor.pk}")) == idset(cat.b_pub)
    assert ids(client.get("/api/v1/courses/?search=deep%20DIVE")) == idset(cat.b_pub)
    assert ids(client.get("/api/v1/courses/?search=100%25")) == idset(cat.a_pub)  # % is literal
    assert ids(client.get("/api/v1/courses/?search=_")) == set()  # so is _
    ordered = client.get("/api/v1/courses/?ordering=-enrolled_count").json()["results"]
    assert [r["id"] for r in ordered] == [str(cat.a_pub.pk), str(cat.b_pub.pk)]
    assert_error(client.get("/api/v1/courses/?pillar=nope"), 400, "invalid_choice", "pillar")
    assert_error(client.get("/api/v1/courses/?instructor=not-a-uuid"), 400, attr="instructor")
    page = client.get("/api/v1/courses/?page_size=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]


def test_title_search_is_served_by_the_trigram_index(cat: Catalog) -> None:
    """ILIKE on the bare column (Django's icontains would be UPPER(title) LIKE, which the index cannot serve)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A GIN index answers through a bitmap scan: rule out the other paths so the plan says whether it can.
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = Course.objects.filter(TitleContains(F("title"), "deep dive")).order_by().only("id").explain()
    assert "idx_courses_title_trgm" in plan, plan


def test_catalog_entries_name_the_instructor_and_hide_revenue(cat: Catalog) -> None:
    body = client_for(None).get("/api/v1/courses/").json()["results"]
    entry = next(r for r in body if r["id"] == str(cat.b_pub.pk))
    assert entry["instructor"] == {"id": str(cat.world.b.instructor.pk), "full_name": "Teacher", "avatar_url": None}
    assert entry["is_free"] is False and entry["price_amount"] == "49.00"
    assert "total_revenue" not in entry


# --- detail ------------------------------------------------------------------------------------------------


def test_detail_by_id_or_slug_with_the_outline_and_never_content(cat: Catalog) -> None:
    anonymous = client_for(None)
    by_slug = anonymous.get(f"/api/v1/courses/{cat.b_pub.slug}/")
    assert by_slug.status_code == 200, by_slug.content
    body = by_slug.json()
    assert body["id"] == str(cat.b_pub.pk) and "total_revenue" not in body
    (section,) = body["sections"]
    assert [lesson["title"] for lesson in section["lessons"]] == ["Preview", "Locked"]
    assert [lesson["is_preview"] for lesson in section["lessons"]] == [True, False]
    assert not SECRET_KEYS & set(section["lessons"][0])
    assert anonymous.get(f"/api/v1/courses/{cat.b_pub.pk}/").json() == body


@pytest.mark.parametrize(("course", "allowed"), [
    ("a_draft", {"a.instructor", "a.org_admin", "platform_admin"}),
    ("a_archived", {"a.instructor", "a.org_admin", "a.member", "a.student", "platform_admin"}),
    ("b_draft", {"b.instructor", "b.org_admin", "b.student", "platform_admin"}),
])
def test_hidden_courses_are_404_to_everyone_else(cat: Catalog, course: str, allowed: set[str]) -> None:
    w = cat.world
    people = {"anonymous": None, "platform_admin": w.platform_admin, "outsider": w.outsider}
    for prefix, tenant in (("a", w.a), ("b", w.b)):
        for role in ("student", "instructor", "org_admin", "member"):
            people[f"{prefix}.{role}"] = getattr(tenant, role)
    target = getattr(cat, course)
    for name, user in people.items():
        response = client_for(user).get(f"/api/v1/courses/{target.pk}/")
        if name in allowed:
            assert response.status_code == 200, (name, response.content[:300])
        else:
            assert_error(response, 404, "not_found")
        sections = client_for(user).get(f"/api/v1/courses/{target.pk}/sections/")
        assert sections.status_code == (200 if name in allowed else 404), name


# --- instructors write courses -----------------------------------------------------------------------------


NEW_COURSE = {"title": "  Coaching Basics  ", "pillar": "coaching", "level": "intermediate", "price_amount": "0",
              "tags": ["coaching"], "thumbnail_url": "https://img.example/c.png"}


def test_an_instructor_creates_a_draft_of_their_organization(cat: Catalog) -> None:
    w = cat.world
    response = client_for(w.a.instructor).post("/api/v1/courses/", {
        **NEW_COURSE, "status": "published", "enrolled_count": 99, "instructor": str(w.b.instructor.pk),
        "total_revenue": "1000", "average_rating": "5"}, format="json")  # privileged fields are ignored
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Coaching Basics" and body["slug"] == "coaching-basics"
    assert (body["status"], body["enrolled_count"], body["average_rating"]) == ("draft", 0, None)
    assert body["instructor"]["id"] == str(w.a.instructor.pk)
    assert body["organization"] == str(w.a.org.pk) and body["sections"] == []
    course = Course.objects.get(pk=body["id"])
    assert (course.instructor_id, course.status, course.total_revenue) == (w.a.instructor.pk, "draft", 0)
    # standalone on request
    alone = client_for(w.a.instructor).post("/api/v1/courses/", {**NEW_COURSE, "title": "Alone",
                                                                 "organization": None}, format="json")
    assert alone.status_code == 201 and alone.json()["organization"] is None


def test_course_creation_is_refused_to_non_instructors_and_bad_input(cat: Catalog) -> None:
    w = cat.world
    before = Course.objects.count()
    assert_error(client_for(None).post("/api/v1/courses/", NEW_COURSE, format="json"), 401)
    assert_error(client_for(w.a.student).post("/api/v1/courses/", NEW_COURSE, format="json"), 403, "not_an_instructor")
    instructor = client_for(w.a.instructor)
    bad = [
        ({"title": "   "}, "title"), ({"title": "x" * 201}, "title"), ({"pillar": "nope"}, "pillar"),
        ({"price_amount": "abc"}, "price_amount"), ({"price_amount": "NaN"}, "price_amount"),
        ({"price_amount": "-1"}, "price_amount"), ({"price_amount": "1e12"}, "price_amount"),
        ({"thumbnail_url": "javascript:alert(1)"}, "thumbnail_url"), ({"currency": "usd"}, "currency"),
        ({"slug": "Not A Slug"}, "slug"), ({"tags": "coaching"}, "tags"), ({"tags": ["x"] * 101}, "tags"),
        ({"drip_schedule": [1]}, "drip_schedule"), ({"description": "x" * 20_001}, "description"),
        ({"organization": str(w.b.org.pk)}, "organization"),  # another organization's id
    ]
    for change, attr in bad:
        assert_error(instructor.post("/api/v1/courses/", {**NEW_COURSE, **change}, format="json"), 400, attr=attr)
    assert_error(instructor.post("/api/v1/courses/", "{oops", content_type="application/json"), 400, "parse_error")
    assert Course.objects.count() == before


def test_only_the_instructor_or_a_platform_admin_edits_a_course(cat: Catalog) -> None:
    w = cat.world
    url = f"/api/v1/courses/{cat.a_pub.pk}/"
    assert_error(client_for(None).patch(url, {"title": "X"}, format="json"), 401)
    for intruder in (w.b.instructor, w.a.student, w.a.org_admin):  # they see it (published), may not change it
        assert_error(client_for(intruder).patch(url, {"title": "Hijacked"}, format="json"), 403,
                     "not_course_instructor")
    assert_error(client_for(w.b.instructor).patch(f"/api/v1/courses/{cat.a_draft.pk}/", {"title": "X"},
                                                  format="json"), 404)
    assert Course.objects.get(pk=cat.a_pub.pk).title == "Leading Change 100%"
    mine = client_for(w.a.instructor).patch(url, {"title": "Leading Change", "price_amount": "0",
                                                  "status": "draft", "review_count": 7}, format="json")
    assert mine.status_code == 200, mine.content
    reviews = Course.objects.get(pk=cat.a_pub.pk).review_count  # trigger-maintained: the body's 7 is ignored
    assert (mine.json()["title"], mine.json()["status"], mine.json()["review_count"]) == ("Leading Change",
                                                                                           "published", reviews)
    admin = client_for(w.platform_admin).patch(url, {"level": "advanced"}, format="json")
    assert admin.status_code == 200 and admin.json()["level"] == "advanced"
    assert_error(client_for(w.a.instructor).patch(url, {"organization": str(w.b.org.pk)}, format="json"), 400,
                 "foreign_organization", "organization")
    taken = client_for(w.a.instructor).patch(url, {"slug": cat.b_pub.slug}, format="json")
    assert_error(taken, 409)  # UNIQUE(slug), from the database


def test_publish_archive_and_their_conflicts(cat: Catalog) -> None:
    w = cat.world
    instructor = client_for(w.a.instructor)
    published = instructor.post(f"/api/v1/courses/{cat.a_draft.pk}/publish/")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published" and published.json()["published_at"]
    first = published.json()["published_at"]
    assert_error(instructor.post(f"/api/v1/courses/{cat.a_draft.pk}/publish/"), 409, "already_published")
    # now public: an outsider sees it, and its instructor's stats count it
    assert client_for(w.b.student).get(f"/api/v1/courses/{cat.a_draft.pk}/").status_code == 200
    archived = instructor.post(f"/api/v1/courses/{cat.a_draft.pk}/archive/")
    assert archived.json()["status"] == "archived"
    assert_error(instructor.post(f"/api/v1/courses/{cat.a_draft.pk}/archive/"), 409, "already_archived")
    assert_error(client_for(w.b.student).get(f"/api/v1/courses/{cat.a_draft.pk}/"), 404)
    again = instructor.post(f"/api/v1/courses/{cat.a_draft.pk}/publish/")
    assert again.json()["published_at"] == first  # the first publication is kept
    assert_error(client_for(w.b.instructor).post(f"/api/v1/courses/{cat.a_pub.pk}/archive/"), 403)
    assert_error(client_for(w.b.instructor).post(f"/api/v1/courses/{cat.a_archived.pk}/publish/"), 404)
    assert_error(client_for(w.a.student).post(f"/api/v1/courses/{cat.a_pub.pk}/publish/"), 403)
    assert Course.objects.get(pk=cat.a_pub.pk).status == "published"
    assert Course.objects.get(pk=cat.a_archived.pk).status == "archived"


def test_delete_only_without_enrollments(cat: Catalog) -> None:
    w = cat.world
    assert_error(client_for(w.a.instructor).delete(f"/api/v1/courses/{cat.a_pub.pk}/"), 409,
                 "course_has_enrollments")
    assert_error(client_for(w.b.instructor).delete(f"/api/v1/courses/{cat.a_draft.pk}/"), 404)
    assert_error(client_for(w.a.org_admin).delete(f"/api/v1/courses/{cat.a_draft.pk}/"), 403)
    assert Course.objects.filter(pk__in=[cat.a_pub.pk, cat.a_draft.pk]).count() == 2
    assert client_for(w.a.instructor).delete(f"/api/v1/courses/{cat.a_draft.pk}/").status_code == 204
    assert not Course.objects.filter(pk=cat.a_draft.pk).exists()
    # a platform admin may delete a course with enrollments (the delete cascades)
    assert client_for(w.platform_admin).delete(f"/api/v1/courses/{cat.b_draft.pk}/").status_code == 204
    assert not Course.objects.filter(pk=cat.b_draft.pk).exists()


# --- sections and lessons ----------------------------------------------------------------------------------


def test_sections_and_lessons_authoring_end_to_end(cat: Catalog) -> None:
    w = cat.world
    instructor = client_for(w.a.instructor)
    base = f"/api/v1/courses/{cat.a_pub.pk}/sections/"
    created = instructor.post(base, {"title": "Week 2", "sort_order": 5, "course": str(cat.b_pub.pk)}, format="json")
    assert created.status_code == 201, created.content
    section = created.json()
    assert section["course"] == str(cat.a_pub.pk)  # the URL decides, not the body
    lesson = instructor.post(f"/api/v1/sections/{section['id']}/lessons/", {
        "title": "Quiz time", "content_type": "quiz", "quiz_passing_score": 50, "duration_minutes": 5},
        format="json")
    assert lesson.status_code == 201, lesson.content
    lesson_id = lesson.json()["id"]
    assert not SECRET_KEYS & set(lesson.json())
    # a new lesson halves nothing yet (no progress), and the outline shows it in order
    outline = client_for(None).get(f"/api/v1/courses/{cat.a_pub.pk}/").json()["sections"]
    assert [s_["title"] for s_ in outline] == ["Section", "Week 2"]
    assert [x["title"] for x in outline[1]["lessons"]] == ["Quiz time"]
    # edit, move and reorder
    assert instructor.patch(f"/api/v1/sections/{section['id']}/", {"title": "Week two"},
                            format="json").json()["title"] == "Week two"
    moved = instructor.patch(f"/api/v1/lessons/{lesson_id}/", {"title": "Quiz", "section": str(
        w.a.rows["course_section"].pk)}, format="json")
    assert moved.status_code == 200 and moved.json()["section"] == str(w.a.rows["course_section"].pk)
    order = [lesson_id, str(cat.paid_lesson.pk)]
    reordered = instructor.post(f"/api/v1/sections/{w.a.rows['course_section'].pk}/lessons/reorder/",
                                {"ids": order}, format="json")
    assert reordered.status_code == 200, reordered.content
    assert [x["id"] for x in reordered.json()] == order
    assert_error(instructor.post(f"/api/v1/sections/{w.a.rows['course_section'].pk}/lessons/reorder/",
                                 {"ids": order[:1]}, format="json"), 400, "order_mismatch", "ids")
    sections = [section["id"], str(w.a.rows["course_section"].pk)]
    assert [x["id"] for x in instructor.post(f"{base}reorder/", {"ids": sections}, format="json").json()] == sections
    # delete
    assert instructor.delete(f"/api/v1/lessons/{lesson_id}/").status_code == 204
    assert instructor.delete(f"/api/v1/sections/{section['id']}/").status_code == 204
    assert not CourseSection.objects.filter(pk=section["id"]).exists()
    assert not CourseLesson.objects.filter(pk=lesson_id).exists()


def test_sections_and_lessons_refuse_others(cat: Catalog) -> None:
    w = cat.world
    a_section = w.a.rows["course_section"]
    b_section = cat.preview.section_id
    lesson = cat.paid_lesson
    outsider = client_for(w.b.instructor)
    assert_error(outsider.post(f"/api/v1/courses/{cat.a_pub.pk}/sections/", {"title": "X"}, format="json"), 403)
    assert_error(outsider.post(f"/api/v1/courses/{cat.a_draft.pk}/sections/", {"title": "X"}, format="json"), 404)
    assert_error(outsider.patch(f"/api/v1/sections/{a_section.pk}/", {"title": "X"}, format="json"), 403)
    assert_error(outsider.delete(f"/api/v1/sections/{a_section.pk}/"), 403)
    assert_error(outsider.post(f"/api/v1/sections/{a_section.pk}/lessons/", {"title": "X", "content_type": "video"},
                               format="json"), 403)
    assert_error(outsider.patch(f"/api/v1/lessons/{lesson.pk}/", {"title": "X"}, format="json"), 403)
    assert_error(outsider.delete(f"/api/v1/lessons/{lesson.pk}/"), 403)
    assert_error(client_for(w.a.student).post(f"/api/v1/sections/{a_section.pk}/lessons/reorder/",
                                              {"ids": [str(lesson.pk)]}, format="json"), 403)
    # moving one's lesson into someone else's section
    assert_error(client_for(w.a.instructor).patch(f"/api/v1/lessons/{lesson.pk}/", {"section": str(b_section)},
                                                  format="json"), 400, "not_course_instructor", "section")
    instructor = client_for(w.a.instructor)
    for body, attr in (({"title": ""}, "title"), ({"title": "x", "content_type": "movie"}, "content_type"),
                       ({"title": "x", "content_type": "quiz", "quiz_passing_score": 101}, "quiz_passing_score"),
                       ({"title": "x", "content_type": "video", "duration_minutes": "long"}, "duration_minutes")):
        assert_error(instructor.post(f"/api/v1/sections/{a_section.pk}/lessons/", body, format="json"), 400,
                     attr=attr)
    assert CourseSection.objects.get(pk=a_section.pk).title == "Section"
    assert CourseLesson.objects.get(pk=lesson.pk).title == "Lesson"
    assert CourseLesson.objects.filter(section=a_section).count() == 1
    # a hidden course's sections and lessons are 404
    draft_section = CourseSection.objects.create(course=cat.a_draft, title="Hidden")
    draft_lesson = CourseLesson.objects.create(section=draft_section, title="Hidden", content_type="video")
    for url in (f"/api/v1/sections/{draft_section.pk}/", f"/api/v1/sections/{draft_section.pk}/lessons/",
                f"/api/v1/lessons/{draft_lesson.pk}/", f"/api/v1/lessons/{draft_lesson.pk}/content/"):
        assert_error(client_for(w.b.student).get(url), 404)
        assert client_for(w.a.instructor).get(url).status_code == 200, url


# --- lesson content ----------------------------------------------------------------------------------------


def test_lesson_content_follows_the_database_rule(cat: Catalog) -> None:
    w = cat.world
    paid = f"/api/v1/lessons/{cat.paid_lesson.pk}/content/"
    enrolled = client_for(w.a.student).get(paid)  # a.student is enrolled in a_pub
    assert enrolled.status_code == 200, enrolled.content
    assert enrolled.json() == {"lesson_id": str(cat.paid_lesson.pk), "video_url": "https://v.example/paid.mp4",
                               "article_content": "Text", "resource_url": None, "quiz_questions": None}
    for user in (w.b.student, w.a.member, w.a.org_admin, None):  # they see the outline, not the content
        assert client_for(user).get(f"/api/v1/lessons/{cat.paid_lesson.pk}/").status_code == 200
        assert_error(client_for(user).get(paid), 403, "content_locked")
    # quiz answers: stripped for preview readers, kept for the instructor and platform admins
    preview = f"/api/v1/lessons/{cat.preview.pk}/content/"
    assert client_for(None).get(preview).json()["quiz_questions"] == STRIPPED
    assert client_for(w.a.student).get(preview).json()["quiz_questions"] == STRIPPED
    assert client_for(w.b.instructor).get(preview).json()["quiz_questions"] == QUESTIONS
    assert client_for(w.platform_admin).get(f"/api/v1/lessons/{cat.locked.pk}/content/").json()[
        "quiz_questions"] == QUESTIONS
    assert_error(client_for(w.a.student).get(f"/api/v1/lessons/{cat.locked.pk}/content/"), 403, "content_locked")


def test_the_instructor_replaces_a_lessons_content(cat: Catalog) -> None:
    w = cat.world
    url = f"/api/v1/lessons/{cat.locked.pk}/content/"
    new = {"video_url": "https://v.example/new.mp4", "quiz_questions": {"questions": QUESTIONS}}
    for intruder, status in ((w.a.instructor, 403), (w.b.student, 403), (None, 401)):
        assert_error(client_for(intruder).put(url, new, format="json"), status)
    for body, attr in (({"video_url": "ftp://x"}, "video_url"), ({"quiz_questions": "abc"}, "quiz_questions"),
                       ({"quiz_questions": [1, 2]}, "quiz_questions"),
                       ({"article_content": "x" * 200_001}, "article_content"),
                       ({"resource_url": "https://x/" + "y" * 2048}, "resource_url")):
        assert_error(client_for(w.b.instructor).put(url, body, format="json"), 400, attr=attr)
    with_secrets = CourseLesson.objects.with_secrets()
    assert with_secrets.get(pk=cat.locked.pk).quiz_questions == QUESTIONS  # unchanged so far
    saved = client_for(w.b.instructor).put(url, new, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json() == {"lesson_id": str(cat.locked.pk), "video_url": "https://v.example/new.mp4",
                            "article_content": None, "resource_url": None, "quiz_questions": {"questions": QUESTIONS}}
    row = with_secrets.get(pk=cat.locked.pk)
    assert (row.video_url, row.quiz_questions) == ("https://v.example/new.mp4", {"questions": QUESTIONS})
