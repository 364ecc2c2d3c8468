"""Awareness dates in Slack: an admin subscribes a channel with /awareness, and the heads-up
and the on-the-day post reach that channel once as the clock passes them; a channel
subscribed to another region gets nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import content
from app.runtime import Runtime
from bot.awareness.calendar import Calendar, load_calendar
from bot.clock import ManualClock
from bot.config import Settings
from bot.pledge.content import Pledge
from bot.router import Bot
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.test_slack import (  # noqa: F401  (fixtures, used by name)
    Slack,
    fake,
    posts_to,
    responses,
    settings,
    slack,
)


@pytest.fixture
def runtime(store: Store, settings: Settings, pledge: Pledge) -> Runtime:  # noqa: F811
    clock = ManualClock(datetime(2027, 2, 26, 8, 0, tzinfo=UTC))
    calendar = load_calendar([content.path("awareness.yaml")])
    return Runtime(settings, store, clock, Bot(store, clock, settings, pledge, calendar))


def _tick(slack: Slack, when: str) -> None:  # noqa: F811
    slack.clock.set(datetime.fromisoformat(when))
    slack.runtime.run_due(slack.server.senders)


def test_a_subscribed_channel_gets_the_heads_up_and_the_day_once(slack: Slack) -> None:  # noqa: F811
    refused = slack.command("subscribe uk", user="U1", channel="CUK", command="/awareness")
    [answer] = responses(slack, refused.response_id)
    assert "Only admins" in str(answer.params)
    reply = slack.command("subscribe uk", user="UDINA", channel="CUK", command="/awareness")
    [saved] = responses(slack, reply.response_id)
    assert "Regions: uk." in str(saved.params)
    us = slack.command("subscribe us", user="UDINA", channel="CUS", command="/awareness")
    responses(slack, us.response_id)

    _tick(slack, "2027-03-01T09:00:00+00:00")  # heads-up for International Women's Day
    _tick(slack, "2027-03-01T09:05:00+00:00")  # again: nothing new
    heads_up = [
        c for c in posts_to(slack, "CUK") if "Coming up: International Women" in str(c.params)
    ]
    assert len(heads_up) == 1
    _tick(slack, "2027-03-08T09:00:00+00:00")
    on_the_day = [
        c
        for c in posts_to(slack, "CUK")
        if "Today we celebrate International Women" in str(c.params)
    ]
    assert len(on_the_day) == 1
    with slack.runtime.store.session() as session:
        queued = session.execute(
            select(OutboxMessage.idempotency_key, OutboxMessage.destination).where(
                OutboxMessage.idempotency_key.like("awareness:%")
            )
        ).all()
    regions = {"slack:T1:#CUK": "uk", "slack:T1:#CUS": "us"}
    assert {row.destination for row in queued} >= set(regions)
    for key, destination in queued:
        if destination not in regions:
            continue  # the announcements channel, subscribed by default
        entry = slack.runtime.need(Calendar).entry(key.rsplit(":", 3)[1])
        assert entry is not None
        assert regions[destination] in entry.regions or "global" in entry.regions, key
