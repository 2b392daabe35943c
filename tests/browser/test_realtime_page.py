"""The admin's "Live notifications" page in headless Chromium: realtime.js over /ws/realtime/ (issue 14)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from notifications.models import Notification
from organizations.models import User
from tests.browser.conftest import DEMO_PASSWORD, admin_login, screenshot
from tests.factories import PlatformAdminFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_notification_created_in_the_database_appears_without_a_reload(browser, live_asgi_server: str) -> None:  # noqa: ANN001
    staff = PlatformAdminFactory(email="live-staff@example.com", password=DEMO_PASSWORD)
    # The server keeps the production hashers (this process uses MD5 for speed): store a hash it knows.
    password = PBKDF2PasswordHasher().encode(DEMO_PASSWORD, PBKDF2PasswordHasher().salt())
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True, password=password)
    Notification.objects.create(user=staff, type="announcement", title="Older", message="Rendered by the page")
    admin_login(browser, live_asgi_server, staff.email)
    browser.find_element(By.LINK_TEXT, "Live notifications").click()
    wait = WebDriverWait(browser, 20)
    wait.until(lambda d: d.find_element(By.ID, "realtime-status").get_attribute("data-state") == "live")
    assert "Older" in browser.find_element(By.ID, "live-notifications").text
    marker = browser.execute_script("window.__sameDocument = 'yes'; return window.__sameDocument;")
    assert browser.find_element(By.ID, "unread-count").text == "1"

    fresh = Notification.objects.create(user=staff, type="announcement", title="Fresh from the database",
                                        message="Delivered live")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#live-notifications li[data-id="{fresh.pk}"]'))
    wait.until(lambda d: d.find_element(By.ID, "unread-count").text == "2")
    items = browser.find_elements(By.CSS_SELECTOR, "#live-notifications li")
    assert "Fresh from the database" in items[0].text  # newest on top
    assert browser.execute_script("return window.__sameDocument;") == marker  # no reload happened
    # The resume cursor is kept in localStorage for the next visit.
    stored = browser.execute_script(f"return localStorage.getItem('humanglue.realtime.{staff.pk}');")
    assert stored and stored.isdigit()

    # A deletion removes the row live too.
    Notification.objects.filter(pk=fresh.pk).delete()
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'#live-notifications li[data-id="{fresh.pk}"]'))
    screenshot(browser, "realtime-live-notifications")
