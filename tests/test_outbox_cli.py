"""``inclusion-bot outbox status`` and ``outbox retry``, in-process with click's CliRunner, on
the test database (SQLite or PostgreSQL) through DATABASE_URL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from app.cli import _age, main
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import Address, text_message
from bot.outbox import Dispatcher, Outgoing, SendResult, queue
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.test_outbox import FakeSender

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ALICE = Address(platform="slack", tenant="T1", id="U1")
CHANNEL = Address(platform="slack", tenant="T1", kind="channel", id="C9")
BOB = Address(platform="teams", tenant="tenant-1", id="29:bob")


Invoke = Callable[..., Result]


@pytest.fixture
def invoke(
    store: Store, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Invoke:
    """Run ``inclusion-bot ARGS`` on the test database, with nothing from the environment."""
    monkeypatch.chdir(tmp_path)  # no stray .env file
    env: dict[str, str | None] = {name.upper(): None for name in Settings.model_fields}
    env.update(DATA_DIR=str(tmp_path / "data"), DATABASE_URL=database_url)

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env)

    return run


def put(store: Store, *items: Outgoing, at: datetime = T0) -> None:
    with store.session() as session:
        queue(session, items, at)


def row(store: Store, key: str) -> OutboxMessage:
    with store.session() as session:
        found = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
        assert found is not None
        return found


def kill(store: Store, *failures: SendResult, at: datetime = T0) -> None:
    """Drain once with a sender that fails as told (the fake is the platform, at the edge)."""
    Dispatcher(store, ManualClock(at), {"slack": FakeSender(*failures)}).drain()


def test_status_counts_by_status_and_platform_with_the_oldest_unsent_and_the_dead(
    store: Store, invoke: Invoke
) -> None:
    now = datetime.now(UTC)
    three_hours_ago = now - timedelta(hours=3)
    put(
        store,
        Outgoing("checkin:1", ALICE, text_message("first words")),
        Outgoing("checkin:2", CHANNEL, text_message("second words")),
        at=three_hours_ago,
    )
    kill(store, SendResult.failed("channel_not_found"), at=now)  # 1 dies, 2 is sent
    put(store, Outgoing("checkin:3", ALICE, text_message("third words")), at=three_hours_ago)
    assert Dispatcher(store, ManualClock(now), {"slack": FakeSender()}).claim()  # under a lease
    put(
        store,
        Outgoing("checkin:4", BOB, text_message("fourth words")),
        at=now - timedelta(minutes=5),
    )

    result = invoke("outbox", "status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        "Messages by status and platform:",
        "  dead\tslack\t1",
        "  pending\tteams\t1",
        "  sending\tslack\t1",
        "  sent\tslack\t1",
    ]
    assert lines[5].startswith("Oldest unsent: 3h 00m (slack), 5m 0")
    assert lines[5].endswith("s (teams)")
    assert lines[6:] == [
        "Last 1 dead (key, destination, attempts, last error):",
        "  checkin:1\tslack:T1:U1\t1\tchannel_not_found",
        "Retry with: inclusion-bot outbox retry --key KEY (or --all-dead)",
    ]
    assert "words" not in result.output  # never what the messages say


def test_status_of_an_empty_outbox(invoke: Invoke) -> None:
    result = invoke("outbox", "status")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Messages by status and platform:",
        "  none yet",
        "Nothing waiting to be sent.",
        "No dead messages.",
    ]


def test_status_lists_the_last_ten_dead_most_recently_tried_first(
    store: Store, invoke: Invoke
) -> None:
    minute = timedelta(minutes=1)
    for n in range(12):  # each falls due a minute after the last, and dies when it does
        put(store, Outgoing(f"m:{n:02d}", ALICE, text_message("x")), at=T0 + n * minute)
    for n in range(12):
        kill(store, SendResult.failed(f"error {n}"), at=T0 + n * minute)
    result = invoke("outbox", "status")
    dead = [
        line.split("\t")[0].strip() for line in result.output.splitlines() if "\terror " in line
    ]
    assert dead == [f"m:{n:02d}" for n in range(11, 1, -1)]


def test_retry_one_key_puts_it_back_to_pending_with_attempts_reset_due_now(
    store: Store, invoke: Invoke
) -> None:
    put(
        store,
        Outgoing("checkin:1", ALICE, text_message("one")),
        Outgoing("checkin:2", ALICE, text_message("two")),
    )
    kill(store, SendResult.failed("channel_not_found"), SendResult.failed("channel_not_found"))
    before = datetime.now(UTC)
    result = invoke("outbox", "retry", "--key", "checkin:1")
    after = datetime.now(UTC)
    assert result.exit_code == 0, result.output
    assert result.output == "1 dead message(s) will be sent again at the next tick.\n"
    retried = row(store, "checkin:1")
    assert (retried.status, retried.attempts) == ("pending", 0)
    assert before - timedelta(seconds=1) <= retried.next_attempt_at <= after
    assert row(store, "checkin:2").status == "dead"  # only the one asked for
    # It is sent at the next drain, like any pending message.
    sender = FakeSender()
    assert Dispatcher(store, ManualClock(after), {"slack": sender}).drain().sent == 1
    assert [message.plain_text() for _, message in sender.delivered] == ["one"]
    assert (row(store, "checkin:1").status, row(store, "checkin:1").attempts) == ("sent", 1)


def test_retry_all_dead(store: Store, invoke: Invoke) -> None:
    put(store, *(Outgoing(f"m:{n}", ALICE, text_message("x")) for n in range(3)))
    kill(store, SendResult.failed("a"), SendResult.sent(), SendResult.failed("b"))
    result = invoke("outbox", "retry", "--all-dead")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 dead message(s)")
    assert [row(store, f"m:{n}").status for n in range(3)] == ["pending", "sent", "pending"]
    again = invoke("outbox", "retry", "--all-dead")
    assert again.output.startswith("0 dead message(s)")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "give either --key KEY or --all-dead"),
        (("--key", "m:1", "--all-dead"), "give either --key KEY or --all-dead"),
        (("--key", "nope"), "No outbox message has the key nope."),
        (("--key", "m:1"), "The message m:1 is sent, not dead: only dead messages are retried."),
    ],
)
def test_retry_refuses_what_it_cannot_do(
    store: Store, invoke: Invoke, args: tuple[str, ...], says: str
) -> None:
    put(store, Outgoing("m:1", ALICE, text_message("x")))
    kill(store)
    result = invoke("outbox", "retry", *args)
    assert result.exit_code != 0
    assert says in result.output
    assert row(store, "m:1").status == "sent"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0s"),
        (59.9, "59s"),
        (61, "1m 01s"),
        (3600 * 2 + 300, "2h 05m"),
        (86400 * 3 + 7200, "3d 2h"),
    ],
)
def test_ages_are_short_and_readable(seconds: float, shown: str) -> None:
    assert _age(seconds) == shown
