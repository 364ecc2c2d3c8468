"""Weekly schedules across time zones and clock changes, and the tick that acts on them.

The tick is driven at chosen instants (the clock is injected), and its effects are read from
the database (check-in and outbox rows) and from the console chat that delivers the outbox.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from adapters.platforms import Settings
from app.runtime import Runtime
from bot.clock import ManualClock
from bot.conversation import Address
from bot.pledge.content import Pledge
from bot.pledge.models import Checkin, Leader, StepUpdate
from bot.pledge.progress import export_rows
from bot.router import Bot
from bot.store import Store
from bot.store.models import OutboxMessage, Person
from bot.timezones import UnknownTimeZone, next_weekly, zone
from scheduler.tick import TickReport, tick
from tests.conftest import SIGN_UP, Harness, sign_up

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY, SUNDAY = 0, 6
NINE = time(9, 0)
NAMES = ("alice", "bob", "carol", "dan", "erin")
CHECKIN_HEADING = "Your pledge check-in for the week of"
NUDGE = "gentle reminder: your pledge check-in"  # one line and an "Open check-in" button

#: What a tick queues when nothing is due, step by step.
QUIET = {
    "checkins": 0,
    "reminders": 0,
    "owner-checkins": 0,
    "overdue": 0,
    "awareness": 0,
    "reports": 0,
    "volunteers": 0,
}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


# --- helpers that read what the tick did -------------------------------------------------------


def outbox(store: Store, prefix: str = "") -> list[OutboxMessage]:
    with store.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.startswith(prefix))
                .order_by(OutboxMessage.id)
            )
        )


def checkins(store: Store, who: str | None = None) -> list[Checkin]:
    query = select(Checkin).order_by(Checkin.leader_id, Checkin.week_of)
    if who is not None:
        query = query.join(Leader).join(Person).where(Person.user_id == who)
    with store.session() as session:
        return list(session.scalars(query))


def leader(store: Store, who: str) -> Leader:
    with store.session() as session:
        found = session.scalar(select(Leader).join(Person).where(Person.user_id == who))
        assert found is not None, f"{who} has not signed"
        return found


def sign_up_in(harness: Harness, who: str, timezone: str) -> str:
    answers = list(SIGN_UP)
    answers[-3] = timezone
    return harness.say(f"/as {who}", "/pledge", *answers)


def button(printed: str, label: str) -> str:
    """The number of the last button with this label in what the console printed."""
    numbers = re.findall(rf"\[(\d+)\] {re.escape(label)}\b", printed)
    assert numbers, f"no [N] {label} button in:\n{printed}"
    return numbers[-1]


def walk(harness: Harness, start: datetime, end: datetime, step: timedelta) -> str:
    """Move the console's clock from start to end (inclusive) in steps; return all it printed."""
    printed, instant = [], start
    while instant <= end:
        printed.append(harness.say(f"/clock {instant.isoformat()}"))
        instant += step
    return "".join(printed)


# --- next_weekly and zone() ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2027-03-21T12:00Z", "2027-03-22T09:00Z"),  # the last Monday on GMT
        ("2027-03-22T09:00Z", "2027-03-29T08:00Z"),  # the first on BST (28 March changes)
        ("2027-10-24T12:00Z", "2027-10-25T08:00Z"),  # the last Monday on BST
        ("2027-10-25T08:00Z", "2027-11-01T09:00Z"),  # the first on GMT (31 October changes)
    ],
)
def test_monday_nine_in_london_stays_at_nine_local_across_the_2027_clock_changes(
    after: str, expected: str
) -> None:
    instant, day = next_weekly(MONDAY, NINE, LONDON, utc(after))
    assert instant == utc(expected)
    assert instant.tzinfo is not None and instant.utcoffset() == timedelta(0)
    assert day == utc(expected).date()
    assert day.weekday() == MONDAY
    assert instant.astimezone(LONDON).time() == NINE


def test_next_weekly_is_strictly_after_and_walks_week_by_week() -> None:
    assert next_weekly(MONDAY, NINE, LONDON, utc("2027-03-22T08:59:59Z"))[0] == utc(
        "2027-03-22T09:00Z"
    )
    instant = utc("2027-03-01T09:00Z")
    seen = []
    for _ in range(6):
        instant, day = next_weekly(MONDAY, NINE, LONDON, instant)
        seen.append((instant, day))
    assert [i for i, _ in seen] == [
        utc("2027-03-08T09:00Z"),
        utc("2027-03-15T09:00Z"),
        utc("2027-03-22T09:00Z"),
        utc("2027-03-29T08:00Z"),
        utc("2027-04-05T08:00Z"),
        utc("2027-04-12T08:00Z"),
    ]
    assert [d for _, d in seen] == [date(2027, 3, 8) + timedelta(weeks=n) for n in range(6)]


def test_a_time_that_does_not_exist_on_the_spring_forward_day_moves_forward_by_the_gap() -> None:
    # 01:30 on Sunday 28 March 2027 never happens in London: the clocks jump 01:00 → 02:00.
    instant, day = next_weekly(SUNDAY, time(1, 30), LONDON, utc("2027-03-22T00:00Z"))
    assert day == date(2027, 3, 28)
    assert instant == utc("2027-03-28T01:30Z")
    assert instant.astimezone(LONDON).time() == time(2, 30)
    # The week after, 01:30 exists again (BST).
    following, day = next_weekly(SUNDAY, time(1, 30), LONDON, instant)
    assert (following, day) == (utc("2027-04-04T00:30Z"), date(2027, 4, 4))


def test_a_time_that_happens_twice_on_the_fall_back_day_fires_once_at_the_first() -> None:
    instant, day = next_weekly(SUNDAY, time(1, 30), LONDON, utc("2027-10-25T00:00Z"))
    assert (instant, day) == (utc("2027-10-31T00:30Z"), date(2027, 10, 31))  # 01:30 BST
    # Just after the first 01:30, the second one (01:30 GMT) is not a new occurrence.
    following, day = next_weekly(SUNDAY, time(1, 30), LONDON, instant)
    assert (following, day) == (utc("2027-11-07T01:30Z"), date(2027, 11, 7))


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2027-03-08T00:00Z", "2027-03-08T14:00Z"),  # EST, before 14 March
        ("2027-03-08T14:00Z", "2027-03-15T13:00Z"),  # EDT
        ("2027-10-31T12:00Z", "2027-11-01T13:00Z"),  # EDT, before 7 November
        ("2027-11-01T13:00Z", "2027-11-08T14:00Z"),  # EST
    ],
)
def test_monday_nine_in_new_york_across_its_clock_changes(after: str, expected: str) -> None:
    instant, day = next_weekly(MONDAY, NINE, NEW_YORK, utc(after))
    assert instant == utc(expected)
    assert instant.astimezone(NEW_YORK).time() == NINE
    assert day == instant.astimezone(NEW_YORK).date()


def test_new_york_spring_forward_gap_and_a_zone_ahead_of_utc() -> None:
    # 02:30 on Sunday 14 March 2027 does not exist in New York; it becomes 03:30 EDT.
    instant, day = next_weekly(SUNDAY, time(2, 30), NEW_YORK, utc("2027-03-08T00:00Z"))
    assert (instant, day) == (utc("2027-03-14T07:30Z"), date(2027, 3, 14))
    assert instant.astimezone(NEW_YORK).time() == time(3, 30)
    # Monday 09:00 in Auckland is Sunday evening in UTC; the local date is still the Monday.
    instant, day = next_weekly(MONDAY, NINE, zone("Pacific/Auckland"), utc("2027-03-07T19:00Z"))
    assert (instant, day) == (utc("2027-03-07T20:00Z"), date(2027, 3, 8))


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("europe/london", "Europe/London"),
        ("London", "Europe/London"),
        ("  Europe/London ", "Europe/London"),
        ("new york", "America/New_York"),
        ("America/New_York", "America/New_York"),
        ("utc", "UTC"),
    ],
)
def test_zone_forgives_case_spaces_and_a_bare_city(typed: str, key: str) -> None:
    assert zone(typed).key == key


@pytest.mark.parametrize("typed", ["Mars/Base", "Base", "", "Eastern"])
def test_zone_refuses_unknown_or_ambiguous_names_with_examples(typed: str) -> None:
    # "Eastern" is both US/Eastern and Canada/Eastern: it must not guess.
    with pytest.raises(UnknownTimeZone) as raised:
        zone(typed)
    message = str(raised.value)
    assert repr(typed) in message
    assert "Europe/London" in message and "America/New_York" in message
    assert isinstance(raised.value, ValueError)


def test_the_sign_up_form_takes_a_forgiving_zone_and_refuses_an_unknown_one(
    harness: Harness, store: Store
) -> None:
    printed = sign_up_in(harness, "bob", "london")
    assert "at 09:00 (Europe/London)" in printed
    assert leader(store, "bob").timezone == "Europe/London"
    printed = sign_up_in(harness, "carol", "Mars/Base")
    assert "'Mars/Base' is not a time zone I know" in printed
    assert "Europe/London, America/New_York" in printed
    assert "Thank you for signing" not in printed
    printed = harness.say("new york")  # only the refused field is asked again
    assert "Monday 1 March 2027 at 09:00 (America/New_York)" in printed
    assert leader(store, "carol").timezone == "America/New_York"


# --- the tick at nine o'clock local ----------------------------------------------------------


def test_tick_queues_the_checkin_at_nine_local_on_both_sides_of_the_march_change(
    harness: Harness, store: Store, settings: Settings
) -> None:
    harness.say("/clock 2027-03-21T12:00Z")
    assert "Thank you for signing" in sign_up(harness, "alice")

    assert tick(store, utc("2027-03-22T08:59Z"), settings).queued == QUIET
    assert outbox(store, "checkin:") == []
    assert tick(store, utc("2027-03-22T09:00Z"), settings)["checkins"] == 1
    [first] = outbox(store, "checkin:")
    assert first.destination == "console:alice"
    assert first.created_at == utc("2027-03-22T09:00Z")

    # After the clocks go forward, 09:00 London is 08:00 UTC; Monday 29 March is Easter Monday,
    # so that week's check-in comes on the Tuesday.
    assert tick(store, utc("2027-03-29T08:00Z"), settings)["checkins"] == 0
    assert tick(store, utc("2027-03-30T07:59Z"), settings)["checkins"] == 0
    assert len(outbox(store, "checkin:")) == 1
    assert tick(store, utc("2027-03-30T08:00Z"), settings)["checkins"] == 1
    assert tick(store, utc("2027-03-30T09:00Z"), settings)["checkins"] == 0

    rows = checkins(store, "alice")
    assert [(c.week_of, c.due_at) for c in rows] == [
        (date(2027, 3, 22), utc("2027-03-22T09:00Z")),
        (date(2027, 3, 30), utc("2027-03-30T08:00Z")),
    ]
    assert len(outbox(store, "checkin:")) == 2


def test_the_console_shows_the_checkin_at_nine_local_on_both_sides_of_the_october_change(
    harness: Harness,
) -> None:
    harness.say("/clock 2027-10-24T12:00Z")
    sign_up(harness, "alice")
    assert CHECKIN_HEADING not in harness.say("/clock 2027-10-25T07:59Z")
    printed = harness.say("/clock 2027-10-25T08:00Z")  # 09:00 BST
    assert "bot → you (direct message):" in printed
    assert printed.count(f"{CHECKIN_HEADING} Monday 25 October 2027") == 1
    week = walk(harness, utc("2027-10-26T08:00Z"), utc("2027-10-31T08:00Z"), timedelta(days=1))
    assert week.count(NUDGE) == week.count("Open check-in") == 2  # only the two reminders
    assert CHECKIN_HEADING not in week  # a reminder is a line, not the check-in again
    # After the clocks go back, 08:00 UTC is 08:00 in London: not yet.
    assert CHECKIN_HEADING not in harness.say("/clock 2027-11-01T08:00Z")
    assert CHECKIN_HEADING not in harness.say("/clock 2027-11-01T08:59Z")
    printed = harness.say("/clock 2027-11-01T09:00Z")
    assert printed.count(f"{CHECKIN_HEADING} Monday 1 November 2027") == 1
    assert CHECKIN_HEADING not in harness.say("/clock 2027-11-01T09:01Z")


def test_tick_follows_a_new_york_leader_across_its_own_clock_change(
    harness: Harness, store: Store, settings: Settings
) -> None:
    harness.say("/clock 2027-03-07T12:00Z")
    assert "(America/New_York)" in sign_up_in(harness, "bob", "America/New_York")
    sign_up(harness, "alice")  # London, for contrast: 09:00 UTC on 8 March
    assert tick(store, utc("2027-03-08T09:00Z"), settings)["checkins"] == 1
    assert tick(store, utc("2027-03-08T13:59Z"), settings)["checkins"] == 0
    assert tick(store, utc("2027-03-08T14:00Z"), settings)["checkins"] == 1  # 09:00 EST
    assert tick(store, utc("2027-03-15T08:59Z"), settings)["checkins"] == 0
    assert tick(store, utc("2027-03-15T09:00Z"), settings)["checkins"] == 1  # London, still GMT
    assert tick(store, utc("2027-03-15T12:59Z"), settings)["checkins"] == 0
    assert tick(store, utc("2027-03-15T13:00Z"), settings)["checkins"] == 1  # 09:00 EDT
    assert [c.due_at for c in checkins(store, "bob")] == [
        utc("2027-03-08T14:00Z"),
        utc("2027-03-15T13:00Z"),
    ]
    assert [m.destination for m in outbox(store, "checkin:")] == [
        "console:alice",
        "console:bob",
        "console:alice",
        "console:bob",
    ]


# --- idempotency -------------------------------------------------------------------------------


def sign_up_everyone(harness: Harness) -> None:
    for name in NAMES:
        assert "Thank you for signing" in sign_up(harness, name)


def test_the_same_tick_twice_queues_each_checkin_once(
    harness: Harness, store: Store, settings: Settings
) -> None:
    sign_up_everyone(harness)
    nine = utc("2027-03-01T09:00Z")
    assert tick(store, nine, settings).queued == QUIET | {"checkins": len(NAMES)}
    assert tick(store, nine, settings).queued == QUIET
    assert tick(store, nine + timedelta(seconds=1), settings).queued == QUIET
    assert len(checkins(store)) == len(NAMES)
    messages = outbox(store, "checkin:")
    assert sorted(m.destination for m in messages) == [f"console:{n}" for n in NAMES]
    # The reminder tick is just as idempotent.
    next_day = utc("2027-03-02T09:00Z")
    assert tick(store, next_day, settings)["reminders"] == len(NAMES)
    assert tick(store, next_day, settings)["reminders"] == 0
    assert len(outbox(store, "reminder:")) == len(NAMES)


def race(database_url: str, instant: datetime, settings: Settings, racers: int) -> list[TickReport]:
    """Run ``racers`` ticks for one instant at once, each on its own Store (a replica)."""
    barrier = threading.Barrier(racers)
    reports: list[TickReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        own = Store(database_url)
        try:
            barrier.wait(timeout=30)
            reports.append(tick(own, instant, settings))
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing tick hung"
    assert errors == []
    return reports


def test_racing_ticks_on_two_replicas_queue_each_checkin_and_reminder_once(
    harness: Harness, store: Store, settings: Settings, database_url: str
) -> None:
    sign_up_everyone(harness)
    for week in range(3):
        nine = utc("2027-03-01T09:00Z") + timedelta(weeks=week)
        reports = race(database_url, nine, settings, racers=2)
        assert sum(r["checkins"] for r in reports) == len(NAMES)
        reports = race(database_url, nine + timedelta(hours=24), settings, racers=3)
        assert sum(r["reminders"] for r in reports) == len(NAMES)

    rows = checkins(store)
    assert len(rows) == 3 * len(NAMES)
    assert len({(c.leader_id, c.week_of) for c in rows}) == len(rows)
    assert all(c.reminders_sent == 1 for c in rows)
    messages = outbox(store, "checkin:")
    assert len(messages) == 3 * len(NAMES)
    for name in NAMES:
        assert sum(m.destination == f"console:{name}" for m in messages) == 3
    assert len(outbox(store, "reminder:")) == 3 * len(NAMES)


# --- the reminder ladder -----------------------------------------------------------------------


def test_an_unanswered_checkin_gets_exactly_two_private_reminders(
    harness: Harness, store: Store
) -> None:
    assert "Thank you for signing" in sign_up(harness, "alice", announce=True)
    assert CHECKIN_HEADING in harness.say("/clock 2027-03-01T09:00Z")
    assert NUDGE not in harness.say("/clock 2027-03-02T08:59Z")
    printed = harness.say("/clock 2027-03-02T09:00Z")  # 24 hours
    assert "bot → you (direct message):" in printed
    assert printed.count("A gentle reminder") == 1
    assert "(channel)" not in printed
    assert NUDGE not in harness.say("/clock 2027-03-04T08:59Z")
    printed = harness.say("/clock 2027-03-04T09:00Z")  # 72 hours
    assert printed.count("A last gentle reminder") == 1
    assert "(channel)" not in printed
    # However far the clock moves within the week, no more.
    later = walk(harness, utc("2027-03-04T15:00Z"), utc("2027-03-08T08:59Z"), timedelta(hours=6))
    assert NUDGE not in later
    assert NUDGE not in harness.say("/clock 2027-03-08T08:59Z")

    [checkin] = checkins(store, "alice")
    assert checkin.status == "open"
    assert (checkin.reminders_sent, checkin.next_reminder_at) == (2, None)
    reminders = outbox(store, "reminder:")
    assert [m.idempotency_key for m in reminders] == [
        f"reminder:{checkin.id}:1",
        f"reminder:{checkin.id}:2",
    ]
    for message in reminders:
        assert message.destination == "console:alice"
        assert Address.parse(message.destination).kind == "user"
        assert message.status == "sent"
    # The announcement did go to the channel, so a channel was there to get wrong.
    [announcement] = outbox(store, "announce:")
    assert Address.parse(announcement.destination).kind == "channel"


@pytest.mark.parametrize(("cap", "expected"), [("0", 0), ("1", 1), ("2", 2), ("5", 2)])
def test_reminder_cap_limits_the_ladder(
    cap: str,
    expected: int,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    store: Store,
    pledge: Pledge,
) -> None:
    monkeypatch.setenv("REMINDER_CAP", cap)
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert settings.reminder_cap == int(cap)
    clock = ManualClock(utc("2027-03-01T08:00Z"))
    harness = Harness(Runtime(settings, store, clock, Bot(store, clock, settings, pledge)), clock)
    sign_up(harness, "alice")
    printed = walk(harness, utc("2027-03-01T09:00Z"), utc("2027-03-08T08:00Z"), timedelta(hours=1))
    assert printed.count(CHECKIN_HEADING) == 1  # reminders do not repeat the check-in
    assert printed.count(NUDGE) == expected
    assert printed.count("A last gentle reminder") == min(expected, 1)
    assert len(outbox(store, "reminder:")) == expected
    [checkin] = checkins(store, "alice")
    assert checkin.reminders_sent == expected


def test_a_late_answer_stops_the_ladder(harness: Harness, store: Store) -> None:
    sign_up(harness, "alice")
    harness.say("/clock 2027-03-01T09:00Z")
    printed = harness.say("/clock 2027-03-02T09:00Z")
    assert printed.count("A gentle reminder") == 1
    printed = harness.say(button(printed, "Open check-in"))  # shown from the reminder
    assert CHECKIN_HEADING in printed
    printed = harness.say(button(printed, "Done"))
    assert "bot (updated the message):" in printed
    assert "Your answer: Done" in printed
    [checkin] = checkins(store, "alice")
    assert (checkin.status, checkin.next_reminder_at) == ("answered", None)
    assert checkin.answered_at == utc("2027-03-02T09:00Z")
    later = walk(harness, utc("2027-03-02T12:00Z"), utc("2027-03-08T08:00Z"), timedelta(hours=4))
    assert NUDGE not in later
    assert CHECKIN_HEADING not in later
    assert len(outbox(store, "reminder:")) == 1


def test_an_answer_after_a_reminder_was_queued_but_before_it_went_out_cancels_it(
    harness: Harness, store: Store
) -> None:
    sign_up(harness, "alice")
    printed = harness.say("/clock 2027-03-01T09:00Z")
    assert "A gentle reminder" in harness.say("/clock 2027-03-02T09:00Z")
    harness.tick_at(utc("2027-03-04T09:00Z"))  # the last reminder is queued, not yet sent
    assert [m.status for m in outbox(store, "reminder:")] == ["sent", "pending"]
    printed = harness.say(button(printed, "Progressing"))
    assert "Your answer: Progressing" in printed
    assert NUDGE not in printed
    _, reminder = outbox(store, "reminder:")
    assert reminder.status == "cancelled"
    assert reminder.sent_at is None


def test_the_next_weeks_checkin_marks_an_unanswered_one_missed(
    harness: Harness, store: Store, settings: Settings
) -> None:
    sign_up(harness, "alice")
    harness.say("/clock 2027-03-01T09:00Z", "/clock 2027-03-04T09:00Z")
    [first] = checkins(store, "alice")
    assert first.status == "open"
    printed = harness.say("/clock 2027-03-08T09:00Z")
    assert printed.count(f"{CHECKIN_HEADING} Monday 8 March 2027") == 1
    first, second = checkins(store, "alice")
    assert (first.status, first.next_reminder_at) == ("missed", None)
    assert (second.status, second.week_of) == ("open", date(2027, 3, 8))
    assert second.next_reminder_at == utc("2027-03-09T09:00Z")


def test_a_missed_checkin_gets_no_reminder_that_was_due_after_the_next_week_began(
    harness: Harness, store: Store, tmp_path: Path
) -> None:
    # A ladder whose second rung (200 h) falls after the next week's check-in (168 h).
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        reminder_after_hours="24,200",
    )
    sign_up(harness, "alice")
    tick(store, utc("2027-03-01T09:00Z"), settings)
    assert tick(store, utc("2027-03-02T09:00Z"), settings)["reminders"] == 1
    assert tick(store, utc("2027-03-08T09:00Z"), settings)["checkins"] == 1
    assert tick(store, utc("2027-03-09T09:00Z"), settings)["reminders"] == 1  # the new week's
    assert tick(store, utc("2027-03-09T17:00Z"), settings)["reminders"] == 0  # 200 h: missed
    first, second = checkins(store, "alice")
    assert (first.status, first.reminders_sent) == ("missed", 1)
    assert [m.idempotency_key for m in outbox(store, "reminder:")] == [
        f"reminder:{first.id}:1",
        f"reminder:{second.id}:1",
    ]


def test_moving_todays_checkin_later_the_same_day_neither_repeats_nor_misses_it(
    harness: Harness, store: Store
) -> None:
    sign_up(harness, "alice")
    assert CHECKIN_HEADING in harness.say("/clock 2027-03-01T09:00Z")
    harness.say("/clock 2027-03-01T10:00Z")
    printed = harness.say("/pledge edit", *[""] * 17, "17:00", "", "")
    assert "Saved. I'll check in on Mondays at 17:00 (Europe/London)" in printed
    assert CHECKIN_HEADING not in harness.say("/clock 2027-03-01T17:00Z")
    [checkin] = checkins(store, "alice")
    assert checkin.status == "open"
    assert checkin.next_reminder_at == utc("2027-03-02T09:00Z")
    assert "A gentle reminder" in harness.say("/clock 2027-03-02T09:00Z")
    assert leader(store, "alice").next_checkin_at == utc("2027-03-08T17:00Z")


# --- away, pause, leave ------------------------------------------------------------------------


def test_away_until_a_date_means_no_checkins_or_reminders_until_after_it(
    harness: Harness, store: Store
) -> None:
    sign_up(harness, "alice")
    harness.say("/clock 2027-03-01T08:30Z")
    printed = harness.say("/pledge away 2027-03-15")  # the last day away is a check-in day
    assert "no check-ins or reminders until Monday 15 March 2027" in printed
    away = walk(harness, utc("2027-03-01T09:00Z"), utc("2027-03-21T09:00Z"), timedelta(hours=12))
    assert CHECKIN_HEADING not in away
    assert NUDGE not in away
    rows = checkins(store, "alice")
    assert [(c.week_of, c.status, c.next_reminder_at) for c in rows] == [
        (date(2027, 3, 1), "away", None),
        (date(2027, 3, 8), "away", None),
        (date(2027, 3, 15), "away", None),
    ]
    assert outbox(store, "checkin:") == []
    assert outbox(store, "reminder:") == []

    printed = harness.say("/clock 2027-03-22T09:00Z")
    assert printed.count(f"{CHECKIN_HEADING} Monday 22 March 2027") == 1
    assert "A gentle reminder" in harness.say("/clock 2027-03-23T09:00Z")
    assert checkins(store, "alice")[-1].status == "open"


def test_going_away_while_a_checkin_is_open_stops_its_reminders(
    harness: Harness, store: Store
) -> None:
    sign_up(harness, "alice")
    assert CHECKIN_HEADING in harness.say("/clock 2027-03-01T09:00Z")
    harness.say("/clock 2027-03-01T12:00Z")
    assert "until Wednesday 10 March 2027" in harness.say("/pledge away 2027-03-10")
    away = walk(harness, utc("2027-03-02T09:00Z"), utc("2027-03-14T21:00Z"), timedelta(hours=12))
    assert CHECKIN_HEADING not in away
    assert NUDGE not in away
    assert [c.status for c in checkins(store, "alice")] == ["away", "away"]
    assert outbox(store, "reminder:") == []
    printed = harness.say("/clock 2027-03-15T09:00Z")  # the first Monday after the date
    assert printed.count(f"{CHECKIN_HEADING} Monday 15 March 2027") == 1


def test_coming_back_early_restarts_checkins(harness: Harness, store: Store) -> None:
    sign_up(harness, "alice")
    harness.say("/pledge away 2027-03-28")
    assert CHECKIN_HEADING not in harness.say("/clock 2027-03-01T09:00Z")
    harness.say("/clock 2027-03-03T12:00Z")
    assert "Welcome back" in harness.say("/pledge back")
    assert leader(store, "alice").away_until is None
    printed = harness.say("/clock 2027-03-08T09:00Z")
    assert printed.count(f"{CHECKIN_HEADING} Monday 8 March 2027") == 1


def test_pause_stops_checkins_and_reminders_and_resume_restarts_them(
    harness: Harness, store: Store
) -> None:
    sign_up(harness, "alice")
    assert CHECKIN_HEADING in harness.say("/clock 2027-03-01T09:00Z")
    harness.say("/clock 2027-03-01T10:00Z")
    assert "Paused" in harness.say("/pledge pause")
    assert leader(store, "alice").next_checkin_at is None
    paused = walk(harness, utc("2027-03-01T12:00Z"), utc("2027-03-10T12:00Z"), timedelta(hours=6))
    assert CHECKIN_HEADING not in paused
    assert NUDGE not in paused
    assert len(checkins(store, "alice")) == 1
    assert len(outbox(store, "checkin:")) == 1
    assert outbox(store, "reminder:") == []

    assert "I'll check in on Mondays at 09:00" in harness.say("/pledge resume")
    assert leader(store, "alice").next_checkin_at == utc("2027-03-15T09:00Z")
    assert CHECKIN_HEADING not in harness.say("/clock 2027-03-15T08:59Z")
    printed = harness.say("/clock 2027-03-15T09:00Z")
    assert printed.count(f"{CHECKIN_HEADING} Monday 15 March 2027") == 1
    assert "A gentle reminder" in harness.say("/clock 2027-03-16T09:00Z")


def test_leaving_stops_every_message_and_signing_again_restarts_them(
    harness: Harness, store: Store
) -> None:
    sign_up(harness, "alice")
    assert CHECKIN_HEADING in harness.say("/clock 2027-03-01T09:00Z")
    harness.say("/clock 2027-03-01T10:00Z")
    printed = harness.say(button(harness.say("/pledge leave"), "Yes, leave"))
    assert "You have left the pledge" in printed
    assert leader(store, "alice").status == "left"
    gone = walk(harness, utc("2027-03-01T12:00Z"), utc("2027-03-15T12:00Z"), timedelta(hours=6))
    assert CHECKIN_HEADING not in gone
    assert NUDGE not in gone
    assert len(outbox(store, "checkin:")) == 1
    assert outbox(store, "reminder:") == []

    assert "Thank you for signing" in sign_up(harness, "alice")
    printed = harness.say("/clock 2027-03-22T09:00Z")
    assert printed.count(f"{CHECKIN_HEADING} Monday 22 March 2027") == 1


# --- downtime and quiet ticks ------------------------------------------------------------------


def test_a_bot_down_for_three_weeks_sends_one_checkin_on_its_return(
    harness: Harness, store: Store, settings: Settings
) -> None:
    sign_up_everyone(harness)
    back = utc("2027-03-22T09:30Z")  # it missed 1, 8 and 15 March, and 09:00 today
    assert tick(store, back, settings).queued == QUIET | {"checkins": len(NAMES)}
    assert tick(store, back + timedelta(minutes=1), settings).queued == QUIET
    rows = checkins(store)
    assert {c.week_of for c in rows} == {date(2027, 3, 22)}
    assert len(rows) == len(NAMES)
    assert len(outbox(store, "checkin:")) == len(NAMES)
    for name in NAMES:
        # Monday 29 March 2027 is Easter Monday: the next one comes on the Tuesday.
        assert leader(store, name).next_checkin_at == utc("2027-03-30T08:00Z")
    assert tick(store, utc("2027-03-29T08:00Z"), settings)["checkins"] == 0
    assert tick(store, utc("2027-03-30T08:00Z"), settings)["checkins"] == len(NAMES)


def test_a_late_checkin_is_not_followed_at_once_by_its_reminders(
    harness: Harness, store: Store, settings: Settings
) -> None:
    sign_up(harness, "alice")
    # Down from before 09:00 on Monday 1 March until Saturday: the check-in goes out late.
    printed = harness.say("/clock 2027-03-06T09:00Z")
    assert printed.count(f"{CHECKIN_HEADING} Monday 1 March 2027") == 1
    assert NUDGE not in printed
    assert outbox(store, "reminder:") == []
    # The first reminder comes a full day after the leader actually got the check-in.
    assert tick(store, utc("2027-03-07T08:59Z"), settings)["reminders"] == 0
    assert tick(store, utc("2027-03-07T09:00Z"), settings)["reminders"] == 1


def test_a_quiet_tick_queues_nothing(harness: Harness, store: Store, settings: Settings) -> None:
    assert tick(store, utc("2027-03-01T09:00Z"), settings).queued == QUIET  # nobody signed
    sign_up_everyone(harness)
    before = len(outbox(store))
    for instant in ("2027-03-01T08:30Z", "2027-03-01T08:59:59Z"):
        assert tick(store, utc(instant), settings).queued == QUIET
    assert checkins(store) == []
    tick(store, utc("2027-03-01T09:00Z"), settings)
    busy = len(outbox(store))
    assert busy == before + len(NAMES)
    for instant in ("2027-03-01T09:30Z", "2027-03-01T23:00Z", "2027-03-02T08:59Z"):
        assert tick(store, utc(instant), settings).queued == QUIET
    assert len(outbox(store)) == busy
    assert len(checkins(store)) == len(NAMES)


# --- the words of check-ins and reminders (issue 17) -----------------------------------------


def flat(printed: str) -> str:
    return " ".join(printed.split())


def test_sign_up_says_what_missing_check_ins_lead_to(harness: Harness) -> None:
    printed = flat(sign_up(harness, "alice"))
    assert "If 3 check-ins in five weeks go unanswered, your name appears on the D&I lead's" in (
        printed
    )
    assert "whenever you have a moment" in printed


def test_a_reminder_is_one_line_and_a_button_not_the_check_in_again(harness: Harness) -> None:
    sign_up(harness, "alice")
    harness.say("/clock 2027-03-01T09:00Z")
    reminder = harness.say("/clock 2027-03-02T09:00Z")
    assert (
        "A gentle reminder: your pledge check-in for the week of Monday 1 March 2027 is still "
        "open. Answer whenever you have a moment." in flat(reminder)
    )
    assert CHECKIN_HEADING not in reminder and "Not started" not in reminder
    assert re.findall(r"\[\d+\] ([^\[\n]+?)\s*(?=\[|$)", reminder, re.M) == ["Open check-in"]
    assert "takes a minute" not in reminder
    shown = harness.say(button(reminder, "Open check-in"))
    assert f"{CHECKIN_HEADING} Monday 1 March 2027" in shown
    assert shown.count("Not started") == 9  # every step, as it stands now


def test_no_change_since_last_week_records_the_earlier_answers_in_one_tap(
    harness: Harness, store: Store
) -> None:
    sign_up(harness, "alice")
    first = harness.say("/clock 2027-03-01T09:00Z")
    assert "No change since last week" not in first  # nothing to repeat yet
    harness.say("1", "7")  # Done for the first step; Ongoing for the second (a behaviour)
    second = harness.say("/clock 2027-03-08T09:00Z")
    printed = flat(harness.say(button(second, "No change since last week")))
    assert "the same answers as before are recorded for 2 step(s)" in printed
    assert "7 step(s) had no earlier answer: tap a status for them." in printed
    _, week_two = checkins(store, "alice")
    assert week_two.status == "answered"
    with store.session() as session:
        statuses = session.scalars(
            select(StepUpdate.status)
            .where(StepUpdate.checkin_id == week_two.id)
            .order_by(StepUpdate.step_id)
        ).all()
        exported = [row["status"] for row in export_rows(session)]
    assert statuses == ["done", "ongoing"]
    assert exported == ["done", "ongoing", "done", "ongoing"]
    progress = harness.say("/pledge progress")
    assert "Latest: Ongoing (week of 8 Mar). History: 8 Mar ongoing · 1 Mar ongoing" in flat(
        progress
    )
    summary = flat(harness.say("/as dina", "/pledge summary"))
    assert "Steps marked done or ongoing, by commitment (five weeks)" in summary
    assert "(D&I): 2" in summary


def test_ongoing_is_offered_for_behaviours_and_own_steps_not_one_off_actions(
    harness: Harness, pledge: Pledge
) -> None:
    assert pledge.suggestion("1.6") and pledge.suggestion("1.6").ongoing  # acting as an ally
    assert pledge.suggestion("4.4") and not pledge.suggestion("4.4").ongoing  # a policy
    sign_up(harness, "alice")
    printed = harness.say("/clock 2027-03-01T09:00Z")
    rows = re.findall(r"^\s+(\[\d+\] Done.*)$", printed, re.M)
    offers = ["Ongoing" in row for row in rows]
    # 1.1 and 1.2 are behaviours, 2.1 an action, then an own step, then 4.4 ... 8.1
    assert offers == [True, True, False, True, False, False, False, False, True]


def test_the_pledges_own_words_stay_and_dated_terms_get_a_note(pledge: Pledge) -> None:
    from bot.pledge.signup import sign_form

    kept = {
        "4.8": "Where feasible, adopting the IP Inclusive guidelines on post-lockdown inclusivity",
        "7.4": "Where feasible, adopting the initiatives suggested in IP Inclusive’s “Practical "
        "steps to improve BAME representation” publication",
    }
    for step_id, words in kept.items():  # as in IP Inclusive's document, word for word
        step = pledge.suggestion(step_id)
        assert step is not None and step.text == words and step.note
    form = sign_form(pledge, default_timezone="Europe/London", can_announce=False)
    hints = {field.name: field.hint or "" for field in form.fields}
    assert "Step 4.8 keeps the pledge's words" in hints["steps_4"]
    assert "rather than “BAME”" in hints["steps_7"]
    assert "Step" not in hints["steps_1"]
