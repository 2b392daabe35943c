"""Browser tests: headless Debian Chromium driven by Selenium against the real ASGI server.

``.ci/run`` installs ``chromium`` and ``chromium-driver`` when missing; where they cannot be installed
the browser tests are skipped with that reason. Screenshots go to ``.artifacts/screenshots/`` (git-ignored,
kept by CI as an artifact).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = PROJECT_DIR / ".artifacts" / "screenshots"
DEMO_PASSWORD = "HumanGlue-demo-2025"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed "
                    "(.ci/run installs them: apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                     "--disable-gpu", "--lang=en-US"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(2)
    try:
        yield driver
    finally:
        driver.quit()


def admin_login(driver, base: str, email: str, password: str = DEMO_PASSWORD) -> None:  # noqa: ANN001
    """A fresh session, then the admin's login form filled and sent; returns once the answer has loaded
    (the admin, or the login page again with its error note), never while the browser still navigates."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.delete_all_cookies()
    driver.get(f"{base}/admin/login/?next=/admin/")
    form = driver.find_element(By.ID, "login-form")
    driver.find_element(By.NAME, "username").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "input[type=submit], button[type=submit]").click()

    def answered(d) -> bool:  # noqa: ANN001
        try:
            form.is_enabled()  # the submitted page's element: raises once the new page replaced it
            return False
        except StaleElementReferenceException:
            return d.execute_script("return document.readyState") == "complete"

    WebDriverWait(driver, 20).until(answered)


def screenshot(driver, name: str) -> Path:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
