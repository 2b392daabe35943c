"""Staff create a course with a section and a lesson from the admin's course page (inlines), in a real
browser against the seeded server, and find it in the course list."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import admin_login, screenshot

pytestmark = pytest.mark.django_db

TITLE = "Prompt Craft for Teams"


def test_a_platform_admin_creates_a_course_with_a_section_and_a_lesson(browser, seeded_live_server: str) -> None:  # noqa: ANN001
    admin_login(browser, seeded_live_server, "admin@humanglue.example")
    assert "/admin/login/" not in browser.current_url, browser.page_source[:2000]

    browser.get(f"{seeded_live_server}/admin/instructors/course/add/")
    browser.find_element(By.NAME, "title").send_keys(TITLE)
    # Django's prepopulate script fills the slug from the title: the admin's JavaScript runs.
    assert browser.find_element(By.NAME, "slug").get_attribute("value") == "prompt-craft-for-teams"
    # Only instructors are offered as the course's instructor.
    instructor = Select(browser.find_element(By.NAME, "instructor"))
    offered = [o.text for o in instructor.options if o.get_attribute("value")]
    assert any("maya.chen@acme.example" in o for o in offered), offered
    assert not any("alice.kim@acme.example" in o for o in offered), offered
    instructor.select_by_visible_text(next(o for o in offered if "maya.chen@acme.example" in o))
    Select(browser.find_element(By.NAME, "pillar")).select_by_value("coaching")
    Select(browser.find_element(By.NAME, "level")).select_by_value("beginner")

    # The section row of the inline, with the lesson created in it on save.
    browser.find_element(By.CSS_SELECTOR, "[name$='-0-title']").send_keys("Getting started")
    browser.find_element(By.CSS_SELECTOR, "input[name$='-0-new_lesson_title']").send_keys("Your first prompt")
    Select(browser.find_element(By.CSS_SELECTOR, "select[name$='-0-new_lesson_type']")).select_by_value("article")
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "admin-course-add-form")
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.CSS_SELECTOR, ".inline-group"))
    screenshot(browser, "admin-course-add-section-and-lesson")

    browser.find_element(By.CSS_SELECTOR, "input[name=_continue]").click()
    assert not browser.find_elements(By.CSS_SELECTOR, ".errornote"), browser.find_element(By.ID, "content").text
    messages = browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert "was added successfully" in messages, messages
    # Back on the course's page: the section is there, with a link to its lessons.
    assert browser.find_element(By.CSS_SELECTOR, "[name$='-0-title']").get_attribute("value") == "Getting started"
    browser.find_element(By.CSS_SELECTOR, ".inline-related a.inlinechangelink").click()
    lessons = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "[name$='-title']")]
    assert "Your first prompt" in lessons, lessons
    screenshot(browser, "admin-section-with-lesson")

    browser.get(f"{seeded_live_server}/admin/instructors/course/?q=Prompt+Craft")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "th").text for r in rows] == [TITLE]
    assert "Maya Chen" in rows[0].text
    browser.get(f"{seeded_live_server}/admin/instructors/course/")
    screenshot(browser, "admin-course-changelist")
