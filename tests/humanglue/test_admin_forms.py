"""The admin's pages are readable and its forms usable (issue 12): every page opens for a platform admin,
rows are named in words (never a UUID, never an error when row level security hides what a name needs),
lookups offer only valid choices, long forms are grouped, and a course is created with a section and a
lesson in one go."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.test import Client, RequestFactory
from django.urls import reverse

from humanglue.contract import project_apps
from instructors.models import Course, CourseLesson, Enrollment, InstructorProfile
from organizations.models import TeamMember, User
from organizations.naming import HIDDEN_PERSON
from talent.models import TalentProfile
from tests.organizations.test_admin_refusals import change_form
from tests.world import World, acting_as, build_world

pytestmark = pytest.mark.django_db

PROJECT_APPS = set(project_apps())

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


@pytest.fixture
def world() -> World:
    world = build_world()
    # The platform admin is a superuser of the admin site (Django's permissions); rows still come from RLS.
    User.objects.filter(pk=world.platform_admin.pk).update(is_staff=True, is_superuser=True)
    world.platform_admin.refresh_from_db()
    return world


@pytest.fixture
def platform_client(world: World) -> Client:
    client = Client()
    client.force_login(world.platform_admin)
    return client


def admin_url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def select_options(html: str, name: str) -> list[str]:
    """The option values of the form's ``<select name=...>`` (the empty choice left out)."""
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return [v for v in re.findall(r'<option value="([^"]*)"', match.group(1)) if v]


def test_every_registered_page_opens_for_a_platform_admin(world: World, platform_client: Client) -> None:
    rows = {type(obj): obj for obj in world.a.rows.values()}
    for model in admin.site._registry:
        if model._meta.app_label not in PROJECT_APPS:
            continue  # auth and token_blacklist: the app role's privileges there are another part of issue 12
        changelist = admin_url(model, "changelist")
        assert platform_client.get(changelist).status_code == 200, changelist
        add = platform_client.get(admin_url(model, "add"))
        assert add.status_code in (200, 403), model  # 403: rows only the database writes
        if model in rows:
            change = platform_client.get(admin_url(model, "change", rows[model].pk))
            assert change.status_code == 200, model
            # The page names the row in words: its title and breadcrumbs carry str(obj), never a UUID.
            title = re.search(r"<title>(.*?)</title>", change.content.decode(), re.S).group(1)
            assert not UUID_RE.search(title), (model, title)


def test_no_str_shows_a_uuid(world: World) -> None:
    for key, obj in world.a.rows.items():
        fresh = type(obj).objects.get(pk=obj.pk)  # nothing joined: names come from the projection
        text = str(fresh)
        assert text.strip(), key
        assert not UUID_RE.search(text), (key, text)


def test_str_names_people_and_rows_in_words(world: World) -> None:
    enrollment = Enrollment.objects.get(pk=world.a.rows["enrollment"].pk)
    assert str(enrollment) == "Student in Course"
    workshop = world.a.rows["workshop"]
    assert str(workshop) == f"Workshop ({workshop.start_time.date().isoformat()})"
    assert str(world.a.rows["payment"]) == "Course payment of 49.00 USD (Pending)"
    assert str(TeamMember.objects.get(pk=world.a.rows["team_member"].pk)) == "Student in Team (Member)"


def test_str_never_raises_or_leaks_when_the_caller_may_not_see(world: World) -> None:
    """Another organization's member sees neither a's student nor a's course: the names say so."""
    rows = {key: type(obj).objects.get(pk=obj.pk) for key, obj in world.a.rows.items()}
    with acting_as(world.b.member):
        for key, obj in rows.items():
            text = str(obj)
            assert not UUID_RE.search(text), (key, text)
        assert str(rows["enrollment"]) == f"{HIDDEN_PERSON} in a hidden course"
        assert str(rows["team_member"]) == f"{HIDDEN_PERSON} in a hidden team (Member)"
        # A public expert profile gives a face: the people projection names the expert to anyone.
        assert str(rows["talent_profile"]) == "Expert profile of Expert"


def test_instructor_choices_are_only_instructors(world: World, platform_client: Client) -> None:
    instructor_ids = {str(i) for i in InstructorProfile.objects.values_list("user_id", flat=True)}
    assert instructor_ids and User.objects.exclude(id__in=instructor_ids).exists()
    for model in (Course, world.a.rows["workshop"].__class__):
        page = platform_client.get(admin_url(model, "add")).content.decode()
        offered = set(select_options(page, "instructor"))
        assert offered == instructor_ids, model
    students = {str(world.a.student.pk), str(world.b.student.pk)}
    assert not students & offered


def test_expert_choices_are_only_experts(world: World, platform_client: Client) -> None:
    experts = {str(i) for i in TalentProfile.objects.values_list("user_id", flat=True)}
    consultation = world.a.rows["consultation"]
    page = platform_client.get(admin_url(type(consultation), "add")).content.decode()
    assert set(select_options(page, "expert")) == experts


def test_long_forms_are_grouped_and_show_every_field(world: World) -> None:
    """Each declared fieldset layout holds every field of the change form: grouping hid nothing."""
    request = RequestFactory().get("/")
    request.user = world.platform_admin
    for model, model_admin in admin.site._registry.items():
        if not model_admin.fieldsets or model not in {type(o) for o in world.a.rows.values()}:
            continue
        obj = next(o for o in world.a.rows.values() if type(o) is model)
        form_fields = set(model_admin.get_form(request, obj, fields=None).base_fields)
        laid_out = set(flatten_fieldsets(model_admin.get_fieldsets(request, obj)))
        assert form_fields <= laid_out, (model, form_fields - laid_out)
    grouped = {m._meta.model_name for m, ma in admin.site._registry.items() if ma.fieldsets}
    assert {"course", "workshop", "user", "organization", "payment", "instructorprofile",
            "talentprofile"} <= grouped


def test_a_course_is_created_with_a_section_and_a_lesson_in_one_go(world: World, platform_client: Client) -> None:
    url = admin_url(Course, "add")
    data = change_form(platform_client, url)
    data.update({"title": "Prompt Craft", "slug": "prompt-craft", "pillar": "coaching", "level": "beginner",
                 "instructor": str(world.a.instructor.pk), "price_amount": "0", "currency": "USD",
                 "language": "en"})
    prefix = next(k for k in data if k.endswith("-0-title")).removesuffix("-0-title")
    data.update({f"{prefix}-0-title": "Getting started", f"{prefix}-0-sort_order": "1",
                 f"{prefix}-0-new_lesson_title": "Your first prompt", f"{prefix}-0-new_lesson_type": "article"})
    response = platform_client.post(url, data)
    assert response.status_code == 302, _errors(response)
    course = Course.objects.get(slug="prompt-craft")
    lesson = CourseLesson.objects.get(section__course=course)
    assert (lesson.section.title, lesson.title, lesson.content_type) == ("Getting started", "Your first prompt",
                                                                         "article")


def test_a_team_member_comes_from_the_team_organization(world: World, platform_client: Client) -> None:
    team = world.a.rows["team"]
    url = admin_url(type(team), "change", team.pk)
    data = change_form(platform_client, url)
    prefix = data_prefix(data, "-TOTAL_FORMS", "members")
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-TOTAL_FORMS": str(total + 1), f"{prefix}-{total}-user": str(world.b.member.pk),
                 f"{prefix}-{total}-role": "member", f"{prefix}-{total}-team": str(team.pk)})
    response = platform_client.post(url, data)
    assert response.status_code == 200
    assert f"Choose a member of {world.a.org.name}" in response.content.decode()
    assert not TeamMember.objects.filter(team=team, user=world.b.member).exists()

    data[f"{prefix}-{total}-user"] = str(world.a.member.pk)
    assert platform_client.post(url, data).status_code == 302
    assert TeamMember.objects.filter(team=team, user=world.a.member).exists()


def test_a_workshop_lists_its_registrations(world: World, platform_client: Client) -> None:
    workshop = world.a.rows["workshop"]
    page = platform_client.get(admin_url(type(workshop), "change", workshop.pk)).content.decode()
    registration = world.a.rows["workshop_registration"]
    assert str(registration.pk) in page  # the inline row's hidden id
    assert "Attended" in page


def data_prefix(data: dict[str, Any], suffix: str, hint: str) -> str:
    keys = [k.removesuffix(suffix) for k in data if k.endswith(suffix) and hint in k]
    assert len(keys) == 1, keys
    return keys[0]


def _errors(response: Any) -> Any:
    context = getattr(response, "context", None) or {}
    form = context.get("adminform")
    inlines = context.get("inline_admin_formsets") or []
    return form and form.form.errors, [f.formset.errors for f in inlines]
