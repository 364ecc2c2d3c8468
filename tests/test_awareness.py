"""Awareness posts: the right channels, on time, once, in the right tone; admins' previews;
a broken calendar refused with the file, entry and problem; the CLI's list and iCalendar."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar as ICalendar
from sqlalchemy import select

import content
from app.cli import main
from app.runtime import Runtime
from bot.awareness.calendar import CalendarError, load_calendar, occurrences
from bot.clock import ManualClock
from bot.config import Settings
from bot.pledge.content import Pledge
from bot.router import Bot
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.conftest import Harness

CALENDAR = """
entries:
  - id: women-day
    name: International Women's Day
    kind: day
    regions: [global]
    category: gender
    tone: celebrate
    rule: {type: rrule, rrule: "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=8"}
    description: A global day celebrating women's achievements.
    link: https://www.internationalwomensday.com/
    actions: [Share a story, Attend an event]
  - id: juneteenth
    name: Juneteenth
    kind: day
    regions: [us]
    category: race-and-heritage
    tone: commemorate
    rule: {type: rrule, rrule: "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=19"}
    description: Marks the end of slavery in the United States.
    link: https://www.juneteenth.com/
    actions: [Learn the history, Support Black-led organisations]
  - id: remembrance
    name: Holocaust Memorial Day
    kind: day
    regions: [uk]
    category: race-and-heritage
    tone: commemorate
    rule: {type: rrule, rrule: "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=27"}
    description: Remembers the six million Jews murdered in the Holocaust.
    link: https://www.hmd.org.uk/
    actions: [Light a candle, Read a survivor's testimony]
  - id: passover
    name: Passover
    kind: period
    regions: [global]
    category: faith-and-culture
    tone: celebrate
    rule: {type: hebrew, month: 1, day: 15, days: 8}
    description: A Jewish festival of freedom.
    link: https://www.chabad.org/
    actions: [Avoid scheduling events on the first evening, Ask colleagues how they mark it]
  - id: guess-week
    name: Unconfirmed Week
    kind: week
    regions: [uk]
    category: wellbeing
    tone: mark
    rule:
      type: organiser
      dates:
        2027: {start: 2027-03-15, end: 2027-03-21, confirmed: false, source: estimate}
    description: A week whose dates are not yet published.
    link: https://example.org/
    actions: [Wait for the organisers]
"""


@pytest.fixture
def calendar_file(tmp_path: Path) -> Path:
    path = tmp_path / "awareness.yaml"
    path.write_text(CALENDAR, encoding="utf-8")
    return path


@pytest.fixture
def aware(store: Store, settings: Settings, pledge: Pledge, calendar_file: Path) -> Harness:
    clock = ManualClock(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    calendar = load_calendar([calendar_file])
    bot = Bot(store, clock, settings, pledge, calendar)
    return Harness(Runtime(settings, store, clock, bot), clock)


def _posts(store: Store) -> list[tuple[str, str]]:
    with store.session() as session:
        rows = session.execute(
            select(OutboxMessage.idempotency_key, OutboxMessage.destination)
            .where(OutboxMessage.idempotency_key.like("awareness%"))
            .order_by(OutboxMessage.id)
        ).all()
    return [(row.idempotency_key, row.destination) for row in rows]


def test_the_announcements_channel_gets_heads_up_and_day_post_once(aware: Harness) -> None:
    # Settings: ANNOUNCEMENTS_CHANNEL=console:#announcements, default regions uk + global.
    printed = aware.say("/clock 2027-03-01T09:00Z")  # Monday: heads-up for Monday 8 March
    assert "bot → #announcements (channel):" in printed
    assert "Coming up: International Women's Day, Monday 8 March 2027." in printed
    again = aware.say("/clock 2027-03-01T09:05Z")
    assert "International Women's Day" not in again
    printed = aware.say("/clock 2027-03-08T09:00Z")
    assert "Today we celebrate International Women's Day." in printed
    keys = [key for key, _ in _posts(aware.runtime.store)]
    assert keys.count("awareness:console:#announcements:women-day:2027-03-08:heads-up") == 1
    assert keys.count("awareness:console:#announcements:women-day:2027-03-08:day") == 1


def test_an_unsubscribed_region_receives_nothing(aware: Harness) -> None:
    aware.say("/clock 2027-06-01T08:00Z")
    printed = aware.say("/clock 2027-06-18T09:00Z", "/clock 2027-06-19T09:00Z")
    assert "Juneteenth" not in printed  # a US date; #announcements is uk + global
    assert not [k for k, _ in _posts(aware.runtime.store) if "juneteenth" in k]


def test_an_admin_subscribes_a_channel_and_only_admins_can(aware: Harness) -> None:
    refused = aware.say("/as alice", "/in #us-office", "/awareness subscribe us")
    assert "Only admins" in refused
    printed = aware.say("/as dina", "/in #us-office", "/awareness subscribe us")
    assert "Regions: us." in printed
    assert "posts at 09:00 (Europe/London)" in printed
    printed = aware.say("/awareness settings timezone America/New_York")
    assert "(America/New_York)" in printed
    printed = aware.say("/clock 2027-06-18T13:00Z")  # Friday 09:00 in New York
    assert "bot → #us-office (channel):" in printed
    # Saturday, shifted to Friday: the post names the day rather than say "today".
    assert "Saturday 19 June is Juneteenth, a day of remembrance." in printed
    assert "happy" not in printed.lower()
    printed = aware.say("/awareness unsubscribe all", "/clock 2028-06-16T13:00Z")
    assert "Regions: none" in printed
    assert "Juneteenth" not in printed.split("Regions: none", 1)[1]


def test_remembrance_is_never_happy_and_jewish_festivals_begin_the_evening_before(
    aware: Harness,
) -> None:
    aware.say("/clock 2027-01-20T08:00Z")
    printed = aware.say("/clock 2027-01-27T09:00Z")
    assert "Today is Holocaust Memorial Day, a day of remembrance." in printed
    assert "happy" not in printed.lower() and "celebrate" not in printed.lower()
    aware.say("/clock 2027-04-14T08:00Z")
    printed = aware.say("/clock 2027-04-21T08:00Z")  # Passover: 22 April, from the 21st evening
    assert "Passover begins this evening." in printed
    assert "it begins at sunset the evening before" in " ".join(printed.split())


def test_an_unconfirmed_date_is_listed_as_such_and_never_posted(aware: Harness) -> None:
    printed = aware.say("/awareness upcoming uk")
    assert "Unconfirmed Week" in printed and "not yet confirmed" in printed
    aware.say("/clock 2027-03-08T09:00Z")
    printed = aware.say("/clock 2027-03-15T09:00Z")
    assert "Unconfirmed Week" not in printed
    assert not [k for k, _ in _posts(aware.runtime.store) if "guess-week" in k]


def test_admins_get_a_preview_and_can_stop_a_post(aware: Harness) -> None:
    aware.say("/clock 2027-03-04T08:00Z")
    printed = aware.say("/clock 2027-03-05T09:00Z")  # Friday: the working day before Monday
    assert "bot → dina (direct message):" in printed
    assert "Preview: this goes to subscribed channels on Monday 8 March 2027." in printed
    button = printed.split("] Don't send")[0].rsplit("[", 1)[1]
    refused = aware.say("/as alice", button)
    assert "Only admins" in refused
    done = aware.say("/as dina", button)
    assert "will not be sent" in done
    printed = aware.say("/clock 2027-03-08T09:00Z")
    assert "Today we celebrate International Women's Day" not in printed
    with aware.runtime.store.session() as session:
        status = session.scalar(
            select(OutboxMessage.status).where(
                OutboxMessage.idempotency_key.like("awareness:%women-day:2027-03-08:day")
            )
        )
    assert status == "cancelled"


def test_an_admin_can_edit_a_posts_text(aware: Harness) -> None:
    aware.say("/clock 2027-03-04T08:00Z")
    printed = aware.say("/clock 2027-03-05T09:00Z")
    button = printed.split("] Edit text")[0].rsplit("[", 1)[1]
    form = aware.say("/as dina", button)
    assert "What the post says" in form
    saved = aware.say("Join us at 12:00 in the atrium <!channel>")
    assert "Saved. The post will read:" in saved
    printed = aware.say("/clock 2027-03-08T09:00Z")
    assert "Join us at 12:00 in the atrium <!channel>" in printed


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("entries: [", "cannot read it as YAML"),
        ("entries:\n  - {id: x}\n", "x: name"),
        (CALENDAR.replace("type: hebrew", "type: lunar"), "passover: rule"),
        (CALENDAR.replace("BYMONTHDAY=8", "BYMONTHDAY=32"), "women-day: rule.rrule"),
        (CALENDAR.replace("regions: [us]", "regions: [mars]"), "unknown region 'mars'"),
        (CALENDAR.replace("start: 2027-03-15", "start: 2027-03-32"), "cannot read it as YAML"),
    ],
    ids=[
        "yaml",
        "missing-field",
        "unknown-rule",
        "impossible-rrule",
        "unknown-region",
        "impossible-date",
    ],
)
def test_a_broken_calendar_names_the_file_entry_and_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarError) as caught:
        load_calendar([path])
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_an_organisations_file_overrides_and_adds(tmp_path: Path, calendar_file: Path) -> None:
    ours = tmp_path / "ours.yaml"
    ours.write_text(
        CALENDAR.split("  - id: juneteenth")[0].replace("[Share a story", "[Join our lunch"),
        encoding="utf-8",
    )
    calendar = load_calendar([calendar_file, ours])
    entry = calendar.entry("women-day")
    assert entry is not None and entry.actions[0] == "Join our lunch"
    assert len(calendar.entries) == 5


def test_the_bot_refuses_to_start_with_a_broken_calendar(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("entries:\n  - {id: nope}\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["admins", "list"], env={"DATA_DIR": str(tmp_path), "AWARENESS_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1
    assert "awareness calendar is broken" in result.output and "nope" in result.output


def test_cli_lists_occurrences_as_json_for_a_region(tmp_path: Path) -> None:
    # The list reads admins' answers about organisers' dates from the database: a fresh one.
    result = CliRunner(env={"DATA_DIR": str(tmp_path), "DATABASE_URL": None}).invoke(
        main,
        [
            "awareness",
            "list",
            "--from",
            "2027-01-01",
            "--to",
            "2027-12-31",
            "--region",
            "uk",
            "--format",
            "json",
        ],
        env={"DATA_DIR": str(tmp_path)},  # its own database, not the user's data folder
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {"id", "name", "start", "end", "regions"} <= set(rows[0])
    assert all("uk" in r["regions"] or "global" in r["regions"] for r in rows)
    assert all(r["start"] <= r["end"] for r in rows)


def test_cli_writes_an_icalendar_file_that_parses(tmp_path: Path) -> None:
    out = tmp_path / "uk.ics"
    result = CliRunner(env={"DATA_DIR": str(tmp_path), "DATABASE_URL": None}).invoke(
        main,
        [
            "awareness",
            "ics",
            "--region",
            "uk",
            "--from",
            "2027-01-01",
            "--to",
            "2027-12-31",
            "--out",
            str(out),
        ],
        env={"DATA_DIR": str(tmp_path)},  # its own database, not the user's data folder
    )
    assert result.exit_code == 0, result.output
    parsed = ICalendar.from_ical(out.read_bytes())
    events = list(parsed.walk("VEVENT"))
    listed = occurrences(
        load_calendar([content.path("awareness.yaml")]),
        datetime(2027, 1, 1).date(),
        datetime(2027, 12, 31).date(),
        "uk",
    )
    assert len(events) == len(listed) > 0
    assert len({str(e["UID"]) for e in events}) == len(events)
    first = events[0]
    assert first.decoded("DTEND") > first.decoded("DTSTART")
