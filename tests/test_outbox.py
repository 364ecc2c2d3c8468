"""The durable outbox: queued messages survive restarts, are sent once, and are retried.

The Sender here is a fake at the edge (what a platform adapter would be); the outbox, the store
and the clock are the real ones, with the clock moved by hand.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.conversation import Address, Message, text_message
from bot.outbox import FIRST_RETRY, LEASE, Dispatcher, Outgoing, SendResult, queue
from bot.store import Store
from bot.store.models import OutboxMessage

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TICK = timedelta(milliseconds=1)
ALICE = Address(platform="slack", tenant="T1", id="U1")
CHANNEL = Address(platform="slack", tenant="T1", kind="channel", id="C9")
TEAMS_USER = Address(platform="teams", tenant="tenant-1", id="29:1a2b-3c")
CONSOLE_BOB = Address(platform="console", id="bob")


class FakeSender:
    """Plays back scripted outcomes (SendResults, or exceptions to raise), then succeeds."""

    def __init__(self, *script: SendResult | Exception) -> None:
        self.script = list(script)
        self.calls: list[tuple[Address, Message]] = []
        self.delivered: list[tuple[Address, Message]] = []
        self.lock = threading.Lock()

    def send(self, destination: Address, message: Message) -> SendResult:
        with self.lock:
            self.calls.append((destination, message))
            outcome = self.script.pop(0) if self.script else SendResult.sent()
            if isinstance(outcome, Exception):
                raise outcome
            if outcome.ok:
                self.delivered.append((destination, message))
            return outcome


def put(store: Store, *items: Outgoing, at: datetime = T0) -> int:
    with store.session() as session:
        return queue(session, items, at)


def rows(store: Store) -> list[OutboxMessage]:
    with store.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def only_row(store: Store) -> OutboxMessage:
    [row] = rows(store)
    return row


def hello(key: str = "hello:1", to: Address = ALICE, text: str = "Hello") -> Outgoing:
    return Outgoing(key, to, text_message(text))


# --- durability and idempotency ----------------------------------------------------------------


def test_queued_messages_survive_a_restart_and_are_sent_exactly_once(
    store: Store, database_url: str
) -> None:
    items = [
        hello("a:1", ALICE, "to a user"),
        hello("a:2", CHANNEL, "to a channel"),
        hello("a:3", TEAMS_USER, "to a Teams user id with colons"),
        hello("a:4", CONSOLE_BOB, "to the console"),
    ]
    assert put(store, *items) == len(items)
    store.dispose()  # the process stops before anything is sent

    reopened = Store(database_url)
    try:
        sender = FakeSender()
        clock = ManualClock(T0 + timedelta(minutes=10))
        senders = {"slack": sender, "teams": sender, "console": sender}
        report = Dispatcher(reopened, clock, senders).drain()
        assert (report.sent, report.retried, report.dead) == (len(items), 0, 0)
        assert sorted(sender.delivered, key=lambda sent: str(sent[0])) == sorted(
            ((item.destination, item.message) for item in items), key=lambda sent: str(sent[0])
        )
        again = Dispatcher(reopened, clock, senders).drain()
        assert (again.sent, again.retried, again.dead) == (0, 0, 0)
        assert len(sender.calls) == len(items)
        for row in rows(reopened):
            assert (row.status, row.attempts, row.sent_at) == ("sent", 1, clock.now())
    finally:
        reopened.dispose()


def test_queueing_the_same_key_twice_stores_one_row(store: Store) -> None:
    assert put(store, hello("checkin:42", text="first")) == 1
    assert put(store, hello("checkin:42", text="second"), at=T0 + timedelta(hours=1)) == 0
    assert put(store, hello("checkin:43"), hello("checkin:43")) == 1  # twice in one batch
    first, second = rows(store)
    assert first.idempotency_key == "checkin:42"
    assert first.created_at == T0
    assert Message.model_validate(first.payload["message"]) == text_message("first")
    assert second.idempotency_key == "checkin:43"
    sender = FakeSender()
    Dispatcher(store, ManualClock(T0 + timedelta(hours=2)), {"slack": sender}).drain()
    assert [message for _, message in sender.calls] == [
        text_message("first"),
        text_message("Hello"),
    ]


def test_a_dispatcher_only_takes_rows_for_the_platforms_it_serves(store: Store) -> None:
    put(store, hello("s:1", ALICE), hello("c:1", CONSOLE_BOB))
    slack = FakeSender()
    assert Dispatcher(store, ManualClock(T0), {"slack": slack}).drain().sent == 1
    assert [destination for destination, _ in slack.calls] == [ALICE]
    console = FakeSender()
    assert Dispatcher(store, ManualClock(T0), {"console": console}).drain().sent == 1
    assert [destination for destination, _ in console.calls] == [CONSOLE_BOB]


def test_nothing_is_sent_before_it_was_queued_for(store: Store) -> None:
    put(store, hello(), at=T0 + timedelta(minutes=1))
    sender = FakeSender()
    clock = ManualClock(T0)
    assert Dispatcher(store, clock, {"slack": sender}).drain().sent == 0
    clock.set(T0 + timedelta(minutes=1))
    assert Dispatcher(store, clock, {"slack": sender}).drain().sent == 1


# --- retries -----------------------------------------------------------------------------------


def test_a_temporary_failure_is_retried_after_the_backoff_and_not_before(store: Store) -> None:
    put(store, hello())
    sender = FakeSender(SendResult.later("503 Service Unavailable"))
    clock = ManualClock(T0)
    dispatcher = Dispatcher(store, clock, {"slack": sender}, rng=random.Random(7))
    report = dispatcher.drain()
    assert (report.sent, report.retried) == (0, 1)
    row = only_row(store)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "503 Service Unavailable")
    assert T0 + timedelta(seconds=1) <= row.next_attempt_at <= T0 + FIRST_RETRY

    clock.set(row.next_attempt_at - TICK)
    assert dispatcher.drain().sent == 0
    assert len(sender.calls) == 1
    clock.set(row.next_attempt_at)
    assert dispatcher.drain().sent == 1
    assert (len(sender.calls), len(sender.delivered)) == (2, 1)
    row = only_row(store)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert row.sent_at == clock.now()


def test_backoff_grows_with_each_attempt_and_is_jittered(store: Store) -> None:
    put(store, hello())
    sender = FakeSender(*[SendResult.later("busy")] * 5)
    clock = ManualClock(T0)
    dispatcher = Dispatcher(store, clock, {"slack": sender}, rng=random.Random(3))
    waits = []
    for attempt in range(1, 6):
        assert dispatcher.drain().retried == 1
        row = only_row(store)
        assert row.attempts == attempt
        wait = row.next_attempt_at - clock.now()
        assert timedelta(seconds=1) <= wait <= FIRST_RETRY * 2 ** (attempt - 1)
        waits.append(wait)
        clock.set(row.next_attempt_at)
    assert len(set(waits)) > 1  # jitter: not one fixed delay
    assert dispatcher.drain().sent == 1


@pytest.mark.parametrize(("retry_after", "wait"), [(120.0, 120.0), (0.0, 1.0), (2.5, 2.5)])
def test_retry_after_from_the_platform_is_honoured(
    store: Store, retry_after: float, wait: float
) -> None:
    put(store, hello())
    sender = FakeSender(SendResult.later("429 Too Many Requests", retry_after=retry_after))
    clock = ManualClock(T0)
    dispatcher = Dispatcher(store, clock, {"slack": sender})
    assert dispatcher.drain().retried == 1
    row = only_row(store)
    assert row.next_attempt_at == T0 + timedelta(seconds=wait)
    assert row.last_error == "429 Too Many Requests"
    clock.set(T0 + timedelta(seconds=wait) - TICK)
    assert dispatcher.drain().sent == 0
    clock.set(T0 + timedelta(seconds=wait))
    assert dispatcher.drain().sent == 1
    assert len(sender.calls) == 2


def test_a_permanent_failure_is_dead_at_once_with_its_error(store: Store) -> None:
    put(store, hello(), hello("other", CHANNEL))
    sender = FakeSender(SendResult.failed("channel_not_found"))
    clock = ManualClock(T0)
    report = Dispatcher(store, clock, {"slack": sender}).drain()
    assert (report.sent, report.dead) == (1, 1)
    assert report.errors == ["slack:T1:U1: channel_not_found"]
    dead, sent = rows(store)
    assert (dead.status, dead.attempts, dead.last_error) == ("dead", 1, "channel_not_found")
    assert dead.sent_at is None
    assert sent.status == "sent"
    clock.set(T0 + timedelta(days=30))
    assert Dispatcher(store, clock, {"slack": sender}).drain().sent == 0
    assert len(sender.calls) == 2


def test_after_max_attempts_a_message_is_dead(store: Store) -> None:
    put(store, hello())
    sender = FakeSender(*[SendResult.later("timeout")] * 10)
    clock = ManualClock(T0)
    dispatcher = Dispatcher(store, clock, {"slack": sender}, max_attempts=3)
    outcomes = []
    for _ in range(5):
        report = dispatcher.drain()
        outcomes.append((report.retried, report.dead))
        clock.set(clock.now() + timedelta(hours=2))
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    row = only_row(store)
    assert (row.status, row.attempts, row.last_error) == ("dead", 3, "timeout")
    assert len(sender.calls) == 3
    assert sender.delivered == []


def test_the_bots_own_rate_limit_defers_without_using_attempts(store: Store) -> None:
    put(store, hello())
    sender = FakeSender(*[SendResult.defer("our limit", retry_after=1.0)] * 5)
    clock = ManualClock(T0)
    dispatcher = Dispatcher(store, clock, {"slack": sender}, max_attempts=3)
    for _ in range(5):
        assert dispatcher.drain().dead == 0
        row = only_row(store)
        assert (row.status, row.attempts) == ("pending", 0)
        assert row.next_attempt_at == clock.now() + timedelta(seconds=1)
        clock.set(clock.now() + timedelta(seconds=1))
    assert dispatcher.drain().sent == 1
    assert (only_row(store).status, only_row(store).attempts) == ("sent", 1)


def test_a_sender_that_raises_has_its_message_retried_not_lost(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    put(store, hello())
    sender = FakeSender(ConnectionResetError("socket closed"))
    clock = ManualClock(T0)
    dispatcher = Dispatcher(store, clock, {"slack": sender})
    with caplog.at_level("ERROR", logger="bot.outbox"):
        report = dispatcher.drain()
    assert (report.sent, report.retried, report.dead) == (0, 1, 0)
    assert "sender for slack raised" in caplog.text
    row = only_row(store)
    assert row.status == "pending"
    assert row.last_error == "ConnectionResetError: socket closed"
    assert row.next_attempt_at > T0
    clock.set(row.next_attempt_at)
    assert dispatcher.drain().sent == 1
    assert only_row(store).status == "sent"
    assert len(sender.delivered) == 1


# --- leases ------------------------------------------------------------------------------------


def test_a_row_claimed_by_a_dispatcher_that_crashed_is_sent_after_the_lease(store: Store) -> None:
    put(store, hello())
    clock = ManualClock(T0)
    crashed = Dispatcher(store, clock, {"slack": FakeSender()})
    [claimed] = crashed.claim()  # ...and it dies before delivering
    assert claimed.destination == ALICE
    row = only_row(store)
    assert (row.status, row.attempts, row.next_attempt_at) == ("sending", 1, T0 + LEASE)

    sender = FakeSender()
    other = Dispatcher(store, clock, {"slack": sender})
    assert other.drain().sent == 0  # at once: it is still leased
    clock.set(T0 + LEASE - TICK)
    assert other.drain().sent == 0
    assert sender.calls == []
    clock.set(T0 + LEASE)
    assert other.drain().sent == 1
    assert sender.delivered == [(ALICE, text_message("Hello"))]
    row = only_row(store)
    assert (row.status, row.attempts) == ("sent", 2)
    clock.set(T0 + 3 * LEASE)
    assert other.drain().sent == 0
    assert len(sender.calls) == 1


def test_dispatchers_draining_at_once_send_each_message_once(
    store: Store, database_url: str
) -> None:
    count, racers = 30, 3
    put(store, *(hello(f"m:{n}", text=f"message {n}") for n in range(count)))
    sender = FakeSender()
    barrier = threading.Barrier(racers)
    errors: list[BaseException] = []

    def run() -> None:
        own = Store(database_url)
        try:
            barrier.wait(timeout=30)
            Dispatcher(own, ManualClock(T0), {"slack": sender}).drain(batch=4)
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    texts = sorted(message.plain_text() for _, message in sender.calls)
    assert texts == sorted(f"message {n}" for n in range(count))
    assert {row.status for row in rows(store)} == {"sent"}


# --- messages rendered when their turn comes ---------------------------------------------------


def test_a_rendered_message_is_built_at_send_time_or_cancelled_if_no_longer_wanted(
    store: Store,
) -> None:
    wanted = {"still": True}
    seen_args: list[dict[str, Any]] = []

    def render(session: Session, args: dict[str, Any]) -> Message | None:
        seen_args.append(args)
        return text_message(f"check-in {args['checkin']}") if wanted["still"] else None

    put(
        store,
        Outgoing("checkin:1", ALICE, render="test.render", args={"checkin": 1}),
        Outgoing("checkin:2", ALICE, render="test.render", args={"checkin": 2}),
    )
    sender = FakeSender()
    clock = ManualClock(T0)
    dispatcher = Dispatcher(store, clock, {"slack": sender}, renderers={"test.render": render})
    assert dispatcher.claim(limit=1)  # check-in 1 is under lease; check-in 2 waits
    wanted["still"] = False  # e.g. the check-in was answered meanwhile
    report = dispatcher.drain()
    assert (report.sent, report.cancelled) == (0, 1)
    _, second = rows(store)
    assert (second.status, second.sent_at) == ("cancelled", None)
    assert sender.calls == []
    clock.set(T0 + LEASE)
    wanted["still"] = True
    assert dispatcher.drain().sent == 1
    assert sender.delivered == [(ALICE, text_message("check-in 1"))]
    assert [args["checkin"] for args in seen_args] == [1, 2, 1]
    assert [row.status for row in rows(store)] == ["sent", "cancelled"]


def test_a_renderer_that_fails_leaves_the_message_to_be_retried(store: Store) -> None:
    put(store, Outgoing("checkin:1", ALICE, render="test.render", args={"checkin": 1}))
    sender = FakeSender()
    clock = ManualClock(T0)

    def broken(session: Session, args: dict[str, Any]) -> Message | None:
        raise LookupError("no such step")

    report = Dispatcher(store, clock, {"slack": sender}, renderers={"test.render": broken}).drain()
    assert (report.sent, report.retried) == (0, 1)
    row = only_row(store)
    assert (row.status, row.last_error) == ("pending", "rendering failed: LookupError")
    assert row.next_attempt_at > T0
    clock.set(row.next_attempt_at)

    def fixed(session: Session, args: dict[str, Any]) -> Message | None:
        return text_message("fixed")

    report = Dispatcher(store, clock, {"slack": sender}, renderers={"test.render": fixed}).drain()
    assert report.sent == 1
    assert sender.delivered == [(ALICE, text_message("fixed"))]


def test_a_rate_limit_is_what_the_sender_says_not_what_the_error_reads() -> None:
    """Only the sender knows its platform's "slow down"; an error that merely mentions a 429
    or a rate limit (a Slack 5xx page, a message's words) is not one."""
    assert SendResult.later("rate limited", retry_after=3, rate_limited=True).rate_limited
    assert not SendResult.later("HTTP 503 from Slack: <p>rate limit 429 page</p>").rate_limited
    assert not SendResult.failed("ratelimited").rate_limited
    assert not SendResult.defer("Slack rate limit: deferred by the bot", 2.0).rate_limited
