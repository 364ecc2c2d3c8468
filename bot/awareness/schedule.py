"""When a channel's awareness posts go out: heads-up, on the day, and the admins' preview.

Posts go out at the channel's local post time. A day that falls on a weekend is announced on
the working day before, unless the channel asked to keep weekend dates. A Jewish festival,
which begins at sunset, is announced on the day its evening falls. Unconfirmed dates are never
planned: they are listed in /awareness upcoming as unconfirmed, and posted once confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from bot.awareness.calendar import CATEGORIES, Calendar, Occurrence, occurrences
from bot.awareness.models import AwarenessSubscription
from bot.timezones import parse_local_time, zone

#: A post whose moment passed longer ago than this (the bot was down) is not sent late.
GRACE = timedelta(hours=12)
#: How far ahead the next post is looked for.
HORIZON = timedelta(days=400)

Post = Literal["heads-up", "day"]


@dataclass(frozen=True)
class Planned:
    occurrence: Occurrence
    post: Post
    day: date  # the local date it goes out
    at: datetime  # UTC
    preview_at: datetime  # UTC: the working day before, for the admins


def working_day_before(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _shift(day: date, weekend_shift: bool) -> date:
    if weekend_shift and day.weekday() >= 5:
        return working_day_before(day + timedelta(days=1))
    return day


def wanted(occurrence: Occurrence, subscription: AwarenessSubscription) -> bool:
    """A channel gets a date if one of its regions covers it (global dates are in every
    region) in a category that region is subscribed to (every one unless narrowed)."""
    return any(
        occurrence.covers(region)
        and occurrence.entry.category in subscription.categories.get(region, CATEGORIES)
        for region in subscription.regions
    )


def relevant(occurrence: Occurrence, subscription: AwarenessSubscription) -> bool:
    """What is posted: wanted, and confirmed (an unconfirmed date is never posted as fact)."""
    return occurrence.confirmed and wanted(occurrence, subscription)


def plan(
    subscription: AwarenessSubscription, calendar: Calendar, first: date, last: date
) -> list[Planned]:
    """Every post for the channel going out on a local date in [first, last]."""
    tz = zone(subscription.timezone)
    at = parse_local_time(subscription.post_time)

    def instant(day: date) -> datetime:
        return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)

    lead = timedelta(days=subscription.heads_up_days + 7)
    found = []
    for occurrence in occurrences(calendar, first - timedelta(days=2), last + lead):
        if not relevant(occurrence, subscription):
            continue
        begins = occurrence.start - timedelta(days=1 if occurrence.entry.evening_before else 0)
        day = _shift(begins, subscription.weekend_shift)
        posts: list[tuple[Post, date]] = [("day", day)]
        if subscription.heads_up_days:
            ahead = _shift(
                occurrence.start - timedelta(days=subscription.heads_up_days),
                subscription.weekend_shift,
            )
            if ahead < day:
                posts.append(("heads-up", ahead))
        for post, when in posts:
            if first <= when <= last:
                found.append(
                    Planned(
                        occurrence, post, when, instant(when), instant(working_day_before(when))
                    )
                )
    return found


def due(subscription: AwarenessSubscription, calendar: Calendar, now: datetime) -> list[Planned]:
    """Posts whose moment is now or within the last GRACE."""
    today = now.astimezone(zone(subscription.timezone)).date()
    return [
        p
        for p in plan(subscription, calendar, today - timedelta(days=1), today)
        if now - GRACE < p.at <= now
    ]


def previews_due(
    subscription: AwarenessSubscription, calendar: Calendar, now: datetime
) -> list[Planned]:
    """Posts whose admin preview moment is now or within the last GRACE."""
    today = now.astimezone(zone(subscription.timezone)).date()
    return [
        p
        for p in plan(subscription, calendar, today, today + timedelta(days=5))
        if now - GRACE < p.preview_at <= now
    ]


def next_moment(
    subscription: AwarenessSubscription, calendar: Calendar, now: datetime
) -> datetime | None:
    """The next instant after ``now`` when a post or a preview is due for this channel."""
    today = now.astimezone(zone(subscription.timezone)).date()
    window = plan(subscription, calendar, today, (now + HORIZON).date())
    moments = [m for p in window for m in (p.at, p.preview_at) if m > now]
    return min(moments, default=None)
