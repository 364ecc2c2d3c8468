"""The tick's advisory lock on PostgreSQL: of replicas ticking at once, one ticks, the others
return at once having done nothing. (SQLite serialises writers itself and takes no lock.)"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.pledge.models import Checkin
from bot.store import Store
from bot.store.models import OutboxMessage
from scheduler.tick import tick, tick_lock
from tests.conftest import Harness, sign_up

NINE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # alice's first check-in falls due

#: What a tick queues when nothing is due, step by step.
QUIET = {
    "checkins": 0,
    "reminders": 0,
    "owner-checkins": 0,
    "overdue": 0,
    "awareness": 0,
    "organiser-asks": 0,
    "reports": 0,
    "volunteers": 0,
}


def needs_postgres(store: Store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite serialises ticks by its write lock")


def count(store: Store, model: type[Checkin] | type[OutboxMessage]) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_tick_while_another_replica_ticks_does_nothing_and_the_next_one_catches_up(
    harness: Harness, store: Store, settings: Settings, database_url: str
) -> None:
    needs_postgres(store)
    assert "Thank you for signing" in sign_up(harness)
    other = Store(database_url)  # another replica, mid-tick
    try:
        with tick_lock(other) as held:
            assert held
            report = tick(store, NINE, settings)
            assert report.skipped and report.queued == QUIET
            assert count(store, Checkin) == count(store, OutboxMessage) == 0
        assert tick(store, NINE, settings).queued == QUIET | {"checkins": 1}
        assert count(store, Checkin) == 1
    finally:
        other.dispose()


def test_two_racing_ticks_one_gets_the_lock(store: Store, database_url: str) -> None:
    needs_postgres(store)
    tried: list[bool] = []
    loser_tried = threading.Event()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def replica() -> None:
        own = Store(database_url)
        try:
            barrier.wait(timeout=30)
            with tick_lock(own) as held:
                tried.append(held)
                if held:  # hold it until the other replica has tried
                    assert loser_tried.wait(timeout=30)
                else:
                    loser_tried.set()
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sorted(tried) == [False, True]
    with tick_lock(store) as held:  # released by the winner
        assert held


def test_the_lock_is_released_when_a_tick_fails(store: Store, settings: Settings) -> None:
    needs_postgres(store)
    with pytest.raises(RuntimeError), tick_lock(store) as held:
        assert held
        raise RuntimeError("a feature's step failed")
    assert tick(store, NINE, settings).skipped is False


def test_sqlite_ticks_take_no_advisory_lock(store: Store, settings: Settings) -> None:
    if store.dialect != "sqlite":
        pytest.skip("the SQLite path: no advisory lock")
    with tick_lock(store) as first, tick_lock(store) as second:
        assert (first, second) == (True, True)
    assert tick(store, NINE, settings).skipped is False
