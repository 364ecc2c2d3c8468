"""Dead letters: when the outbox gives up on a message, the admins of its platform and
workspace are told once, through the outbox, with the destination and the error only.

The Sender is a fake at the edge (tests.test_outbox.FakeSender); the dispatcher, the alerting,
the store and the clock are the real ones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.platforms import Settings
from app.runtime import Runtime
from bot.clock import ManualClock
from bot.conversation import Address, Message, text_message
from bot.deadletters import ALERT_REF, alert_admins, alert_key, note_admins
from bot.outbox import DeadLetter, Dispatcher, Outgoing, SendResult, queue
from bot.people import add_admin
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.test_outbox import FakeSender

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ALICE = Address(platform="slack", tenant="T1", id="U1")
ADMIN_BY_SETTING = Address(platform="slack", tenant="T1", id="UADMIN1")
ADMIN_IN_STORE = Address(platform="slack", tenant="T1", id="UADMIN2")
ADMIN_ELSEWHERE = Address(platform="slack", tenant="T2", id="UADMIN3")
TEAMS_ADMIN = Address(platform="teams", tenant="T1", id="29:admin")
WORDS = "What happened in the meeting on Tuesday"


@pytest.fixture
def slack_settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        admins=f"{ADMIN_BY_SETTING},{ADMIN_ELSEWHERE},{TEAMS_ADMIN},console:dina",
    )


def put(store: Store, *items: Outgoing) -> None:
    with store.session() as session:
        queue(session, items, T0)


def rows(store: Store, prefix: str = "") -> list[OutboxMessage]:
    with store.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.startswith(prefix))
                .order_by(OutboxMessage.id)
            )
        )


def dispatcher(
    store: Store, settings: Settings, sender: FakeSender, clock: ManualClock
) -> Dispatcher:
    return Dispatcher(
        store,
        clock,
        {"slack": sender, "teams": sender, "console": sender},
        max_attempts=2,
        on_dead=partial(alert_admins, settings),
    )


def test_admins_of_the_dead_rows_workspace_are_told_once_without_its_words(
    store: Store, slack_settings: Settings
) -> None:
    with store.session() as session:
        add_admin(session, ADMIN_IN_STORE, T0)
    put(store, Outgoing("checkin:7", ALICE, text_message(WORDS)))
    sender = FakeSender(SendResult.failed("channel_not_found"))
    clock = ManualClock(T0)
    report = dispatcher(store, slack_settings, sender, clock).drain()
    assert (report.dead, report.sent) == (1, 2)  # the dead one, then both alerts
    [dead] = rows(store, "checkin:")
    assert dead.status == "dead"
    alerts = rows(store, "dead:")
    assert sorted(a.destination for a in alerts) == sorted(
        [str(ADMIN_BY_SETTING), str(ADMIN_IN_STORE)]
    )
    assert {a.status for a in alerts} == {"sent"}
    delivered = [(to, message) for to, message in sender.delivered]
    assert sorted(str(to) for to, _ in delivered) == sorted(a.destination for a in alerts)
    for _, message in delivered:
        words = message.plain_text()
        assert message.ref == ALERT_REF
        assert "checkin:7" in words and str(ALICE) in words and "channel_not_found" in words
        assert "after 1 attempt." in words
        assert "inclusion-bot outbox retry --key checkin:7" in words
        assert WORDS not in words
    # Telling them again about the same dead row (another replica, a retried drain) adds none.
    again = DeadLetter(dead.id, "checkin:7", ALICE, 1, "channel_not_found", None)
    with store.session() as session:
        assert alert_admins(slack_settings, session, again, clock.now()) == 0
    assert {a.idempotency_key for a in alerts} == {
        alert_key(again, ADMIN_BY_SETTING),
        alert_key(again, ADMIN_IN_STORE),
    }


def test_a_message_that_dies_after_its_retries_is_alerted_with_its_last_error(
    store: Store, slack_settings: Settings
) -> None:
    put(store, Outgoing("announce:1", Address.parse("slack:T1:#C9"), text_message("hi")))
    sender = FakeSender(SendResult.later("HTTP 503 from Slack"), SendResult.later("timeout"))
    clock = ManualClock(T0)
    outbox = dispatcher(store, slack_settings, sender, clock)
    assert outbox.drain().retried == 1
    assert rows(store, "dead:") == []  # still being retried: nobody is bothered yet
    clock.set(T0 + timedelta(hours=2))
    assert outbox.drain().dead == 1
    [alert] = rows(store, "dead:")
    words = Message.model_validate(alert.payload["message"]).plain_text()
    assert "slack:T1:#C9 failed after 2 attempts" in words
    assert "Error: timeout" in words


def test_an_alert_that_dies_is_only_logged_never_alerted_about(
    store: Store, slack_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    put(store, Outgoing("checkin:7", ALICE, text_message(WORDS)))
    # The check-in fails, and so does every alert about it: no alert about an alert.
    sender = FakeSender(*[SendResult.failed("account_inactive")] * 5)
    with caplog.at_level("WARNING", logger="bot.deadletters"):
        report = dispatcher(store, slack_settings, sender, ManualClock(T0)).drain()
    assert report.dead == 2  # the check-in and the one alert to the admin by setting
    assert [r.status for r in rows(store)] == ["dead", "dead"]
    assert "not alerting about an alert" in caplog.text
    # Teams' own "cannot reach" notes are alerts too.
    teams_note = DeadLetter(99, "teams.unreachable:x:1", TEAMS_ADMIN, 1, "403", "teams.unreachable")
    with store.session() as session:
        assert alert_admins(slack_settings, session, teams_note, T0) == 0


def test_nobody_is_told_about_their_own_dead_message_and_nobody_elsewhere_at_all(
    store: Store, slack_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    put(
        store,
        Outgoing("checkin:1", ADMIN_BY_SETTING, text_message("to the admin")),
        Outgoing("checkin:2", Address(platform="slack", tenant="T9", id="U9"), text_message("x")),
    )
    sender = FakeSender(SendResult.failed("user_not_found"), SendResult.failed("not_in_team"))
    with caplog.at_level("WARNING", logger="bot.deadletters"):
        assert dispatcher(store, slack_settings, sender, ManualClock(T0)).drain().dead == 2
    assert rows(store, "dead:") == []
    assert caplog.text.count("no admin on slack can be told") == 2


def test_a_failing_alert_hook_does_not_undo_the_dead_letter(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(session: Session, dead: DeadLetter, now: datetime) -> None:
        queue(session, [Outgoing("half-done", ALICE, text_message("x"))], now)
        raise LookupError("a bug in alerting")

    put(store, Outgoing("checkin:7", ALICE, text_message(WORDS)))
    sender = FakeSender(SendResult.failed("channel_not_found"))
    outbox = Dispatcher(store, ManualClock(T0), {"slack": sender}, on_dead=broken)
    with caplog.at_level("ERROR", logger="bot.outbox"):
        assert outbox.drain().dead == 1
    assert [(r.idempotency_key, r.status) for r in rows(store)] == [("checkin:7", "dead")]
    assert "alerting admins about dead outbox message" in caplog.text


def test_the_runtime_alerts_admins_of_dead_letters(
    runtime: Runtime, store: Store, clock: ManualClock
) -> None:
    """The wiring: Runtime.run_due drains with the alerting hook (ADMINS=console:dina here)."""
    put(store, Outgoing("checkin:7", Address.parse("console:alice"), text_message(WORDS)))
    sender = FakeSender(SendResult.failed("the console is closed"))
    clock.set(T0)
    _, drained = runtime.run_due({"console": sender})
    assert (drained.dead, drained.sent) == (1, 1)
    [alert] = rows(store, "dead:")
    assert (alert.destination, alert.status) == ("console:dina", "sent")
    assert "console:alice" in sender.delivered[0][1].plain_text()


def test_no_second_alert_when_the_platforms_adapter_told_the_admins_itself(
    store: Store, slack_settings: Settings
) -> None:
    """Teams says "the app is not installed for them" to its admins in its own words."""
    put(store, Outgoing("checkin:7", ALICE, text_message(WORDS)))
    sender = FakeSender(SendResult.failed("not reachable: not installed", admins_told=True))
    assert dispatcher(store, slack_settings, sender, ManualClock(T0)).drain().dead == 1
    assert rows(store, "dead:") == []


def test_a_platforms_own_note_goes_to_the_same_admins_once_a_day(
    store: Store, slack_settings: Settings
) -> None:
    """An adapter that knows more than the error (Teams: not installed) words its own note;
    bot/deadletters.py queues it to the destination's admins, keyed per day, as it does alerts."""
    bob = Address(platform="teams", tenant="T1", id="29:bob")
    note = Message(blocks=text_message("Bob cannot be reached").blocks, ref="teams.unreachable")
    check_in = text_message(WORDS, ref="checkin")
    with store.session() as session:
        assert note_admins(session, slack_settings, bob, check_in, note, T0) == [TEAMS_ADMIN]
        again = note_admins(session, slack_settings, bob, check_in, note, T0 + timedelta(hours=3))
        assert again == [TEAMS_ADMIN]  # told, but the same day's note is queued once
        # A note about a failed note (or alert) is never queued.
        assert note_admins(session, slack_settings, bob, note, note, T0) == []
        # Nobody is told about themselves.
        assert note_admins(session, slack_settings, TEAMS_ADMIN, check_in, note, T0) == []
    [queued] = rows(store, "teams.unreachable:")
    assert queued.destination == str(TEAMS_ADMIN) and WORDS not in str(queued.payload)
    with store.session() as session:
        note_admins(session, slack_settings, bob, check_in, note, T0 + timedelta(days=1))
    assert len(rows(store, "teams.unreachable:")) == 2  # the next day, once more
