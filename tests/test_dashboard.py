"""The dashboard's sign-in and its security rules, over plain HTTP against the real server:
single-use links bound to an admin, sessions (cookie attributes, idle timeout, sign-out), the
role checked on every request, CSRF on every form, and no data without a session."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.dashboard.web import NAV
from app.runtime import Runtime
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import Address
from bot.dashboard.models import DashboardAudit, DashboardLink
from bot.people import add_admin, remove_admin
from bot.store import Store
from tests.conftest import Harness, sign_up
from tests.dashboard_server import Browser, link_token, serving
from tests.event_loop import Loop
from tests.processes import clean_environment, free_port
from tests.test_cli import TEST_REPORTS_KEY

DINA = "console:dina"  # an admin through the ADMINS setting (conftest)


@pytest.fixture
def base(runtime: Runtime, loop: Loop) -> Iterator[str]:
    with serving(runtime, loop) as url:
        yield url


@pytest.fixture
def browser(base: str) -> Browser:
    return Browser(base)


def signed_in(browser: Browser, runtime: Runtime, who: str = DINA) -> Browser:
    response = browser.sign_in(link_token(runtime, who))
    assert response.status == 303, response.body
    assert response.headers["Location"] == "/admin/"
    return browser


def test_dashboard_in_chat_gives_an_admin_a_private_link_that_signs_them_in(
    harness: Harness, runtime: Runtime, browser: Browser
) -> None:
    printed = harness.say("/as dina", "/dashboard")
    found = re.search(r"Open the dashboard: (\S+)", printed)
    assert found, printed
    assert found.group(1).startswith("http://127.0.0.1:3000/admin/sign-in?token=")
    token = found.group(1).split("token=", 1)[1]
    assert browser.sign_in(token).status == 303
    overview = browser.get("/admin/")
    assert overview.status == 200
    assert "<h1>Overview</h1>" in overview.body
    assert "Signed in as console:dina" in overview.body


def test_dashboard_is_refused_to_anyone_not_an_admin(harness: Harness, runtime: Runtime) -> None:
    printed = harness.say("/as mallory", "/dashboard")
    assert "Only admins can open the dashboard." in printed
    assert "token=" not in printed
    with runtime.store.session() as session:
        assert session.scalars(select(DashboardLink)).all() == []


def test_only_a_hash_of_the_link_is_stored(runtime: Runtime) -> None:
    token = link_token(runtime, DINA)
    with runtime.store.session() as session:
        (row,) = session.scalars(select(DashboardLink)).all()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.token_hash, row.address)
        assert row.expires_at == runtime.clock.now() + timedelta(minutes=10)


def test_the_session_cookie_is_httponly_strict_and_scoped(
    runtime: Runtime, browser: Browser
) -> None:
    page = browser.get(f"/admin/sign-in?token={link_token(runtime, DINA)}")
    response = browser.post(
        "/admin/sign-in", {"token": page.field("token"), "csrf": page.field("csrf")}
    )
    cookie = response.cookie("dashboard_session")
    assert cookie is not None
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/admin/" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is plain http here
    assert "Max-Age" not in cookie and "expires" not in cookie.lower()  # gone with the browser


def test_the_cookie_is_secure_when_the_dashboard_is_served_over_https(
    runtime: Runtime, loop: Loop
) -> None:
    runtime.settings.public_url = "https://bot.example.org"
    with serving(runtime, loop) as url:
        browser = Browser(url)
        page = browser.get(f"/admin/sign-in?token={link_token(runtime, DINA)}")
        response = browser.post(
            "/admin/sign-in", {"token": page.field("token"), "csrf": page.field("csrf")}
        )
        assert "Secure" in (response.cookie("dashboard_session") or "")
        assert "Secure" in (page.cookie("dashboard_sign_in") or "")


def test_without_a_session_every_page_says_how_to_sign_in_and_shows_no_data(
    harness: Harness, browser: Browser
) -> None:
    sign_up(harness, "quentin")
    for path, _ in NAV:
        response = browser.get(path)
        assert response.status == 401, path
        assert "type <kbd>/dashboard</kbd>" in response.body
        assert "quentin" not in response.body
        assert "<table" not in response.body and "<img" not in response.body


def test_a_forged_session_cookie_shows_nothing(browser: Browser) -> None:
    browser.cookies["dashboard_session"] = "not-a-session"
    assert browser.get("/admin/").status == 401


def test_a_link_works_once(runtime: Runtime, browser: Browser) -> None:
    token = link_token(runtime, DINA)
    assert browser.sign_in(token).status == 303
    other = Browser(browser.base)
    again = other.sign_in(token)
    assert again.status == 403
    assert "This link has expired" in again.body
    assert "dashboard_session" not in other.cookies


def test_a_link_expires_after_ten_minutes(
    runtime: Runtime, clock: ManualClock, browser: Browser
) -> None:
    token = link_token(runtime, DINA)
    clock.set(clock.now() + timedelta(minutes=10))
    response = browser.sign_in(token)
    assert response.status == 403
    assert "dashboard_session" not in browser.cookies


def test_a_link_for_someone_not_an_admin_signs_nobody_in(
    runtime: Runtime, browser: Browser
) -> None:
    response = browser.sign_in(link_token(runtime, "console:mallory"))
    assert response.status == 403
    assert browser.get("/admin/").status == 401


def test_the_role_is_checked_on_every_request(
    runtime: Runtime, clock: ManualClock, browser: Browser
) -> None:
    erin = Address.parse("console:erin", kind="user")
    with runtime.store.session() as session:
        add_admin(session, erin, clock.now())
    signed_in(browser, runtime, "console:erin")
    assert browser.get("/admin/").status == 200
    with runtime.store.session() as session:
        remove_admin(session, erin)
    refused = browser.get(NAV[-1][0])
    assert refused.status == 403
    assert "you are not an admin now" in refused.body
    assert "<table" not in refused.body
    with runtime.store.session() as session:
        add_admin(session, erin, clock.now())
    assert browser.get("/admin/").status == 401  # the session ended with the role


def test_a_sign_in_form_without_its_csrf_token_is_refused(
    runtime: Runtime, browser: Browser
) -> None:
    token = link_token(runtime, DINA)
    browser.get(f"/admin/sign-in?token={token}")
    response = browser.post("/admin/sign-in", {"token": token})
    assert response.status == 403
    assert "That form has expired" in response.body
    assert browser.sign_in(token).status == 303  # the link was not used up


def test_a_form_without_the_sessions_csrf_token_changes_nothing(
    runtime: Runtime, browser: Browser
) -> None:
    signed_in(browser, runtime)
    csrf = browser.get("/admin/").field("csrf")
    for form in ({}, {"csrf": "forged"}, {"csrf": csrf[:-1]}):
        response = browser.post("/admin/sign-out", form)
        assert response.status == 403
        assert "That form has expired" in response.body
        assert browser.get("/admin/").status == 200  # still signed in
    other = Browser(browser.base)
    signed_in(other, runtime)
    assert other.post("/admin/sign-out", {"csrf": csrf}).status == 403  # another session's


def test_sign_out_ends_the_session_for_good(runtime: Runtime, browser: Browser) -> None:
    signed_in(browser, runtime)
    cookie = browser.cookies["dashboard_session"]
    response = browser.post("/admin/sign-out", {"csrf": browser.get("/admin/").field("csrf")})
    assert response.status == 200
    assert "You have signed out." in response.body
    assert "dashboard_session" not in browser.cookies
    browser.cookies["dashboard_session"] = cookie  # replayed
    assert browser.get("/admin/").status == 401


def test_a_session_ends_after_the_idle_timeout(
    runtime: Runtime, clock: ManualClock, browser: Browser
) -> None:
    signed_in(browser, runtime)
    clock.set(clock.now() + timedelta(minutes=29))
    assert browser.get("/admin/").status == 200  # each page restarts the idle time
    clock.set(clock.now() + timedelta(minutes=29))
    assert browser.get("/admin/").status == 200
    clock.set(clock.now() + timedelta(minutes=30))
    assert browser.get("/admin/").status == 401


def test_a_session_ends_after_twelve_hours_however_busy(
    runtime: Runtime, clock: ManualClock, browser: Browser
) -> None:
    assert runtime.settings.dashboard_session_hours == 12
    signed_in(browser, runtime)
    started = clock.now()
    while clock.now() < started + timedelta(hours=12) - timedelta(minutes=20):
        clock.set(clock.now() + timedelta(minutes=20))
        assert browser.get("/admin/").status == 200  # never idle
    clock.set(started + timedelta(hours=12))
    assert browser.get("/admin/").status == 401


def test_sign_ins_and_sign_outs_are_audited(runtime: Runtime, browser: Browser) -> None:
    signed_in(browser, runtime)
    browser.post("/admin/sign-out", {"csrf": browser.get("/admin/").field("csrf")})
    with runtime.store.session() as session:
        actions = [(a.address, a.action) for a in session.scalars(select(DashboardAudit))]
    assert actions == [(DINA, "link issued"), (DINA, "signed in"), (DINA, "signed out")]


def test_refused_sign_ins_are_audited_without_the_token(
    runtime: Runtime, clock: ManualClock, browser: Browser
) -> None:
    used = link_token(runtime, DINA)
    assert Browser(browser.base).sign_in(used).status == 303
    expired = link_token(runtime, DINA)
    clock.set(clock.now() + timedelta(minutes=10))
    tries = [used, expired, "forged-" + "x" * 40, link_token(runtime, "console:mallory")]
    for token in tries:
        assert Browser(browser.base).sign_in(token).status == 403
    with runtime.store.session() as session:
        refused = [
            (a.address, a.detail)
            for a in session.scalars(select(DashboardAudit))
            if a.action == "sign-in refused"
        ]
        logged = " ".join(
            f"{a.address} {a.detail}" for a in session.scalars(select(DashboardAudit))
        )
    assert refused == [("unknown", "link unknown, used or expired")] * 3 + [
        ("console:mallory", "not an admin")
    ]
    assert not any(token in logged for token in tries)


def test_pages_forbid_scripts_framing_and_referrers(runtime: Runtime, browser: Browser) -> None:
    for response in (browser.get("/admin/"), signed_in(browser, runtime).get("/admin/")):
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert "script-src" not in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_public_url_must_be_a_web_address() -> None:
    with pytest.raises(ValueError, match="give the address people open"):
        Settings(_env_file=None, public_url="bot.example.org")  # type: ignore[call-arg]


def test_run_serves_the_dashboard_beside_the_console(
    tmp_path: Path, database_url: str, store: Store
) -> None:
    """The newcomer's path: `inclusion-bot run` with no platform, `/as dina`, `/dashboard`,
    open the link, see the overview; the web server stops with the console."""
    port = free_port()
    settings = {"DATA_DIR": str(tmp_path), "ADMINS": DINA, "PORT": str(port)}
    if database_url.startswith("postgresql"):
        settings |= {"DATABASE_URL": database_url, "REPORTS_KEY": TEST_REPORTS_KEY}
    env = clean_environment(**settings) | {"PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "run", "--as", "dina"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        first = process.stdout.readline()
        assert first == f"Dashboard: http://127.0.0.1:{port}/admin/ (type /dashboard for a link).\n"
        process.stdin.write("/dashboard\n")
        process.stdin.flush()
        link = ""
        while not link:
            line = process.stdout.readline()
            assert line, "the console ended without a link"
            if "Open the dashboard: " in line:
                link = line.split("Open the dashboard: ", 1)[1].strip()
        assert link.startswith(f"http://127.0.0.1:{port}/admin/sign-in?token=")
        browser = Browser(f"http://127.0.0.1:{port}")
        assert browser.sign_in(link.split("token=", 1)[1]).status == 303
        overview = browser.get("/admin/")
        assert overview.status == 200 and "Participation" in overview.body
    finally:
        _, errors = process.communicate("", timeout=30)
    assert process.returncode == 0, errors
    assert "Traceback" not in errors
    with pytest.raises(ConnectionRefusedError):
        Browser(f"http://127.0.0.1:{port}").get("/admin/")
