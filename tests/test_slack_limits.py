"""Slack rate limiting on the bot's side (the shared limiter, adapters/limits.py, with Slack's
numbers): per-channel token buckets, an optional per-workspace bucket, and a workspace-wide
pause after Slack's 429, on the injected clock; then through the
real SlackSender against the fake Slack Web API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.limits import TokenBuckets
from adapters.slack.limits import SlackLimits
from adapters.slack.sender import SlackSender
from bot.clock import ManualClock
from bot.conversation import ActionsBlock, Address, Button, Message, TextBlock, text_message
from tests.fake_slack import TEAM_ID, FakeSlack
from tests.platform_rules import SLACK_MESSAGE_BLOCKS_TEXT, slack_blocks_text
from tests.test_slack import Loop


class Clock(ManualClock):
    """The bot's injected clock, moved by seconds (a fraction of one too)."""

    def __init__(self) -> None:
        super().__init__(datetime(2027, 3, 8, 9, tzinfo=UTC))

    def advance(self, seconds: float) -> None:
        self.set(self.now() + timedelta(seconds=seconds))


def test_a_channel_gets_a_burst_of_three_then_one_a_second() -> None:
    clock = Clock()
    limits = SlackLimits(clock)
    assert [limits.take("T1", "C1") for _ in range(3)] == [0, 0, 0]
    assert limits.take("T1", "C1") == pytest.approx(1.0)
    clock.advance(0.5)
    assert limits.take("T1", "C1") == pytest.approx(0.5)  # a deferral counts nothing
    clock.advance(0.5)
    assert limits.take("T1", "C1") == 0
    assert limits.take("T1", "C1") == pytest.approx(1.0)
    clock.advance(10)  # a quiet channel earns back its burst, and no more
    assert [limits.take("T1", "C1") for _ in range(4)][-1] == pytest.approx(1.0)


def test_channels_and_workspaces_are_counted_apart() -> None:
    clock = Clock()
    limits = SlackLimits(clock)
    for _ in range(3):
        limits.take("T1", "C1")
    assert limits.take("T1", "C1") > 0
    assert limits.take("T1", "C2") == 0
    assert limits.take("T2", "C1") == 0  # the same channel id in another workspace


def test_a_workspace_rate_paces_every_channel_together() -> None:
    clock = Clock()
    limits = SlackLimits(clock, workspace_per_second=8, workspace_burst=2)
    assert limits.take("T1", "C1") == 0 and limits.take("T1", "C2") == 0
    assert limits.take("T1", "C3") == pytest.approx(0.125)
    assert limits.take("T2", "C3") == 0
    clock.advance(0.125)
    assert limits.take("T1", "C3") == 0
    sent = 0
    for _ in range(160):  # ten seconds in steps of 1/16 s, a send tried at each
        clock.advance(1 / 16)
        sent += limits.take("T1", f"C{sent}") == 0
    assert sent == 80


def test_a_429_pauses_the_whole_workspace_until_retry_after() -> None:
    clock = Clock()
    limits = SlackLimits(clock)
    limits.pause("T1", 5)
    assert limits.take("T1", "C9") == pytest.approx(5)
    assert limits.paused_for("T1") == pytest.approx(5)
    assert limits.take("T2", "C9") == 0  # other workspaces are not Slack's concern here
    limits.pause("T1", 1)  # a shorter Retry-After does not cut the pause short
    clock.advance(4.9)
    assert limits.take("T1", "C9") == pytest.approx(0.1)
    clock.advance(0.1)
    assert limits.take("T1", "C9") == 0 and limits.paused_for("T1") == 0


def test_buckets_refuse_nonsense_and_forget_quiet_keys() -> None:
    with pytest.raises(ValueError):
        TokenBuckets(0, 1)
    clock = Clock()
    buckets = TokenBuckets(1, 1)
    for key in range(10_001):
        buckets.record(str(key), clock.now())
    clock.advance(2)
    buckets.record("new", clock.now())  # the 10,002nd key: the full (quiet) ones are dropped
    assert len(buckets._buckets) == 1


@pytest.fixture
def fake(loop: Loop) -> Iterator[FakeSlack]:
    fake = loop.run(FakeSlack().start())
    yield fake
    loop.run(fake.stop())


def test_after_a_429_other_channels_are_deferred_not_sent(fake: FakeSlack) -> None:
    clock = Clock()
    sender = SlackSender("xoxb-test", fake.api_url, SlackLimits(clock))
    message = text_message("Your weekly check-in", ref="checkin")

    def to(channel: str) -> Address:
        return Address(platform="slack", tenant=TEAM_ID, id=channel, kind="channel")

    assert sender.send(to("C1"), message).ok
    fake.fail_next("chat.postMessage", status=429, retry_after=30)
    limited = sender.send(to("C2"), message)
    assert (limited.retry, limited.deferred, limited.retry_after) == (True, False, 30)
    assert limited.rate_limited  # Slack's 429: it used an attempt
    for channel in ("C1", "C3", "C4"):
        deferred = sender.send(to(channel), message)
        assert deferred.deferred and not deferred.rate_limited
        assert deferred.retry_after == pytest.approx(30)
    assert [c.answer["ok"] for c in fake.calls_to("chat.postMessage")] == [True, False]
    clock.advance(30)
    assert sender.send(to("C3"), message).ok
    assert fake.delivered == {"C1": 1, "C3": 1}


def test_the_sender_waits_for_the_workspace_token_but_defers_a_busy_channel(
    fake: FakeSlack,
) -> None:
    clock = Clock()
    waited: list[float] = []

    def sleep(seconds: float) -> None:  # the injected clock moves instead of real time
        waited.append(seconds)
        clock.advance(seconds)

    limits = SlackLimits(clock, workspace_per_second=4, workspace_burst=1)
    sender = SlackSender("xoxb-test", fake.api_url, limits, sleep=sleep)
    message = text_message("Your weekly check-in", ref="checkin")
    channel = Address(platform="slack", tenant=TEAM_ID, id="C1", kind="channel")
    assert [sender.send(channel, message).ok for _ in range(3)] == [True] * 3
    assert waited == [0.25, 0.25]  # the workspace's pace, waited out in the sender
    busy = sender.send(channel, message)  # C1's burst of 3 is spent: deferred, not waited for
    assert waited == [0.25, 0.25, 0.25]  # (the workspace's token first)
    assert busy.deferred and busy.retry_after == pytest.approx(0.25)  # C1 earned 0.75 of one
    assert fake.delivered == {"C1": 3}


def test_a_message_with_more_text_than_slack_takes_goes_in_accepted_marked_parts(
    fake: FakeSlack,
) -> None:
    """The review's shape: 49 blocks carrying 48,777 characters, one message before; Slack
    answers msg_blocks_too_long past about 13,200 (tests/platform_rules.py)."""
    words = ("word " * 600)[:3000]
    blocks: list[TextBlock | ActionsBlock] = [
        TextBlock(text="R-XXXX: racism", style="heading"),
        TextBlock(text="x " * 1500, style="quote"),
    ]
    for n in range(25):
        blocks += [
            TextBlock(text=f"Message {n:02d}, 1 March 2027:", style="context"),
            TextBlock(text=words, style="quote"),
        ]
    blocks.append(ActionsBlock(buttons=[Button(action_id="report.ack", label="Acknowledge")]))
    sender = SlackSender("xoxb-test", fake.api_url, SlackLimits(Clock(), channel_burst=100))
    channel = Address(platform="slack", tenant=TEAM_ID, id="C1", kind="channel")
    assert sender.send(channel, Message(blocks=blocks)).ok
    posted = fake.calls_to("chat.postMessage")
    assert fake.refused() == [] and len(posted) >= 5
    for n, call in enumerate(posted, start=1):
        assert slack_blocks_text(call.blocks()) <= SLACK_MESSAGE_BLOCKS_TEXT
        marks = [e["text"] for b in call.blocks() if b["type"] == "context" for e in b["elements"]]
        assert any(f"Part {n} of {len(posted)}" in mark for mark in marks)
    texts = [b["text"]["text"] for c in posted for b in c.blocks() if b["type"] == "section"]
    assert sum(text.count("word") for text in texts) == 25 * 600
    [ack] = [e for c in posted for b in c.blocks() if b["type"] == "actions" for e in b["elements"]]
    assert ack["action_id"] == "report.ack#0" and ack in posted[-1].blocks()[-1]["elements"]
