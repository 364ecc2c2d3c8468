"""The dashboard's pages with real data, over HTTP against the real server: the overview's
figures, the awareness calendar and its previews (decided through the same core as the chat's
buttons), the reports' trends (small counts hidden, never a case) and the people's downloads."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app import exports
from app.dashboard import pages
from app.runtime import Runtime
from bot.awareness.calendar import load_calendar
from bot.clock import ManualClock
from bot.commitments.models import ActionUpdate, AdoptedAction, Adoption
from bot.config import Settings
from bot.conversation import Address
from bot.dashboard.models import DashboardAudit
from bot.packs.content import Packs
from bot.pledge.content import Pledge
from bot.reports import registry
from bot.reports.commands import SMALL
from bot.reports.models import ReportCase
from bot.reports.resources import Desk
from bot.router import Bot
from bot.store import Store
from bot.store.models import OutboxMessage, Person
from bot.volunteers import directory
from bot.volunteers.models import VolunteerOffer
from tests.conftest import Harness, sign_up
from tests.dashboard_server import Browser, link_token, serving
from tests.event_loop import Loop
from tests.test_awareness import CALENDAR
from tests.test_reports import make_desk

DINA = "console:dina"
MONDAY = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def world(
    store: Store, settings: Settings, pledge: Pledge, packs: Packs, tmp_path: Path
) -> Harness:
    """The bot with the packs, an awareness calendar and the reports desk, at Monday 1 March
    2027."""
    path = tmp_path / "awareness.yaml"
    path.write_text(CALENDAR, encoding="utf-8")
    clock = ManualClock(MONDAY)
    bot = Bot(store, clock, settings, pledge, packs, load_calendar([path]), make_desk())
    return Harness(Runtime(settings, store, clock, bot), clock)


@pytest.fixture
def server(world: Harness, loop: Loop) -> Iterator[str]:
    with serving(world.runtime, loop) as url:
        yield url


def signed_in(world: Harness, server: str) -> Browser:
    """dina, signed in now (after the test has moved the clock to where it looks)."""
    browser = Browser(server)
    assert browser.sign_in(link_token(world.runtime, DINA)).status == 303
    return browser


def cells(page: str, row_heading: str) -> list[str]:
    """The cells of the table row headed ``row_heading``."""
    found = re.search(rf'<th scope="row">{re.escape(row_heading)}</th>(.*?)</tr>', page)
    assert found, f"no row {row_heading!r}"
    return re.findall(r"<td>(.*?)</td>", found.group(1))


def audited(store: Store) -> list[tuple[str, str]]:
    with store.session() as session:
        return [(a.action, a.detail) for a in session.scalars(select(DashboardAudit))]


# --- overview --------------------------------------------------------------------------------


def test_the_overview_shows_weeks_answers_and_leaders_gone_quiet(
    world: Harness, server: str
) -> None:
    sign_up(world, "quentin")
    sign_up(world, "rhiannon")
    for week in range(4):  # check-ins on four Mondays; nobody answers quentin's
        world.tick_at(MONDAY + timedelta(weeks=week, hours=1))
        if week == 3:
            answered = world.say("/as rhiannon", "/pledge")
            assert "check-in" in answered.lower()
    browser = signed_in(world, server)
    page = browser.get("/admin/").body
    assert "The pledge's leaders" in page  # says whose figures these are...
    assert 'are on the <a href="/admin/packs">Packs</a> page' in page  # ... and where packs are
    assert page.count('src="data:image/svg+xml;base64,') == 2
    assert cells(page, "1 Mar 2027") == ["2", "0", "0%"]  # both missed that week
    assert cells(page, "22 Mar 2027")[0] == "2"
    quiet = page.split('id="quiet"', 1)[1]
    assert '<th scope="row">quentin</th><td>3</td><td>never</td>' in quiet
    assert "rhiannon</th><td>3" in quiet
    assert len(re.findall(r"<tr><th scope=\"row\">\d\. ", page)) == len(
        world.runtime.need(Pledge).commitments
    )


def test_the_overview_escapes_what_people_typed(world: Harness, server: str) -> None:
    sign_up(world, "<img src=x onerror=alert(1)>")
    for week in range(3):
        world.tick_at(MONDAY + timedelta(weeks=week, hours=1))
    world.tick_at(MONDAY + timedelta(weeks=3, hours=1))
    browser = signed_in(world, server)
    page = browser.get("/admin/").body
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# --- awareness -------------------------------------------------------------------------------


def test_the_awareness_calendar_shows_what_each_channel_gets(world: Harness, server: str) -> None:
    world.run_due()  # subscribes the announcements channel (uk and global)
    browser = signed_in(world, server)
    page = browser.get("/admin/awareness?month=2027-03").body
    assert "<h1>Awareness: March 2027</h1>" in page
    march_8 = page.split('<span class="date">8<', 1)[1].split("</td>", 1)[0]
    assert "console:#announcements: International Women&#39;s Day (on the day)" in march_8
    march_1 = page.split('<span class="date">1<', 1)[1].split("</td>", 1)[0]
    assert "International Women&#39;s Day (heads-up)" in march_1
    calendar = page.split('id="waiting"', 1)[0]
    assert "Unconfirmed Week" not in calendar  # never posted as fact...
    waiting = page.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    assert (  # ... but waiting for an admin to confirm it
        '<th scope="row">Unconfirmed Week 2027</th><td>15 March to 21 March 2027</td>'
        "<td>estimate</td>"
    ) in waiting
    assert "Juneteenth" not in browser.get("/admin/awareness?month=2027-06").body  # us only
    odd = browser.get("/admin/awareness?month=2027-13")
    assert odd.status == 200 and "That month was not understood" in odd.body


@pytest.mark.parametrize(
    ("month", "note"),
    [
        ("1-1", "not understood"),
        ("2027-3", "not understood"),
        ("2027-00", "not understood"),
        ("99999-01", "not understood"),
        ("0001-01", "covers January 2001 to December 2035 only"),
        ("9999-12", "covers January 2001 to December 2035 only"),
        ("2000-12", "covers January 2001 to December 2035 only"),
        ("2040-01", "covers January 2001 to December 2035 only"),
    ],
)
def test_a_month_the_calendar_cannot_show_gets_a_note_never_an_error(
    world: Harness, server: str, month: str, note: str
) -> None:
    page = signed_in(world, server).get(f"/admin/awareness?month={month}")
    assert page.status == 200
    assert note in page.body
    assert "<h1>Awareness: March 2027</h1>" in page.body  # the current month instead


def test_the_calendars_first_and_last_months_link_no_further(world: Harness, server: str) -> None:
    browser = signed_in(world, server)
    first = browser.get("/admin/awareness?month=2001-01").body
    assert "<h1>Awareness: January 2001</h1>" in first and "Previous month" not in first
    assert 'href="/admin/awareness?month=2001-02">Next month' in first
    last = browser.get("/admin/awareness?month=2035-12").body
    assert "<h1>Awareness: December 2035</h1>" in last and "Next month" not in last
    assert 'href="/admin/awareness?month=2035-11">Previous month' in last


def test_dont_send_on_the_dashboard_stops_the_post_as_the_chat_button_does(
    world: Harness, server: str
) -> None:
    world.run_due()
    browser = signed_in(world, server)
    page = browser.get("/admin/awareness?month=2027-03")
    preview = page.body.split("Goes to console:#announcements on Monday 8 March 2027.", 1)[1]
    preview = preview.split("</article>", 1)[0]
    assert "Preview: this goes to subscribed channels on Monday 8 March 2027." in preview
    value = re.search(r'name="value" value="([^"]+)"', preview)
    assert value
    form = {
        "csrf": page.field("csrf"),
        "action_id": "awareness.suppress",
        "value": value.group(1).replace("&#39;", "'"),
        "month": "2027-03",
        "anchor": "post-1",
    }
    assert browser.post("/admin/awareness/decide", {**form, "csrf": "forged"}).status == 403
    done = browser.post("/admin/awareness/decide", form)
    assert done.status == 303
    assert done.headers["Location"].startswith("/admin/awareness?month=2027-03#post-")
    again = browser.get("/admin/awareness?month=2027-03").body
    again = again.split("Goes to console:#announcements on Monday 8 March 2027.", 1)[1]
    assert "Send after all" in again.split("</article>")[0]
    world.clock.set(datetime(2027, 3, 8, 9, 0, tzinfo=UTC))
    world.run_due()  # the bot's own tick and drain, with its calendar
    with world.runtime.store.session() as session:
        status = session.scalar(
            select(OutboxMessage.status).where(
                OutboxMessage.idempotency_key.like("awareness:%women-day:2027-03-08:day")
            )
        )
    assert status == "cancelled"
    assert ("awareness: don't send", form["value"]) in audited(world.runtime.store)


def test_a_press_the_chat_would_refuse_changes_nothing(world: Harness, server: str) -> None:
    world.run_due()
    browser = signed_in(world, server)
    csrf = browser.get("/admin/awareness").field("csrf")
    for action_id, value in (
        ("awareness.suppress", "day|no-such-entry:2027-03-08|2027-03-08"),
        ("pledge.leave", "1"),
        ("awareness.suppress", "x" * 5000),
    ):
        response = browser.post(
            "/admin/awareness/decide", {"csrf": csrf, "action_id": action_id, "value": value}
        )
        assert response.status in (303, 400, 403)
    assert [a for a, _ in audited(world.runtime.store) if a.startswith("awareness")] == []


def test_edit_on_the_dashboard_uses_the_chats_form_and_limits(world: Harness, server: str) -> None:
    world.run_due()
    browser = signed_in(world, server)
    page = browser.get("/admin/awareness?month=2027-03").body
    href = re.search(r'href="(/admin/awareness/edit\?value=[^"]+)"', page)
    assert href
    edit = browser.get(href.group(1).replace("&amp;", "&"))
    assert edit.status == 200
    assert '<label for="field-text">What the post says' in edit.body
    assert "A global day celebrating women&#39;s achievements." in edit.body
    form = {"csrf": edit.field("csrf"), "context": edit.field("context").replace("&#39;", "'")}
    too_long = browser.post(
        "/admin/awareness/edit", {**form, "text": "x" * 1001, "month": "2027-03"}
    )
    assert too_long.status == 422
    assert "Nothing was saved" in too_long.body
    assert 'aria-invalid="true"' in too_long.body
    typed = "Join us at 12:00 <script>alert(1)</script>"
    saved = browser.post("/admin/awareness/edit", {**form, "text": typed, "month": "2027-03"})
    assert saved.status == 303
    after = browser.get("/admin/awareness?month=2027-03").body
    assert "Join us at 12:00 &lt;script&gt;alert(1)&lt;/script&gt;" in after
    assert "<script>" not in after
    assert [a for a, _ in audited(world.runtime.store) if a == "awareness: edited"] == [
        "awareness: edited"
    ]


# --- reports ---------------------------------------------------------------------------------


def file_cases(store: Store, category: str, month: date, count: int, alerted: bool = True) -> None:
    with store.session() as session:
        for n in range(count):
            session.add(
                ReportCase(
                    reference=f"R-{category[:3]}{category[-2:]}{month:%m}-{n:04d}",
                    passphrase_hash="x",
                    category=category,
                    platform="console",
                    received_on=month,
                    content="SEALED-CASE-WORDS",
                    excluded=[],
                    status="new",
                    alerted=alerted,
                )
            )


def test_reports_show_trends_only_with_small_counts_hidden(world: Harness, server: str) -> None:
    store = world.runtime.store
    file_cases(store, "racism", date(2027, 1, 4), 6)
    file_cases(store, "bullying", date(2027, 1, 5), 2)
    file_cases(store, "racism", date(2027, 2, 9), 3)
    file_cases(store, "racism", date(2027, 3, 1), 9, alerted=False)  # not told of yet
    with store.session() as session:
        hana = Address.parse("console:hana", kind="user")
        registry.add(session, hana, ["racism"], escalation=False, name="Hana Handler")
    browser = signed_in(world, server)
    page = browser.get("/admin/reports").body
    months = re.findall(r'<th scope="col">(\d{4}-\d\d)</th>', page)
    assert months[0] == "2026-04" and months[-1] == "2027-03" and len(months) == 12
    # January's total would give bullying's 2 back (8 - 6), so it is hidden as well.
    assert cells(page, "All kinds")[-3:] == ["&lt;5", "&lt;5", "&lt;5"]
    assert cells(page, "Racism")[-3:] == ["6", "&lt;5", "&lt;5"]
    assert cells(page, "Bullying")[-3:] == ["&lt;5", "&lt;5", "&lt;5"]
    assert "SEALED-CASE-WORDS" not in page and "R-rac" not in page
    assert '<th scope="row">Hana Handler</th><td>console:hana</td><td>Racism</td>' in page


def test_a_months_total_shows_only_when_every_kind_shows(world: Harness, server: str) -> None:
    """5 racism and 1 bullying: a shown total of 6 would give the hidden bullying's 1 back.
    With every kind at SMALL or more the total shows, in the table and as the chart's bar."""
    store = world.runtime.store
    labels = [c.label for c in world.runtime.need(Desk).categories]
    ids = [c.id for c in world.runtime.need(Desk).categories]
    file_cases(store, "racism", date(2027, 2, 1), 5)
    file_cases(store, "bullying", date(2027, 2, 2), 1)
    for category in ids:
        file_cases(store, category, date(2027, 3, 1), 5)
    page = signed_in(world, server).get("/admin/reports").body
    assert cells(page, "Racism")[-2:] == ["5", "5"]
    assert cells(page, "Bullying")[-2:] == ["&lt;5", "5"]
    assert cells(page, "All kinds")[-2:] == ["&lt;5", str(5 * len(labels))]
    assert "&lt;5" not in "".join(cells(page, label)[-1] for label in labels)


def test_no_hidden_count_can_be_worked_out_from_the_shown_ones() -> None:
    """Every month three kinds (and cases of a kind no longer on the desk) could hold: group
    them by what the page shows, as someone knowing the rule would, and every hidden cell
    must still have more than one possible value, so nothing can be subtracted out."""
    seen: dict[object, list[tuple[int, ...]]] = defaultdict(list)
    for *kinds, other in itertools.product(range(SMALL + 2), repeat=4):
        shown_kinds, total = pages.suppressed(kinds, sum(kinds) + other)
        seen[(tuple(shown_kinds), total)].append((*kinds, sum(kinds) + other))
    assert len(seen) > 1
    for (shown_kinds, total), possible in seen.items():
        hidden = [i for i, n in enumerate(shown_kinds) if n is None]
        if total is None:
            hidden.append(len(shown_kinds))
        else:  # a shown total holds only the shown kinds: nothing of another kind is in it
            assert total == sum(shown_kinds) and all(n is not None for n in shown_kinds)
        for cell in hidden:
            assert len({values[cell] for values in possible}) > 1, (shown_kinds, total, cell)


# --- people ----------------------------------------------------------------------------------


def test_people_lists_admins_and_downloads_the_export_as_the_cli_writes_it(
    world: Harness, server: str
) -> None:
    sign_up(world, '=HYPERLINK("http://evil")')
    world.tick_at(MONDAY + timedelta(hours=1))
    browser = signed_in(world, server)
    page = browser.get("/admin/people").body
    assert '<th scope="row">console:dina</th><td>ADMINS setting</td>' in page
    with world.runtime.store.session() as session:
        expected_csv, expected_json = io.StringIO(), io.StringIO()
        packs = world.runtime.need(Packs)
        columns = exports.CHECKIN_COLUMNS
        exports.write(exports.checkin_rows(session, packs), columns, "csv", expected_csv)
        exports.write(exports.checkin_rows(session, packs), columns, "json", expected_json)
    got_csv = browser.get("/admin/people/checkins.csv")
    assert got_csv.status == 200
    assert got_csv.headers["Content-Type"].startswith("text/csv")
    assert got_csv.headers["Content-Disposition"] == 'attachment; filename="checkins.csv"'
    assert got_csv.body == expected_csv.getvalue()
    rows = list(csv.DictReader(io.StringIO(got_csv.body)))
    assert all(not row["leader"].startswith("=") for row in rows)
    got_json = browser.get("/admin/people/checkins.json")
    assert json.loads(got_json.body) == json.loads(expected_json.getvalue())
    assert [d for a, d in audited(world.runtime.store) if a == "downloaded"] == [
        "checkins.csv",
        "checkins.json",
    ]


def offer(store: Store, name: str, listed: bool) -> None:
    with store.session() as session:
        person = Person(platform="console", tenant="", user_id=name, display_name=name.title())
        session.add(person)
        session.flush()
        session.add(
            VolunteerOffer(
                person_id=person.id,
                kinds=["speaker", "mentor"],
                time="half-day",
                regions=["london", "online"],
                about="=SUM(A1) talks on <b>apprenticeships</b>",
                listed=listed,
                offered_at=MONDAY,
                updated_at=MONDAY,
            )
        )


def test_people_lists_consenting_volunteers_only_and_downloads_the_directory(
    world: Harness, server: str
) -> None:
    offer(world.runtime.store, "valentina", listed=True)
    offer(world.runtime.store, "walter", listed=False)  # did not agree to be listed
    browser = signed_in(world, server)
    page = browser.get("/admin/people").body
    volunteers = page.split('id="volunteers"', 1)[1].split("</section>", 1)[0]
    assert (
        '<th scope="row">Valentina</th><td>console:valentina</td><td>Speaker, Mentor</td>'
        "<td>Half a day</td><td>London, Online</td>"
    ) in volunteers
    assert "&lt;b&gt;apprenticeships&lt;/b&gt;" in volunteers
    assert "Walter" not in page and "walter" not in page
    with world.runtime.store.session() as session:
        expected = io.StringIO()
        exports.write(
            list(directory.export_rows(session)), directory.EXPORT_COLUMNS, "csv", expected
        )
    got = browser.get("/admin/people/volunteers.csv")
    assert got.status == 200 and got.body == expected.getvalue()
    (row,) = csv.DictReader(io.StringIO(got.body))
    assert row["kinds"] == "speaker; mentor"
    assert row["about"].startswith("'=SUM")
    (listed,) = json.loads(browser.get("/admin/people/volunteers.json").body)
    assert listed["name"] == "Valentina" and listed["regions"] == ["london", "online"]


# --- packs -----------------------------------------------------------------------------------


def adopt(store: Store) -> None:
    """The anti-racism pack adopted in the console's workspace: 1.1 Quentin's, overdue and
    stuck; 1.2 nobody's, never answered; 1.3 Rhiannon's, done, a quick win."""
    with store.session() as session:
        people = {
            name: Person(platform="console", tenant="", user_id=name, display_name=name.title())
            for name in ("quentin", "rhiannon")
        }
        session.add_all(people.values())
        session.flush()
        adoption = Adoption(
            platform="console",
            tenant="",
            pack_id="anti-racism",
            adopted_by=people["quentin"].id,
            adopted_at=MONDAY - timedelta(days=60),
        )
        session.add(adoption)
        session.flush()
        rows = [
            ("1.1", people["quentin"], date(2027, 2, 1), False, "<b>Book</b> the trainer", "stuck"),
            ("1.2", None, None, False, "", None),
            ("1.3", people["rhiannon"], date(2027, 6, 1), True, "", "done"),
        ]
        for action_id, owner, due, quick, steps, status in rows:
            action = AdoptedAction(
                adoption_id=adoption.id,
                action_id=action_id,
                owner_id=owner.id if owner else None,
                due_on=due,
                quick_win=quick,
                next_steps=steps,
                active=True,
            )
            session.add(action)
            session.flush()
            if status and owner:
                session.add(
                    ActionUpdate(
                        adopted_action_id=action.id,
                        person_id=owner.id,
                        status=status,
                        note="",
                        answered_at=MONDAY - timedelta(days=3),
                    )
                )


def board_rows(page: str) -> list[str]:
    """The board's row headings: each action's commitment, number and words."""
    table = page.split("<caption>", 1)[1] if "<caption>" in page else ""
    return re.findall(r'<th scope="row">(\d\.[^<]*)', table)


def test_the_packs_page_shows_the_board_with_filters(world: Harness, server: str) -> None:
    browser = signed_in(world, server)
    before = browser.get("/admin/packs").body
    assert "has not adopted an organisation pack yet" in before
    adopt(world.runtime.store)
    page = browser.get("/admin/packs").body
    assert "<h2>Our Anti-Racism Commitments</h2>" in page
    assert len(board_rows(page)) == 3
    assert "Showing 3 of 3 actions: 1 red, 0 amber, 1 green, 1 not answered yet." in page
    assert "Red: Stuck" in page and "Green: Done" in page and "Nobody yet" in page
    assert "&lt;b&gt;Book&lt;/b&gt; the trainer" in page and "<b>Book" not in page
    assert '<strong class="overdue">overdue</strong>' in page
    assert '<span class="tag">Quick win</span>' in page
    only = {
        "colour=red": "Quentin",
        "owner=nobody": "Nobody yet",
        "overdue=1": "Quentin",
        "owner=console%3Arhiannon": "Rhiannon",
    }
    for query, owner in only.items():
        shown = browser.get(f"/admin/packs?pack=anti-racism&{query}").body
        assert "Showing 1 of 3 actions" in shown, query
        assert owner in shown.split("<tbody>", 1)[1], query
    odd = browser.get("/admin/packs?pack=anti-racism&colour=purple&owner=console%3Amallory").body
    assert "Showing 3 of 3 actions" in odd  # an unknown filter value filters nothing
    other = browser.get("/admin/packs?pack=social-mobility").body
    assert "Your workspace has not adopted this pack." in other
