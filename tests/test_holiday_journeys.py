"""Issue 15, item 1: no check-ins or reminders on a public holiday or closure day.

JSON-lines journeys with the injected clock, on SQLite or (TEST_DATABASE_URL) PostgreSQL: a
leader signs with a country (or none, and their time zone's is used), the clock moves, and
what the bot sent, and when, is read from the lines it wrote.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.runtime import Runtime
from bot.clock import ManualClock
from bot.config import ConfigurationError, Settings
from bot.pledge.content import Pledge, load_content
from bot.pledge.leaders import workplace
from bot.pledge.models import Checkin, ClosureDay, Leader
from bot.pledge.workdays import Workplace, default_workplace, parse_workplace
from bot.router import Bot
from bot.store import Store
from tests.calendar_journey import HEADING, Journey
from tests.conftest import Harness


@pytest.fixture
def journey(harness: Harness) -> Journey:
    return Journey(harness)


def _leader(harness: Harness, who: str) -> Leader:
    with harness.runtime.store.session() as session:
        found = session.scalar(
            select(Leader).join(Leader.person).where(Leader.person.has(user_id=who))
        )
        assert found is not None
        session.expunge(found)
        return found


def _weeks(harness: Harness) -> list[tuple[date, datetime]]:
    with harness.runtime.store.session() as session:
        rows = session.execute(select(Checkin.week_of, Checkin.due_at).order_by(Checkin.id))
        return [(row.week_of, row.due_at) for row in rows]


# --- England: Easter, the early May and late August bank holidays -------------------------------


def test_easter_monday_checkin_arrives_on_tuesday_at_the_same_time(journey: Journey) -> None:
    journey.at("2027-03-22T12:00Z")
    [signed] = journey.sign("alice", timezone="Europe/London")
    assert "Your first check-in arrives on Monday 29 March 2027" not in json.dumps(signed)
    assert "Tuesday 30 March 2027 at 09:00" in json.dumps(signed)
    leader = _leader(journey.harness, "alice")
    assert (leader.country, leader.subdivision) == (None, None)  # left empty: nothing stored
    assert workplace(leader) == Workplace("GB", "ENG")  # so it follows Europe/London
    progress = journey.command("alice", "progress")
    assert "next on Tuesday 30 March 2027, moved from Monday 29 March 2027 (Easter Monday)" in (
        progress
    )
    card = journey.command("alice", "")
    assert (
        "I check in with you on Mondays at 09:00 (Europe/London); next on Tuesday 30 March 2027, "
        "moved from Monday 29 March 2027 (Easter Monday)." in card
    )
    assert journey.at("2027-03-29T08:00Z") == []  # Easter Monday, 09:00 BST
    assert journey.at("2027-03-30T07:59Z") == []
    assert journey.at("2027-03-30T08:00Z") == [f"{HEADING} Monday 29 March 2027"]
    assert _weeks(journey.harness) == [
        (date(2027, 3, 29), datetime(2027, 3, 30, 8, tzinfo=UTC)),
    ]
    # The week after is the usual Monday again.
    assert "next on Monday 5 April 2027" in journey.command("alice", "progress")
    assert journey.at("2027-04-05T08:00Z") == [f"{HEADING} Monday 5 April 2027"]


def test_a_good_friday_checkin_passes_the_weekend_and_easter_monday(journey: Journey) -> None:
    journey.at("2027-03-22T12:00Z")
    journey.sign("alice", timezone="Europe/London", weekday=5, at="14:30")
    assert journey.at("2027-03-26T14:30Z") == []  # Good Friday (GMT still)
    assert journey.at("2027-03-29T13:30Z") == []  # Easter Monday, after the clocks changed
    assert journey.at("2027-03-30T13:30Z") == [f"{HEADING} Friday 26 March 2027"]
    assert "next on Friday 2 April 2027" in journey.command("alice", "progress")


def test_a_reminder_due_on_good_friday_comes_on_the_tuesday(journey: Journey) -> None:
    journey.at("2027-03-22T12:00Z")
    journey.sign("alice", timezone="Europe/London", weekday=4)  # Thursdays at 09:00
    assert journey.at("2027-03-25T09:00Z") == [f"{HEADING} Thursday 25 March 2027"]
    assert journey.at("2027-03-26T09:00Z") == []  # 24 hours later: Good Friday
    assert journey.at("2027-03-29T08:00Z") == []  # Easter Monday
    [nudge] = journey.at("2027-03-30T09:00Z")  # 09:00 in London is 08:00 UTC: still there
    assert nudge.startswith("A gentle reminder") and "Thursday 25 March 2027" in nudge


@pytest.mark.parametrize(
    ("holiday", "monday"),
    [
        ("2027-05-03", "Monday 3 May 2027"),  # the early May bank holiday
        ("2027-08-30", "Monday 30 August 2027"),  # the late summer bank holiday
    ],
    ids=["early-may", "late-august"],
)
def test_an_english_bank_holiday_moves_the_monday_checkin(
    journey: Journey, holiday: str, monday: str
) -> None:
    day = date.fromisoformat(holiday)
    journey.at(f"{(day - timedelta(days=7)).isoformat()}T12:00Z")
    journey.sign("alice", timezone="Europe/London")
    assert journey.at(f"{holiday}T08:00Z") == []
    following = (day + timedelta(days=1)).isoformat()
    assert journey.at(f"{following}T08:00Z") == [f"{HEADING} {monday}"]


def test_scotland_keeps_no_late_august_bank_holiday(journey: Journey) -> None:
    journey.at("2027-08-23T12:00Z")
    journey.sign("alice", timezone="Europe/London", country="GB-SCT")
    assert journey.at("2027-08-30T08:00Z") == [f"{HEADING} Monday 30 August 2027"]


# --- Scotland, the US, India --------------------------------------------------------------------


def test_st_andrews_day_moves_a_scottish_checkin_not_an_english_one(journey: Journey) -> None:
    journey.at("2027-11-24T12:00Z")
    journey.sign("alice", timezone="Europe/London", country="gb-sct", weekday=2)
    journey.sign("bob", timezone="Europe/London", weekday=2)  # England, from the zone
    assert (_leader(journey.harness, "alice").subdivision) == "SCT"
    assert "moved from Tuesday 30 November 2027 (Saint Andrew's Day)" in journey.command(
        "alice", "progress"
    )
    sent = journey.feed(type="clock", set="2027-11-30T09:00Z")
    to = {line["destination"] for line in sent if line["type"] == "send"}
    assert to == {"console:bob"}
    sent = journey.feed(type="clock", set="2027-12-01T09:00Z")
    [alice] = [
        line for line in sent if line["type"] == "send" and line["destination"] == "console:alice"
    ]
    assert alice["message"]["blocks"][0]["text"] == f"{HEADING} Tuesday 30 November 2027"


def test_thanksgiving_moves_a_new_york_checkin_to_friday(journey: Journey) -> None:
    journey.at("2027-11-18T12:00Z")
    journey.sign("carol", timezone="America/New_York", weekday=4, at="10:00")
    assert workplace(_leader(journey.harness, "carol")) == Workplace("US")  # from the zone
    assert journey.at("2027-11-25T15:00Z") == []  # Thanksgiving, 10:00 EST
    assert journey.at("2027-11-26T15:00Z") == [f"{HEADING} Thursday 25 November 2027"]


def test_diwali_in_india_moves_a_friday_checkin_past_the_weekend(journey: Journey) -> None:
    journey.at("2027-10-22T03:00Z")
    journey.sign("dev", timezone="Asia/Kolkata", weekday=5, at="10:00")
    assert workplace(_leader(journey.harness, "dev")) == Workplace("IN")  # from the zone
    assert journey.at("2027-10-29T04:30Z") == []  # Diwali, 10:00 IST
    assert journey.at("2027-10-30T04:30Z") == []  # the weekend
    assert journey.at("2027-11-01T04:30Z") == [f"{HEADING} Friday 29 October 2027"]


def test_diwali_is_an_ordinary_day_in_london(journey: Journey) -> None:
    journey.at("2027-10-22T12:00Z")
    journey.sign("alice", timezone="Europe/London", weekday=5)
    assert journey.at("2027-10-29T08:00Z") == [f"{HEADING} Friday 29 October 2027"]


# --- where they work: asked, edited, checked ------------------------------------------------------


def test_an_unknown_country_is_asked_again_and_nothing_is_signed(journey: Journey) -> None:
    [reply] = journey.sign("alice", timezone="Europe/London", country="Narnia")
    assert reply["reply"]["type"] == "form_errors"
    assert reply["reply"]["errors"] == {
        "country": "Where you work: 'Narnia' is not a country (or country and region) I know "
        "holidays for. Use a code like GB-ENG, GB-SCT, US, US-CA, IN."
    }
    [reply] = journey.sign("alice", timezone="Europe/London", country="GB-XYZ")
    assert "'GB-XYZ' is not a country" in reply["reply"]["errors"]["country"]
    for half in ("GB-", "US-", "us-"):
        [reply] = journey.sign("alice", timezone="Europe/London", country=half)
        assert f"'{half}' is not a country" in reply["reply"]["errors"]["country"]
    assert _weeks(journey.harness) == []
    assert "haven't signed" in journey.command("alice", "progress")


def test_bare_gb_is_refused_naming_the_four_nations(journey: Journey) -> None:
    """The UK's nationwide table has neither Easter Monday nor the late August bank holiday,
    so a bare GB would quietly lose them: the leader is asked which nation."""
    [reply] = journey.sign("alice", timezone="Europe/London", country=" gb ")
    assert reply["reply"]["errors"] == {
        "country": "Where you work: GB's public holidays differ between its parts: use GB-ENG, "
        "GB-WLS, GB-SCT or GB-NIR."
    }
    assert "haven't signed" in journey.command("alice", "progress")
    journey.sign("alice", timezone="Europe/London", country="GB-WLS")
    assert (_leader(journey.harness, "alice").subdivision) == "WLS"


def test_an_empty_workplace_follows_a_later_change_of_time_zone(journey: Journey) -> None:
    journey.at("2027-11-22T12:00Z")
    journey.sign("alice", timezone="Europe/London")
    journey.sign("alice", timezone="America/New_York")  # the edit form, workplace still empty
    leader = _leader(journey.harness, "alice")
    assert leader.country is None and workplace(leader) == Workplace("US")
    # Thursday 25 November 2027 is Thanksgiving: the check-in moves to Friday.
    journey.sign("alice", timezone="America/New_York", weekday=4)
    assert "next on Friday 26 November 2027" in journey.command("alice", "progress")


def test_pledge_edit_shows_and_changes_where_they_work(journey: Journey, harness: Harness) -> None:
    journey.at("2027-11-22T12:00Z")
    journey.sign("alice", timezone="Europe/London")
    printed = harness.say("/as alice", "/pledge edit", *[""] * 19)  # every other answer kept
    assert "Where you work, for public holidays" in printed.rsplit("Your time zone", 1)[1]
    assert "Enter keeps GB-ENG" not in printed  # left empty at sign-up, so still empty
    printed = " ".join(harness.say("GB-SCT").split())
    assert "Saved." in printed
    leader = _leader(harness, "alice")
    assert (leader.country, leader.subdivision) == ("GB", "SCT")
    # A time zone with no country, and no answer: no public holidays, only closure days.
    assert default_workplace("UTC") is None
    assert parse_workplace(" us-ca ").code == "US-CA"


# --- the organisation's closure days --------------------------------------------------------------


@pytest.fixture
def closed_office(store: Store, settings: Settings, pledge: Pledge, tmp_path: Path) -> Journey:
    content_dir = tmp_path / "content"
    content_dir.mkdir()
    (content_dir / "closures.yaml").write_text(
        "closures:\n  - date: 2027-12-29\n    until: 2027-12-31\n    label: Winter closure\n",
        encoding="utf-8",
    )
    settings = settings.model_copy(update={"content_dir": content_dir})
    clock = ManualClock(datetime(2027, 12, 1, 12, tzinfo=UTC))
    runtime = Runtime(settings, store, clock, Bot(store, clock, settings, pledge))
    return Journey(Harness(runtime, clock))


def test_closure_days_from_the_file_and_an_admin_move_checkins(closed_office: Journey) -> None:
    journey = closed_office
    journey.sign("alice", timezone="Europe/London", weekday=3)  # Wednesdays at 09:00
    refused = journey.command("alice", "closures add 2027-12-08 Away day")
    assert refused == "Closure days are kept by your organisation's admins."
    added = journey.command("dina", "closures add 2027-12-08 Away day")
    assert "Added: Wednesday 8 December 2027 is a closure day." in added
    listing = journey.command("dina", "closures")
    assert "Wednesday 8 December 2027: Away day" in listing
    assert "Friday 31 December 2027: Winter closure" in listing
    assert "moved from Wednesday 8 December 2027 (Away day)" in journey.command("alice", "progress")
    assert journey.at("2027-12-08T09:00Z") == []
    assert journey.at("2027-12-09T09:00Z") == [f"{HEADING} Wednesday 8 December 2027"]
    # 29 to 31 December (the file), then the New Year's Day holiday falls on a Saturday: its
    # observed Monday 3 January is off too, so the check-in comes on Tuesday 4 January 2028.
    assert journey.at("2027-12-22T09:00Z") == [f"{HEADING} Wednesday 22 December 2027"]
    [nudge] = journey.at("2027-12-23T09:00Z")
    assert nudge.startswith("A gentle reminder")
    assert journey.at("2027-12-25T09:00Z") == []  # the last reminder: Christmas Day
    assert journey.at("2027-12-29T09:00Z") == []
    assert journey.at("2028-01-03T09:00Z") == []
    assert journey.at("2028-01-04T09:00Z") == [f"{HEADING} Wednesday 29 December 2027"]
    with journey.harness.runtime.store.session() as session:
        row = session.get(ClosureDay, date(2027, 12, 8))
        assert row is not None and row.added_by == "console:dina"


def test_a_closure_added_after_scheduling_still_moves_the_checkin(closed_office: Journey) -> None:
    journey = closed_office
    journey.sign("alice", timezone="Europe/London", weekday=3)
    assert _leader(journey.harness, "alice").next_checkin_at == datetime(2027, 12, 8, 9, tzinfo=UTC)
    added = journey.command("dina", "closures add 2027-12-08..2027-12-09 Move")
    assert "Added: Wednesday 8 December 2027 to Thursday 9 December 2027 are closure days." in added
    assert journey.at("2027-12-08T09:00Z") == []
    assert journey.at("2027-12-09T09:00Z") == []
    assert journey.at("2027-12-10T09:00Z") == [f"{HEADING} Wednesday 8 December 2027"]
    removed = journey.command("dina", "closures remove 2027-12-08..2027-12-09")
    assert "Removed 2 closure days in Wednesday 8 December 2027 to" in removed
    assert "no closure day" in journey.command("dina", "closures remove 2027-12-30").lower()


def test_removing_a_closure_day_says_when_the_file_keeps_it(closed_office: Journey) -> None:
    journey = closed_office
    note = "Days in closures.yaml stay until the file is edited."
    assert note in journey.command("dina", "closures remove 2027-12-27..2027-12-29")
    journey.command("dina", "closures add 2027-12-08 Away day")
    removed = journey.command("dina", "closures remove 2027-12-08")
    assert "Removed 1 closure day in Wednesday 8 December 2027." in removed
    assert note not in removed


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ("closures add", "Give a date"),
        ("closures add 31/12/2027", "“31/12/2027” is not a date"),
        ("closures add 2027-12-31..2027-12-01", "A run of days goes forwards"),
        ("closures add 2027-12-01 " + "x" * 101, "That label is 101 characters; at most 100."),
        ("closures shut", "I don't know “/pledge closures shut”."),
        ("closures add 9999-12-31", "That is more than two years ahead"),
        ("closures remove 9999-12-31", "No closure day added in chat on Friday 31 December 9999"),
        ("closures add 9999-12-01..9999-12-31", "That is more than two years ahead"),
        ("closures add 2030-01-01", "That is more than two years ahead"),
        ("closures add 2027-11-30 Past", "Tuesday 30 November 2027 has passed"),
        ("closures add 2027-12-24..", "“2027-12-24..” is not a date"),
        ("closures add 20271227", "“20271227” is not a date"),
        ("closures add 2027-W52-1", "“2027-W52-1” is not a date"),
    ],
)
def test_bad_closure_commands_say_what_is_wrong_and_change_nothing(
    closed_office: Journey, args: str, said: str
) -> None:
    assert said in closed_office.command("dina", args)
    with closed_office.harness.runtime.store.session() as session:
        assert session.scalars(select(ClosureDay)).all() == []


def test_a_broken_closures_file_stops_the_start_naming_it(
    settings: Settings, tmp_path: Path
) -> None:
    content_dir = tmp_path / "content"
    content_dir.mkdir()
    (content_dir / "closures.yaml").write_text(
        "closures:\n  - date: 2027-12-31\n    until: 2027-12-01\n", encoding="utf-8"
    )
    broken = settings.model_copy(update={"content_dir": content_dir})
    with pytest.raises(ConfigurationError) as raised:
        load_content(broken)
    assert "The closure days are broken, so I won't start" in str(raised.value)
    assert "closures.yaml" in str(raised.value) and "until must be on or after" in str(raised.value)


# --- the week a moved check-in belongs to ---------------------------------------------------------


def test_a_checkin_skipped_ahead_stays_skipped_when_its_day_becomes_a_closure(
    journey: Journey,
) -> None:
    journey.at("2027-04-06T12:00Z")
    journey.sign("alice", timezone="Europe/London")
    journey.at("2027-04-10T12:00Z")
    assert "Monday 12 April 2027" in journey.command("alice", "skip")
    journey.command("dina", "closures add 2027-04-12 Test")
    assert journey.at("2027-04-12T08:00Z") == []
    assert journey.at("2027-04-13T08:00Z") == []  # the moved time: still skipped
    assert journey.at("2027-04-19T08:00Z") == [f"{HEADING} Monday 19 April 2027"]


def test_a_checkin_skipped_ahead_stays_skipped_when_a_closure_is_removed(
    journey: Journey,
) -> None:
    journey.at("2027-04-06T12:00Z")
    journey.command("dina", "closures add 2027-04-12 Test")
    journey.sign("alice", timezone="Europe/London")
    assert "Tuesday 13 April 2027" in journey.command("alice", "skip")
    journey.command("dina", "closures remove 2027-04-12")
    assert journey.at("2027-04-12T08:00Z") == []
    assert journey.at("2027-04-13T08:00Z") == []
    assert journey.at("2027-04-19T08:00Z") == [f"{HEADING} Monday 19 April 2027"]


def test_an_edit_on_easter_monday_afternoon_keeps_tuesdays_checkin(journey: Journey) -> None:
    journey.at("2027-03-22T12:00Z")
    journey.sign("alice", timezone="Europe/London")
    journey.at("2027-03-29T11:00Z")  # Easter Monday, 12:00 BST: the usual 09:00 has passed
    journey.sign("alice", timezone="Europe/London")  # the edit form, submitted again
    assert "next on Tuesday 30 March 2027" in journey.command("alice", "progress")
    assert journey.at("2027-03-30T08:00Z") == [f"{HEADING} Monday 29 March 2027"]


def test_resuming_on_easter_monday_afternoon_keeps_tuesdays_checkin(journey: Journey) -> None:
    journey.at("2027-03-22T12:00Z")
    journey.sign("alice", timezone="Europe/London")
    journey.command("alice", "pause")
    journey.at("2027-03-29T11:00Z")
    journey.command("alice", "resume")
    assert "next on Tuesday 30 March 2027" in journey.command("alice", "progress")
    assert journey.at("2027-03-30T08:00Z") == [f"{HEADING} Monday 29 March 2027"]


def test_a_closures_file_broken_while_running_keeps_its_last_good_version(
    closed_office: Journey, caplog: pytest.LogCaptureFixture
) -> None:
    journey = closed_office
    journey.sign("alice", timezone="Europe/London", weekday=3)  # Wednesdays at 09:00
    assert "Winter closure" in journey.command("dina", "closures")
    path = journey.harness.runtime.settings.content_dir / "closures.yaml"  # type: ignore[operator]
    path.write_text("closures:\n  - date: 2027-12-31\n    until: 2027-12-01\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with caplog.at_level(logging.ERROR):
        assert journey.at("2027-12-08T09:00Z") == [f"{HEADING} Wednesday 8 December 2027"]
        assert "Winter closure" in journey.command("dina", "closures")
        assert "Added" in journey.command("dina", "closures add 2027-12-22 Party")
        assert journey.at("2027-12-22T09:00Z") == []
        assert journey.at("2027-12-29T09:00Z") == []  # the last good file's closure
    broken = [r for r in caplog.records if "closure days file is broken" in r.getMessage()]
    assert len(broken) == 1 and "until must be on or after" in broken[0].getMessage()
