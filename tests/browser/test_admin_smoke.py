"""The styled admin loads for a platform admin in a real browser, its CSS and JavaScript answer 200."""

from __future__ import annotations

import httpx
import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import admin_login, screenshot

pytestmark = pytest.mark.django_db


def test_the_admin_is_styled_for_a_platform_admin(browser, seeded_live_server: str) -> None:  # noqa: ANN001
    admin_login(browser, seeded_live_server, "admin@humanglue.example")
    assert "/admin/login/" not in browser.current_url, browser.page_source[:2000]
    assert browser.find_element(By.ID, "site-name")
    assets = [link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, "link[rel=stylesheet]")]
    assets += [script.get_attribute("src") for script in browser.find_elements(By.CSS_SELECTOR, "script[src]")]
    assert any(a.endswith(".css") for a in assets), assets
    for asset in assets:
        assert httpx.get(asset, timeout=10).status_code == 200, asset
    # The stylesheet applied: the header has the admin's colours, not the browser's default white.
    header = browser.find_element(By.ID, "header")
    assert header.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    screenshot(browser, "admin-index-platform-admin")
