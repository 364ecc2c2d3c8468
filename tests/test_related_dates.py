"""Issue 15, item 2: a check-in in the week before an awareness date a step relates to names it.

JSON-lines journeys on the real calendar (content/awareness.yaml) and the real pledge pack,
with the injected clock, on SQLite or (TEST_DATABASE_URL) PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import content
from app.runtime import Runtime
from bot.awareness.calendar import load_calendar
from bot.clock import ManualClock
from bot.config import Settings
from bot.pledge.content import Pledge
from bot.pledge.related import MAX_LINES, lines
from bot.router import Bot
from bot.store import Store
from tests.calendar_journey import HEADING, Journey
from tests.conftest import Harness

RACE_STEP = "7.4"  # IP Inclusive's "Practical steps to improve BAME representation"
CALENDAR_STEP = "5.3"  # adding D&I dates to the department's calendar
DISABILITY_STEP = "5.2"  # allyship, privilege awareness, unconscious bias training
OFF_HINT = "Dates like this in your check-ins: /pledge dates off to stop them."


@pytest.fixture
def journey(store: Store, settings: Settings, pledge: Pledge) -> Journey:
    clock = ManualClock(datetime(2027, 1, 4, 12, tzinfo=UTC))
    calendar = load_calendar([content.path("awareness.yaml")])
    bot = Bot(store, clock, settings, pledge, calendar)
    return Journey(Harness(Runtime(settings, store, clock, bot), clock))


def test_black_history_month_in_the_uk_names_the_race_equality_step(journey: Journey) -> None:
    journey.at("2027-09-20T12:00Z")
    journey.sign("alice", timezone="Europe/London", steps={7: RACE_STEP})
    sent = journey.sent("2027-09-27T08:00Z")["console:alice"]  # Monday 27 September, 09:00
    assert sent.startswith(f"{HEADING} Monday 27 September 2027")
    assert (
        "Black History Month begins on Friday 1 October 2027: a moment for your step "
        "“Where feasible, adopting the initiatives suggested in IP Inclusive’s “Practical steps "
        "to improve BAME representation” publication”." in sent
    )
    assert OFF_HINT in sent
    # The week before is the week before: a fortnight ahead, nothing.
    journey.at("2027-09-13T12:00Z")
    assert "Black History Month" not in journey.sent("2027-09-20T08:00Z").get("console:alice", "")


def test_black_history_month_in_the_us_is_february(journey: Journey) -> None:
    journey.sign("carol", timezone="America/New_York", weekday=4, steps={7: RACE_STEP})
    sent = journey.sent("2027-01-28T14:00Z")["console:carol"]  # Thursday 28 January, 09:00
    assert "Black History Month begins on Monday 1 February 2027" in sent
    assert "a moment for your step “Where feasible, adopting the initiatives" in sent
    # A UK leader with the same step hears nothing of it in February (the UK's is October).
    journey.sign("alice", timezone="Europe/London", weekday=4, steps={7: RACE_STEP})
    sent = journey.sent("2027-02-04T09:00Z")
    assert "Black History Month" not in sent["console:alice"]
    assert OFF_HINT not in sent["console:alice"]


def test_a_step_with_no_related_date_adds_nothing(journey: Journey) -> None:
    journey.at("2027-09-20T12:00Z")
    journey.sign("bob", timezone="Europe/London")  # first steps, none tagged for race
    sent = journey.sent("2027-09-27T08:00Z")["console:bob"]
    assert "Black History Month" not in sent and OFF_HINT not in sent


def test_the_calendar_step_relates_to_every_date_but_two_lines_at_most(
    journey: Journey, pledge: Pledge
) -> None:
    journey.at("2027-02-22T12:00Z")
    journey.sign("alice", timezone="Europe/London", steps={5: CALENDAR_STEP})
    # The week from Monday 1 March 2027: Zero Discrimination Day, St David's Day, World Book
    # Day, International Women's Day on the Monday after... more dates than lines.
    sent = journey.sent("2027-03-01T09:00Z")["console:alice"]
    moments = sent.count("a moment for your step “Adding key D&I-related awareness dates")
    assert moments == MAX_LINES
    assert "today: a moment for your step" in sent  # a date on the check-in's own day


def test_a_leader_can_turn_the_lines_off_and_on(journey: Journey) -> None:
    journey.at("2027-09-20T12:00Z")
    journey.sign("alice", timezone="Europe/London", steps={7: RACE_STEP})
    said = journey.command("alice", "dates")
    assert "are on in your check-ins" in said
    said = journey.command("alice", "dates off")
    assert said == "Done: your check-ins will no longer mention awareness dates."
    sent = journey.sent("2027-09-27T08:00Z")["console:alice"]
    assert sent.startswith(HEADING) and "Black History Month" not in sent
    said = journey.command("alice", "dates on")
    assert "will mention awareness dates your steps relate to" in said
    assert "are on in your check-ins" in journey.command("alice", "dates")
    sent = journey.sent("2028-09-25T08:00Z")["console:alice"]  # a year on: the line is back
    assert "Black History Month begins on Sunday 1 October 2028" in sent


def test_an_unconfirmed_organisers_date_is_never_named(journey: Journey) -> None:
    # UK Disability History Month 2027 ships unconfirmed (from 18 November).
    journey.at("2027-11-08T12:00Z")
    journey.sign("alice", timezone="Europe/London", steps={5: DISABILITY_STEP})
    sent = journey.sent("2027-11-15T09:00Z")["console:alice"]
    assert "Disability History Month" not in sent


def test_never_more_than_two_lines_with_the_longest_steps(pledge: Pledge) -> None:
    calendar = load_calendar([content.path("awareness.yaml")])
    steps = [
        type("S", (), {"suggestion_id": action.id, "text": action.text})()
        for commitment in pledge.commitments
        for action in commitment.steps
    ]
    for day in (date(2027, 3, 1), date(2027, 9, 27), date(2027, 12, 20), date(2028, 1, 31)):
        found = lines(calendar, pledge, steps, day, "uk")  # type: ignore[arg-type]
        assert 0 < len(found) <= MAX_LINES
