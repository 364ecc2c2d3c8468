"""The one rate limiter every platform counts its sends with (adapters/limits.py), on the
injected clock: Slack's and Teams' numbers are theirs, the counting is shared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.limits import RateLimiter, SlidingWindows, TokenBuckets
from adapters.slack.limits import SlackLimits
from adapters.teams.limits import TeamsLimits
from bot.clock import ManualClock

START = datetime(2027, 3, 8, 9, tzinfo=UTC)


def test_both_platforms_count_with_the_same_limiter_on_the_bot_clock() -> None:
    clock = ManualClock(START)
    slack, teams = SlackLimits(clock), TeamsLimits(clock)
    assert isinstance(slack, RateLimiter) and isinstance(teams, RateLimiter)
    assert [slack.take("T1", "C1") for _ in range(4)] == [0, 0, 0, 1.0]
    assert [teams.take("t1", "c1") for _ in range(8)][-1] == 1.0  # 7 a second
    clock.set(START + timedelta(seconds=1))  # time moves only when the clock does
    assert slack.take("T1", "C1") == 0 and teams.take("t1", "c1") == 0


def test_a_pause_holds_the_outer_scope_and_replies_count_without_asking() -> None:
    clock = ManualClock(START)
    limits = RateLimiter(clock, SlidingWindows(((2, 10),)), TokenBuckets(5, 1))
    limits.note("t1", "c1")  # a reply that went out anyway
    limits.note("t1", "c1")
    assert limits.take("t1", "c1") == 10.0  # the conversation's window is full
    assert limits.take("t1", "c2") == 0  # another conversation is not
    limits.pause("t1", 30)
    assert limits.take("t1", "c3") == 30.0 and limits.paused_for("t1") == 30.0
    assert limits.take("t2", "c3") == 0  # another tenant is not paused
    clock.set(START + timedelta(seconds=30))
    assert limits.paused_for("t1") == 0 and limits.take("t1", "c3") == 0
    assert limits.pacing("t1") == 0  # the tenant's bucket refilled meanwhile
