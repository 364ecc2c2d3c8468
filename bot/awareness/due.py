"""What the awareness calendar has due at an instant: channel posts and admins' previews.

Each channel is looked at only when its ``next_check_at`` has come, so a quiet tick costs one
index probe. Every post is an outbox row keyed by (channel, occurrence, post), every preview by
(admin, occurrence, post): whatever the restarts, repeats or replicas, each goes out once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.awareness import schedule
from bot.awareness.calendar import Calendar
from bot.awareness.confirmations import effective
from bot.awareness.models import AwarenessSubscription
from bot.awareness.posts import POST_RENDERER, PREVIEW_RENDERER
from bot.config import Settings
from bot.conversation import Address
from bot.dates import long_date
from bot.outbox import Outgoing, queue
from bot.store.models import Admin
from bot.store.upsert import insert_new


def default_subscription(address: Address, settings: Settings, now: datetime) -> dict[str, object]:
    return {
        "platform": address.platform,
        "tenant": address.tenant,
        "channel_id": address.id,
        "regions": list(settings.awareness_regions),
        "categories": {},
        "timezone": settings.default_timezone,
        "post_time": settings.awareness_post_time,
        "heads_up_days": settings.awareness_heads_up_days,
        "weekend_shift": True,
        "next_check_at": now,
    }


def _subscribe_announcements(session: Session, settings: Settings, now: datetime) -> None:
    """The configured announcements channels are subscribed by default (once: an admin may
    change or empty their regions afterwards)."""
    if not settings.announcements_channel:
        return
    rows = [
        default_subscription(Address.parse(text, kind="channel"), settings, now)
        for text in settings.announcements_channel
    ]
    columns = (
        AwarenessSubscription.platform,
        AwarenessSubscription.tenant,
        AwarenessSubscription.channel_id,
    )
    known = {tuple(row) for row in session.execute(select(*columns))}
    missing = [r for r in rows if (r["platform"], r["tenant"], r["channel_id"]) not in known]
    insert_new(session, AwarenessSubscription, missing, ["platform", "tenant", "channel_id"])


def recheck_all(session: Session, now: datetime) -> None:
    """Look at every channel again at the next tick: the calendar may have changed since the
    last start (an organiser's dates confirmed, an organisation's own entries added)."""
    session.execute(update(AwarenessSubscription).values(next_check_at=now))


def admins_of(session: Session, settings: Settings, platform: str, tenant: str) -> list[Address]:
    found = [Address.parse(a, kind="user") for a in settings.admins]
    found += [
        Address(platform=a.platform, tenant=a.tenant, id=a.user_id)
        for a in session.scalars(select(Admin))
    ]
    unique = {str(a): a for a in found if a.platform == platform and a.tenant == tenant}
    return list(unique.values())


def _renderer_args(planned: schedule.Planned, sub: AwarenessSubscription) -> dict[str, str]:
    """What the post and preview renderers need to find the occurrence and its override."""
    return {
        "occurrence": planned.occurrence.key,
        "post": planned.post,
        "platform": sub.platform,
        "tenant": sub.tenant,
        "on": planned.day.isoformat(),
    }


def queue_awareness(session: Session, now: datetime, settings: Settings, calendar: Calendar) -> int:
    """Queue every post and preview due by ``now``; return how many were new. Organisers'
    dates as the admins confirmed them (bot/awareness/confirmations.py)."""
    calendar = effective(session, calendar)
    _subscribe_announcements(session, settings, now)
    subscriptions = session.scalars(
        select(AwarenessSubscription)
        .where(AwarenessSubscription.next_check_at <= now)
        .order_by(AwarenessSubscription.id)
        .with_for_update(skip_locked=True)
    ).all()
    queued = 0
    for sub in subscriptions:
        channel = Address(
            platform=sub.platform, tenant=sub.tenant, kind="channel", id=sub.channel_id
        )
        outgoing = []
        for planned in schedule.due(sub, calendar, now):
            outgoing.append(
                Outgoing(
                    f"awareness:{channel}:{planned.occurrence.key}:{planned.post}",
                    channel,
                    render=POST_RENDERER,
                    args=_renderer_args(planned, sub),
                )
            )
        admins = admins_of(session, settings, sub.platform, sub.tenant)
        for planned in schedule.previews_due(sub, calendar, now):
            for admin in admins:
                outgoing.append(
                    Outgoing(
                        f"awareness-preview:{admin}:{planned.occurrence.key}:{planned.post}",
                        admin,
                        render=PREVIEW_RENDERER,
                        args={**_renderer_args(planned, sub), "day": long_date(planned.day)},
                    )
                )
        queued += queue(session, outgoing, now)
        sub.next_check_at = schedule.next_moment(sub, calendar, now)
    return queued
