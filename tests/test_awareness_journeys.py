"""Issue 12, the admins' and channels' side of awareness dates: each bug a new admin hit.

The real calendar (content/awareness.yaml) drives the console, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import content
from app.cli import main
from app.runtime import Runtime
from bot.awareness.calendar import load_calendar
from bot.awareness.models import AwarenessSubscription
from bot.clock import ManualClock
from bot.config import Settings
from bot.pledge.content import Pledge
from bot.router import Bot
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.conftest import Harness


@pytest.fixture
def aware(store: Store, settings: Settings, pledge: Pledge) -> Harness:
    clock = ManualClock(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    calendar = load_calendar([content.path("awareness.yaml")])
    bot = Bot(store, clock, settings, pledge, calendar)
    return Harness(Runtime(settings, store, clock, bot), clock)


def say(harness: Harness, *lines: str) -> str:
    """What the console printed for ``lines``, with line wrapping undone."""
    return " ".join(harness.say(*lines).split())


def _button(printed: str, label: str) -> str:
    return printed.split(f"] {label}")[-2].rsplit("[", 1)[1]


# --- item 1: a post moved off the weekend names its day -----------------------------------------


def test_posts_moved_to_friday_name_the_sunday_and_the_evening(aware: Harness) -> None:
    aware.say("/clock 2027-10-07T08:00Z")
    printed = say(aware, "/clock 2027-10-08T08:00Z")  # Friday 09:00 in London
    assert "Sunday 10 October marks World Mental Health Day." in printed
    assert "Yom Kippur begins on the evening of Sunday 10 October." in printed
    assert "Today marks World Mental Health Day" not in printed
    assert "begins this evening" not in printed
    assert "More from the organisers of World Mental Health Day" in printed
    assert "More from the organisers of Yom Kippur" not in printed
    assert "Find out more: https://www.bod.org.uk/" in printed


def test_a_saturday_festival_moved_to_friday_is_not_today(aware: Harness) -> None:
    aware.say("/clock 2028-03-09T09:00Z")
    printed = say(aware, "/clock 2028-03-10T09:00Z")  # Friday; Holi is Saturday 11 March 2028
    assert "Saturday 11 March is Holi. Happy Holi to everyone celebrating." in printed
    assert "Today we celebrate Holi" not in printed
    assert "Find out more: https://www.britannica.com/topic/Holi" in printed


def test_a_post_on_the_day_still_says_today(aware: Harness) -> None:
    printed = say(aware, "/clock 2027-03-08T09:00Z")  # Monday 8 March
    assert "Today we celebrate International Women's Day." in printed
    assert "More from the organisers of International Women's Day" in printed


def test_a_jewish_festival_whose_evening_is_a_weekday_begins_this_evening(aware: Harness) -> None:
    aware.say("/clock 2027-04-20T08:00Z")
    printed = say(aware, "/clock 2027-04-21T08:00Z")  # Wednesday; Passover from that evening
    assert "Passover (Pesach) begins this evening." in printed


# --- item 2: an edit keeps a stopped post stopped -------------------------------------------------


def test_edit_text_after_dont_send_keeps_the_post_cancelled(aware: Harness) -> None:
    aware.say("/clock 2027-03-04T08:00Z")
    printed = say(aware, "/clock 2027-03-05T09:00Z")  # dina's preview, the Friday before
    assert "Preview: this goes to subscribed channels on Monday 8 March 2027." in printed
    printed = say(aware, "/as dina", _button(printed, "Don't send"))
    assert "Preview: cancelled, this will not be sent to subscribed channels" in printed
    printed = say(aware, _button(printed, "Edit text"), "Lunch at 12:00 in the atrium")
    assert "Saved. The post will read:" in printed
    assert "Preview: cancelled" in printed and "Lunch at 12:00 in the atrium" in printed
    printed = say(aware, "/clock 2027-03-08T09:00Z")
    assert "International Women's Day" not in printed
    assert _status(aware, "awareness:%:international-womens-day:2027-03-08:day") == "cancelled"


def test_send_after_all_restores_the_post_with_its_edited_words(aware: Harness) -> None:
    aware.say("/clock 2027-03-04T08:00Z")
    printed = say(aware, "/clock 2027-03-05T09:00Z")
    printed = say(aware, "/as dina", _button(printed, "Edit text"), "Lunch at 12:00")
    printed = say(aware, _button(printed, "Don't send"))
    printed = say(aware, _button(printed, "Send after all"))
    assert "Preview: this goes to subscribed channels on Monday 8 March 2027." in printed
    assert "It goes with your edited words." in printed
    printed = say(aware, "/clock 2027-03-08T09:00Z")
    assert "Today we celebrate International Women's Day. Lunch at 12:00" in printed


def _status(aware: Harness, key: str) -> str | None:
    with aware.runtime.store.session() as session:
        return session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.idempotency_key.like(key))
        )


# --- item 3: categories per region, `all` resets, every change shows the result -------------------


def _categories(aware: Harness) -> tuple[list[str], dict[str, list[str]]]:
    with aware.runtime.store.session() as session:
        sub = session.scalars(
            select(AwarenessSubscription).where(AwarenessSubscription.channel_id == "#office")
        ).one()
        return list(sub.regions), dict(sub.categories)


def test_categories_belong_to_each_region_and_all_resets_them(aware: Harness) -> None:
    printed = say(aware, "/as dina", "/in #office", "/awareness subscribe us lgbt")
    assert "Regions: us. Categories: us: lgbt." in printed
    printed = say(aware, "/awareness subscribe uk global")
    assert "Regions: global, uk, us. Categories: us: lgbt; global, uk: every category." in printed
    assert _categories(aware) == (["global", "uk", "us"], {"us": ["lgbt"]})
    printed = say(aware, "/awareness subscribe all")
    assert "Regions: global, uk, us. Categories: all." in printed
    assert _categories(aware) == (["global", "uk", "us"], {})
    printed = say(aware, "/awareness unsubscribe lgbt")
    assert "global: every category but lgbt" in printed
    regions, categories = _categories(aware)
    assert regions == ["global", "uk", "us"]
    assert all("lgbt" not in categories[region] for region in regions)
    printed = say(aware, "/awareness unsubscribe us")
    assert "Regions: global, uk." in printed
    printed = say(aware, "/awareness unsubscribe all")
    assert "Regions: none (nothing is posted)." in printed


def test_a_region_narrowed_to_a_category_gets_only_that_category(aware: Harness) -> None:
    say(aware, "/as dina", "/in #office", "/awareness subscribe us lgbt", "/awareness subscribe uk")
    aware.say("/clock 2027-06-01T08:00Z")
    upcoming = say(aware, "/awareness upcoming")
    assert "Windrush Day" in upcoming  # uk: every category
    assert "Juneteenth" not in upcoming  # us: lgbt only
    assert "Pride Month" in upcoming  # global and lgbt


# --- item 8: a date beyond the calendars ----------------------------------------------------------


@pytest.mark.parametrize("first", ["2080-01-01", "9999-12-31", "2036-01-01", "2000-12-31"])
def test_cli_list_beyond_the_calendars_is_one_line(first: str) -> None:
    """Past 2035 Diwali, Holi and Vaisakhi would vanish (the holidays package's tables end),
    so the calendar refuses the span; the largest date does not overflow into a traceback."""
    result = CliRunner().invoke(main, ["awareness", "list", "--from", first])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {first} is outside the range the awareness calendars cover (2001 to 2035); "
        "give a date inside it.\n"
    )


# --- review leftover 8: several settings at once --------------------------------------------------


def _settings_of(aware: Harness) -> tuple[int, str, str, bool]:
    with aware.runtime.store.session() as session:
        row = session.scalars(
            select(AwarenessSubscription).where(AwarenessSubscription.channel_id == "#uk-office")
        ).one()
        return row.heads_up_days, row.post_time, row.timezone, row.weekend_shift


def test_several_settings_at_once_and_a_bad_part_changes_nothing(aware: Harness) -> None:
    aware.say("/as dina", "/in #uk-office", "/awareness subscribe uk")
    before = _settings_of(aware)
    for command, part in [
        ("heads-up 3 time 25:00", "“time 25:00”"),
        ("heads-up 3 colour blue", "“colour blue”: I don't know the setting “colour”"),
        ("heads-up 3 time", "“time”: it needs a value"),
        ("time 10:30 heads-up 99", "“heads-up 99”: give a number of days from 0 to 60"),
        ("heads-up 3 heads-up 4", "“heads-up 4”: it is given twice"),
        ("timezone Mars/Base", "“timezone Mars/Base”: 'Mars/Base' is not a time zone I know"),
    ]:
        printed = say(aware, f"/awareness settings {command}")
        assert part in printed and "Nothing was changed." in printed, printed
        assert "Saved." not in printed
        assert _settings_of(aware) == before
    printed = say(
        aware, "/awareness settings heads-up 3 time 10:30 timezone Europe/Paris weekends keep"
    )
    assert "Saved." in printed
    assert (
        "Heads-up 3 day(s) before; posts at 10:30 (Europe/Paris); weekend dates announced on "
        "the day." in printed
    )
    assert _settings_of(aware) == (3, "10:30", "Europe/Paris", False)


def test_dont_send_pressed_twice_says_so_and_changes_nothing(aware: Harness) -> None:
    aware.say("/clock 2027-03-04T08:00Z")
    preview = say(aware, "/clock 2027-03-05T09:00Z")
    stop = _button(preview, "Don't send")
    printed = say(aware, "/as dina", stop)
    restore = _button(printed, "Send after all")
    printed = say(aware, stop)
    assert "(only you can see this): That post is already stopped; nothing changed." in printed
    assert "updated the message" not in printed
    say(aware, restore)
    printed = say(aware, restore)
    assert "That post is already going out; nothing changed." in printed
