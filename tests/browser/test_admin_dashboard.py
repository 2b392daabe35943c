"""The instructor dashboard and the organization overview in a real browser (issue 12).

The numbers on the page are compared with what the database's functions and selectors answer for the same
caller (under the app role as that user), not with constants of the seed.
"""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from humanglue.seeding import sid
from instructors.portal_selectors import dashboard_stats
from organizations.models import User
from organizations.selectors import organization_member_count
from tests.browser.conftest import admin_login, screenshot
from tests.world import acting_as

pytestmark = pytest.mark.django_db

MAYA = "maya.chen@acme.example"


def tile(driver, attribute: str, name: str) -> str:  # noqa: ANN001
    return driver.find_element(By.CSS_SELECTOR, f"[{attribute}='{name}'] .value").text


def test_the_instructor_dashboard_shows_the_instructors_numbers_and_chart(browser,  # noqa: ANN001
                                                                          seeded_live_server: str) -> None:
    maya = User.objects.get(email=MAYA)
    with acting_as(maya):
        stats = dashboard_stats(instructor_id=maya.pk)
    admin_login(browser, seeded_live_server, MAYA)
    browser.find_element(By.LINK_TEXT, "Instructor dashboard").click()
    assert browser.find_element(By.ID, "instructor-name").text == maya.full_name
    assert tile(browser, "data-stat", "total_students") == str(stats["total_students"])
    assert tile(browser, "data-stat", "total_enrollments") == str(stats["total_enrollments"])
    assert tile(browser, "data-stat", "total_earnings") == f"${stats['total_earnings']:.2f}"
    bars = browser.find_elements(By.CSS_SELECTOR, "#revenue svg rect.bar")
    assert len(bars) == 12
    assert any(float(bar.get_attribute("height")) > 0 for bar in bars) == (stats["total_earnings"] > 0)
    rows = browser.find_elements(By.CSS_SELECTOR, "#students tbody tr")
    assert len(rows) == min(stats["total_enrollments"], 10)
    assert browser.find_elements(By.CSS_SELECTOR, "#activity tbody tr")
    screenshot(browser, "admin-instructor-dashboard")


def test_a_platform_admin_picks_an_instructor(browser, seeded_live_server: str) -> None:  # noqa: ANN001
    admin_login(browser, seeded_live_server, "admin@humanglue.example")
    browser.get(f"{seeded_live_server}/admin/dashboards/instructor/")
    Select(browser.find_element(By.ID, "id_instructor")).select_by_visible_text("Leo Park")
    browser.find_element(By.CSS_SELECTOR, "#instructor-picker input[type=submit]").click()
    # The page before the click has an #instructor-name too: wait for the answer's.
    WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.ID, "instructor-name").text == "Leo Park")
    assert browser.find_element(By.CSS_SELECTOR, "#revenue svg")


def test_the_organization_overview_shows_the_organizations_numbers(browser, seeded_live_server: str) -> None:  # noqa: ANN001
    olivia = User.objects.get(email="olivia.grant@acme.example")
    with acting_as(olivia):
        members = organization_member_count(organization_id=sid("org:acme"))
    admin_login(browser, seeded_live_server, olivia.email)
    browser.find_element(By.LINK_TEXT, "Organization overview").click()
    assert browser.find_element(By.ID, "organization-name").text == "Acme Corporation"
    assert tile(browser, "data-figure", "members") == str(members)
    team_rows = browser.find_elements(By.CSS_SELECTOR, "#teams tbody tr")
    assert tile(browser, "data-figure", "teams") == str(len(team_rows))
    assert browser.find_element(By.CSS_SELECTOR, "#adaptability svg")
    assert "Globex" not in browser.find_element(By.ID, "content-main").text
    screenshot(browser, "admin-organization-overview")
    # The instructor dashboard is not an org admin's page.
    browser.get(f"{seeded_live_server}/admin/dashboards/instructor/")
    assert "403" in browser.title or "Forbidden" in browser.page_source or "permission" in browser.page_source.lower()
