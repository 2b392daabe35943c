"""In a real browser: a refused save shows its message on the form with the input kept, and a delete
confirmation lists the enrollments (and what else) the database removes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By

from instructors.models import Course, Enrollment
from tests.browser.conftest import admin_login, screenshot
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

PLATFORM_ADMIN = "admin@humanglue.example"


def test_a_refused_save_keeps_the_input_and_shows_why(browser, seeded_live_server: str) -> None:  # noqa: ANN001
    full = Workshop.objects.get(capacity_total=3)  # the seed's free workshop, all 3 seats taken
    admin_login(browser, seeded_live_server, PLATFORM_ADMIN)
    browser.get(seeded_live_server + reverse("admin:workshops_workshop_change", args=[full.pk]))
    title = browser.find_element(By.NAME, "title")
    title.clear()
    title.send_keys("Typed before the refusal")
    capacity = browser.find_element(By.NAME, "capacity_total")
    capacity.clear()
    capacity.send_keys("1")
    browser.find_element(By.NAME, "_save").click()

    assert browser.find_element(By.CLASS_NAME, "errornote")
    errors = " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, ".errorlist"))
    assert "capacity cannot be lower than the seats already taken" in errors, errors
    assert browser.find_element(By.NAME, "title").get_attribute("value") == "Typed before the refusal"
    assert browser.find_element(By.NAME, "capacity_total").get_attribute("value") == "1"
    screenshot(browser, "admin-refused-save")
    full.refresh_from_db()
    assert full.capacity_total == 3


def test_a_delete_confirmation_lists_the_enrollments_it_removes(browser, seeded_live_server: str) -> None:  # noqa: ANN001
    course = Course.objects.get(slug="leading-through-change")
    enrollments = Enrollment.objects.filter(course=course).count()
    admin_login(browser, seeded_live_server, PLATFORM_ADMIN)
    browser.get(seeded_live_server + reverse("admin:instructors_course_delete", args=[course.pk]))
    listed = browser.find_element(By.ID, "deleted-objects").text
    assert f"{enrollments} enrollments will be deleted." in listed, listed
    assert "will be detached" in listed, listed  # the completed payments stay, without their course
    screenshot(browser, "admin-delete-confirmation")
    assert Course.objects.filter(pk=course.pk).exists()
