"""Staff of every role use the admin in a real browser (issue 12); a student is told they have no access."""

from __future__ import annotations

import httpx
import pytest
from selenium.webdriver.common.by import By

from humanglue.seeding import sid
from tests.browser.conftest import admin_login, screenshot

pytestmark = pytest.mark.django_db

ROLES = [
    ("platform-admin", "admin@humanglue.example"),
    ("org-admin", "olivia.grant@acme.example"),
    ("instructor", "maya.chen@acme.example"),
]


def set_field(driver, name: str, value: str) -> None:  # noqa: ANN001
    """Sets a form field whether it is a raw id input, a select or an autocomplete select."""
    element = driver.find_element(By.NAME, name)
    driver.execute_script("""
        const [field, value] = arguments;
        if (field.tagName === 'SELECT' && ![...field.options].some(o => o.value === value)) {
            field.add(new Option(value, value, true, true));
        }
        field.value = value;
        field.dispatchEvent(new Event('change', {bubbles: true}));
    """, element, value)


def save(driver) -> None:  # noqa: ANN001
    driver.find_element(By.CSS_SELECTOR, "input[name=_save]").click()


def success_message(driver) -> str:  # noqa: ANN001
    errors = driver.find_elements(By.CSS_SELECTOR, ".errornote, .errorlist, .messagelist .error")
    assert not errors, [e.text for e in errors]
    return driver.find_element(By.CSS_SELECTOR, ".messagelist .success").text


@pytest.mark.parametrize(("role", "email"), ROLES)
def test_staff_of_every_role_get_the_styled_admin(browser, seeded_live_server: str, role: str,  # noqa: ANN001
                                                  email: str) -> None:
    admin_login(browser, seeded_live_server, email)
    assert "/admin/login/" not in browser.current_url, browser.page_source[:2000]
    assert "You don’t have permission" not in browser.page_source
    assets = [link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, "link[rel=stylesheet]")]
    assets += [script.get_attribute("src") for script in browser.find_elements(By.CSS_SELECTOR, "script[src]")]
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets), assets
    for asset in assets:
        assert httpx.get(asset, timeout=10).status_code == 200, asset
    header = browser.find_element(By.ID, "header")
    assert header.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    # "View site" leads somewhere real.
    view_site = browser.find_element(By.LINK_TEXT, "VIEW SITE").get_attribute("href")
    assert httpx.get(view_site, timeout=10).status_code == 200, view_site
    screenshot(browser, f"admin-index-{role}")


def test_a_student_with_the_right_password_is_told_there_is_no_admin_access(browser,  # noqa: ANN001
                                                                             seeded_live_server: str) -> None:
    admin_login(browser, seeded_live_server, "alice.kim@acme.example")
    assert "/admin/login/" in browser.current_url
    assert "Your account has no admin access" in browser.find_element(By.CSS_SELECTOR, ".errornote").text
    screenshot(browser, "admin-login-no-access")
    admin_login(browser, seeded_live_server, "alice.kim@acme.example", password="not-her-password")
    note = browser.find_element(By.CSS_SELECTOR, ".errornote").text
    assert "Please enter the correct email and password" in note and "no admin access" not in note


def test_an_org_admin_adds_a_team_and_a_member_and_edits_a_member(browser, seeded_live_server: str) -> None:  # noqa: ANN001
    base = seeded_live_server
    admin_login(browser, base, "olivia.grant@acme.example")

    browser.get(f"{base}/admin/organizations/team/add/")
    browser.find_element(By.NAME, "name").send_keys("Data Science")
    set_field(browser, "organization", str(sid("org:acme")))
    save(browser)
    assert "Data Science" in success_message(browser)

    browser.get(f"{base}/admin/organizations/teammember/add/")
    set_field(browser, "team", str(sid("team:engineering")))
    set_field(browser, "user", str(sid("user:nina.alvarez@acme.example")))
    save(browser)
    success_message(browser)

    browser.get(f"{base}/admin/organizations/user/{sid('user:nina.alvarez@acme.example')}/change/")
    title = browser.find_element(By.NAME, "job_title")
    title.clear()
    title.send_keys("People partner")
    save(browser)
    success_message(browser)
    browser.get(f"{base}/admin/organizations/user/{sid('user:nina.alvarez@acme.example')}/change/")
    assert browser.find_element(By.NAME, "job_title").get_attribute("value") == "People partner"
    screenshot(browser, "admin-org-admin-edited-member")
