"""The dashboard in a real browser: headless Chromium (the distribution's package) driven by
Selenium signs in with a link and visits every page, and axe-core (pinned in
tests/browser/package.json, loaded into each page by the test) finds no WCAG 2.1 A/AA
violation. The sign-in and the tour need only Chromium and its driver; the axe checks need
axe-core as well. Each skips, with the reason, where what it needs is not installed; `.ci/run`
installs all three (and sets DASHBOARD_BROWSER_REQUIRED, so there they never skip).

``DASHBOARD_SCREENSHOT=docs/dashboard.png`` also saves the overview as the README's picture.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from benchmarks.dashboard_overview import seed
from tests.conftest import Harness
from tests.dashboard_server import link_token, serving
from tests.event_loop import Loop
from tests.test_dashboard_pages import DINA, MONDAY, adopt, file_cases, world  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = Path(__file__).with_name("browser") / "node_modules" / "axe-core" / "axe.min.js"
#: What the pages must meet: WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _not_installed(missing: str | None) -> None:
    """Skip (fail in CI, which installs everything) when something is ``missing``."""
    if missing and os.environ.get("DASHBOARD_BROWSER_REQUIRED"):
        pytest.fail(missing)  # CI (.ci/run) installs them: there, missing is a failure
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="module")
def axe() -> str:
    """axe-core's script, to load into a page."""
    _not_installed(None if AXE.is_file() else "axe-core is not installed (npm ci in tests/browser)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    _not_installed(
        None
        if shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)
        else "Chromium is not installed (apt-get install chromium chromium-driver)"
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="dashboard-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        # Without these Chromium reaches out on start-up, and a closed network refuses it.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,1500",
        "--lang=en-GB",
    ):
        options.add_argument(flag)
    # An explicit driver path: Selenium then downloads nothing (no selenium-manager).
    browser = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def populated(world: Harness) -> None:  # noqa: F811
    """Sixty leaders with fourteen weeks of check-ins (the benchmark's seeding), the
    announcements channel subscribed, reports in two months, an adopted pack."""
    seed(world.runtime.store, leaders=60, weeks=14, now=MONDAY)
    world.run_due()
    file_cases(world.runtime.store, "racism", date(2027, 1, 4), 6)
    file_cases(world.runtime.store, "bullying", date(2027, 2, 4), 2)
    adopt(world.runtime.store)


def arrived(driver: Any, title: str) -> None:
    """Wait for the page a click leads to (its title), not for a length of time."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, 10).until(expected_conditions.title_contains(title))


def arrived_at(driver: Any, heading: str) -> None:
    """Wait for the page a click leads to, and check that it is headed ``heading``."""
    from selenium.webdriver.common.by import By

    arrived(driver, heading)
    assert driver.find_element(By.TAG_NAME, "h1").text == heading


def violations(driver: Any, axe: str) -> list[str]:
    """axe-core's WCAG A/AA violations on the page shown, one line each."""
    driver.execute_script(axe)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' ' +"
        " v.nodes.map(n => n.target.join(' ')).join(', '))))"
        ".catch(e => done(['axe failed: ' + e]));",
        AXE_TAGS,
    )
    return list(result)


def tour(driver: Any, base: str, world: Harness, check: Callable[[str], None]) -> None:  # noqa: F811
    """Sign in with a link and visit every page, the filters, the calendar's month and the edit
    form, then sign out; ``check`` what each page shows (named for the failure message)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    def visit(path: str, label: str, shows: str = "") -> None:
        """Open ``path``, see that its main part says ``shows``, and ``check`` it."""
        driver.get(f"{base}{path}")
        assert shows in driver.find_element(By.TAG_NAME, "main").text, label
        check(label)

    visit("/admin/", "signed-out page", shows="type /dashboard")
    visit(f"/admin/sign-in?token={link_token(world.runtime, DINA)}", "sign-in page")
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    arrived_at(driver, "Overview")
    screenshot = os.environ.get("DASHBOARD_SCREENSHOT")
    if screenshot:
        driver.save_screenshot(screenshot)

    pages = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a")]
    assert [p.removeprefix(base) for p in pages] == [
        "/admin/",
        "/admin/packs",
        "/admin/awareness",
        "/admin/reports",
        "/admin/people",
    ]
    for page in pages:
        driver.get(page)
        assert driver.find_elements(By.TAG_NAME, "h1"), page
        check(page)
    visit("/admin/packs?pack=anti-racism&colour=red", "a filtered board", "Showing 1 of 3 actions")
    visit("/admin/awareness?month=2027-03", "March's calendar with previews")
    driver.find_element(By.LINK_TEXT, "Edit text").click()
    arrived_at(driver, "Edit the post")
    check("edit form")

    # The first Tab reaches the skip link, which moves focus to the page's content.
    driver.get(f"{base}/admin/")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = driver.switch_to.active_element
    assert skip.text == "Skip to main content"
    skip.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("id") == "main"

    driver.find_element(By.CSS_SELECTOR, ".sign-out button").click()
    arrived(driver, "Sign in")
    assert "You have signed out." in driver.find_element(By.TAG_NAME, "main").text
    driver.get(f"{base}/admin/people")
    assert "console:dina" not in driver.find_element(By.TAG_NAME, "main").text


def test_sign_in_with_a_link_and_visit_every_page(
    world: Harness,  # noqa: F811
    loop: Loop,
    driver: Any,
) -> None:
    populated(world)
    with serving(world.runtime, loop) as base:
        tour(driver, base, world, lambda _: None)


def test_every_page_passes_axe(
    world: Harness,  # noqa: F811
    loop: Loop,
    driver: Any,
    axe: str,
) -> None:
    def check(what: str) -> None:
        assert violations(driver, axe) == [], what

    populated(world)
    with serving(world.runtime, loop) as base:
        tour(driver, base, world, check)


def test_axe_does_report_what_it_should(driver: Any, axe: str) -> None:
    """The control: on a page with known faults the same check finds them, so an empty list
    above means the pages passed, not that axe did not run."""
    driver.get("data:text/html,<html><body><img src=x></body></html>")
    found = " ".join(violations(driver, axe))
    assert "html-has-lang" in found and "image-alt" in found
