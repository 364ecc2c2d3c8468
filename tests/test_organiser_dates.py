"""Issue 15, item 3: dates organisers set each year are confirmed by an admin in chat first.

National Inclusion Week 2027 ships expected (Monday 27 September to Sunday 3 October) and
unconfirmed. JSON-lines journeys with the injected clock, on SQLite or (TEST_DATABASE_URL)
PostgreSQL: confirmed, changed, declined and left unanswered.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

import content
from app.runtime import Runtime
from bot.awareness.calendar import load_calendar, occurrences
from bot.awareness.confirmations import effective, waiting
from bot.awareness.models import OrganiserDecision
from bot.clock import ManualClock
from bot.config import Settings
from bot.pledge.content import Pledge
from bot.router import Bot
from bot.store import Store
from tests.calendar_journey import Journey
from tests.conftest import Harness

ASKED = "Please confirm the dates of National Inclusion Week 2027"
DINA = {"platform": "console", "user_id": "dina", "display_name": "Dina"}
CHANNEL = "console:#announcements"
WEEK = "national-inclusion-week:2027"


@pytest.fixture
def journey(store: Store, settings: Settings, pledge: Pledge) -> Journey:
    clock = ManualClock(datetime(2027, 8, 2, 12, tzinfo=UTC))
    calendar = load_calendar([content.path("awareness.yaml")])
    bot = Bot(store, clock, settings, pledge, calendar)
    return Journey(Harness(Runtime(settings, store, clock, bot), clock))


def sends(journey: Journey, instant: str) -> list[dict[str, Any]]:
    return [line for line in journey.feed(type="clock", set=instant) if line["type"] == "send"]


def words(line: dict[str, Any]) -> str:
    message = line["message"] if "message" in line else line["reply"]["message"]
    return " ".join(block.get("text", block.get("label", "")) for block in message["blocks"])


def asked(journey: Journey, instant: str) -> dict[str, Any]:
    [question] = [s for s in sends(journey, instant) if ASKED in words(s)]
    return question


def press(journey: Journey, action_id: str, who: dict[str, str] = DINA) -> dict[str, Any]:
    [reply] = [
        line
        for line in journey.feed(
            type="action", actor=who, action_id=f"awareness.organiser.{action_id}", value=WEEK
        )
        if line["type"] == "reply"
    ]
    return dict(reply["reply"])


def channel_posts(journey: Journey, instant: str) -> str:
    return " ".join(words(s) for s in sends(journey, instant) if s["destination"] == CHANNEL)


def decision(journey: Journey) -> OrganiserDecision | None:
    with journey.harness.runtime.store.session() as session:
        row = session.scalar(select(OrganiserDecision))
        if row is not None:
            session.expunge(row)
        return row


def test_six_weeks_before_admins_are_asked_with_dates_source_and_buttons(
    journey: Journey,
) -> None:
    assert not [s for s in sends(journey, "2027-08-16T07:59Z") if ASKED in words(s)]
    question = asked(journey, "2027-08-16T08:00Z")  # Monday 16 August, 09:00 in London
    assert question["destination"] == "console:dina"
    said = words(question)
    assert "Expected: Monday 27 September 2027 to Sunday 3 October 2027." in said
    assert "It is not posted to any channel until someone confirms its dates." in said
    assert "Where the expected dates come from: estimated: Monday to Sunday" in said
    assert "The organisers' site for National Inclusion Week" in said
    labels = [
        b["label"] for block in question["message"]["blocks"] for b in block.get("buttons", [])
    ]
    assert labels == ["Confirm", "Change dates", "Not this year"]
    assert not [s for s in sends(journey, "2027-08-17T08:00Z") if ASKED in words(s)]  # once


def test_confirmed_it_is_stored_posted_and_listed_as_confirmed(journey: Journey) -> None:
    asked(journey, "2027-08-16T08:00Z")
    refused = press(journey, "confirm", who={"platform": "console", "user_id": "bob"})
    assert "Only admins can confirm organisers' dates." in words({"reply": refused})
    done = press(journey, "confirm")
    assert done["type"] == "update"
    assert (
        "Confirmed: National Inclusion Week 2027, Monday 27 September 2027 to Sunday 3 October "
        "2027. It will be posted like any other date." in words({"reply": done})
    )
    row = decision(journey)
    assert row is not None and (row.status, row.decided_by) == ("confirmed", "console:dina")
    assert row.decided_at == datetime(2027, 8, 16, 8, tzinfo=UTC)
    again = press(journey, "decline")  # another copy of the question, pressed later
    assert "was already confirmed for Monday 27 September 2027" in words({"reply": again})
    assert "by you on Monday 16 August 2027; nothing changed." in words({"reply": again})
    assert not [s for s in sends(journey, "2027-09-13T08:00Z") if "confirm" in words(s)]
    assert "National Inclusion Week" in channel_posts(journey, "2027-09-20T08:00Z")  # heads-up
    assert "National Inclusion Week" in channel_posts(journey, "2027-09-27T08:00Z")
    upcoming = journey.feed(type="command", actor=DINA, name="awareness", args="upcoming", id="u")
    assert "National Inclusion Week (unconfirmed)" not in str(upcoming)


def test_changed_dates_are_confirmed_and_posted_on_the_new_day(journey: Journey) -> None:
    asked(journey, "2027-08-16T08:00Z")
    form = press(journey, "change")
    assert form["type"] == "open_form" and form["form"]["form_id"] == "awareness.organiser"
    context = form["form"]["context"]
    submit = {"type": "form", "actor": DINA, "form_id": "awareness.organiser", "context": context}
    [bad] = journey.feed(**submit, values={"start": "2027-10-10", "end": "2027-10-04"})
    assert bad["reply"] == {
        "type": "form_errors",
        "form_id": "awareness.organiser",
        "errors": {"end": "The last day must be on or after the first."},
    }
    assert decision(journey) is None
    [good] = [
        line
        for line in journey.feed(**submit, values={"start": "2027-10-04", "end": "2027-10-10"})
        if line["type"] == "reply"
    ]
    assert (
        "Confirmed: National Inclusion Week 2027, Monday 4 October 2027 to Sunday 10 October"
        in (words(good))
    )
    row = decision(journey)
    assert row is not None and (row.start, row.end) == (date(2027, 10, 4), date(2027, 10, 10))
    assert "National Inclusion Week" not in channel_posts(journey, "2027-09-20T08:00Z")
    heads_up = channel_posts(journey, "2027-09-27T08:00Z")  # a week before the new dates
    assert "Coming up: National Inclusion Week, Monday 4 October 2027 to Sunday 10" in heads_up
    assert "National Inclusion Week" in channel_posts(journey, "2027-10-04T08:00Z")


def test_unanswered_a_reminder_two_weeks_before_then_it_stays_unposted(
    journey: Journey,
) -> None:
    asked(journey, "2027-08-16T08:00Z")
    reminder = asked(journey, "2027-09-13T08:00Z")  # two weeks before
    assert (
        "A reminder: nobody has confirmed these dates yet. If nobody does, it is not posted."
        in (words(reminder))
    )
    assert not [s for s in sends(journey, "2027-09-20T08:00Z") if ASKED in words(s)]
    assert "National Inclusion Week" not in channel_posts(journey, "2027-09-27T08:00Z")
    assert decision(journey) is None


def test_not_this_year_is_stored_and_never_posted(journey: Journey) -> None:
    asked(journey, "2027-08-16T08:00Z")
    done = press(journey, "decline")
    assert "Not this year: National Inclusion Week 2027 will not be posted." in words(
        {"reply": done}
    )
    row = decision(journey)
    assert row is not None and row.status == "not_this_year"
    assert not [s for s in sends(journey, "2027-09-13T08:00Z") if ASKED in words(s)]
    assert "National Inclusion Week" not in channel_posts(journey, "2027-09-27T08:00Z")


def test_the_waiting_list_and_the_effective_calendar(journey: Journey) -> None:
    """The dashboard's "waiting for confirmation" and every reader's view of the calendar."""
    calendar = journey.harness.runtime.bot.resources.need(type(load_calendar([])))
    store = journey.harness.runtime.store
    with store.session() as session:
        ids = [w.key for w in waiting(session, calendar, date(2027, 8, 16))]
    assert ids[0] == WEEK  # the soonest
    assert {"careers-in-ideas-week:2027", "uk-disability-history-month:2027"} <= set(ids)
    asked(journey, "2027-08-16T08:00Z")
    press(journey, "confirm")
    with store.session() as session:
        assert WEEK not in [w.key for w in waiting(session, calendar, date(2027, 8, 16))]
        seen = effective(session, calendar)
    [week] = [
        o
        for o in occurrences(seen, date(2027, 9, 1), date(2027, 10, 31), "uk")
        if o.entry.id == "national-inclusion-week"
    ]
    assert week.confirmed and (week.start, week.end) == (date(2027, 9, 27), date(2027, 10, 3))
    [shipped] = [
        o
        for o in occurrences(calendar, date(2027, 9, 1), date(2027, 10, 31), "uk")
        if o.entry.id == "national-inclusion-week"
    ]
    assert not shipped.confirmed  # the loaded calendar itself is never changed
