"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is
set), an injected clock, settings, the real Bot, and the console chat as the test harness."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

import content
from adapters.console.chat import ConsoleChat
from adapters.platforms import Settings, register_all
from app.runtime import Runtime
from bot.clock import ManualClock
from bot.packs.content import Packs, load_packs
from bot.pledge.content import PLEDGE_PACK, Pledge
from bot.router import Bot
from bot.store import Store
from bot.store.models import Base
from scheduler.tick import tick
from tests.event_loop import Loop

PG_URL = os.environ.get("TEST_DATABASE_URL")
START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # a Monday, before a 09:00 London check-in

# What every process does first (adapters/cli.py, adapters/runtime.py): the platforms' ids are
# then redacted from logs, and their metrics labelled.
register_all()


@pytest.fixture(scope="session")
def _postgres_ready() -> Iterator[str | None]:
    """Migrate the PostgreSQL test database once per run, from an empty schema."""
    if not PG_URL:
        yield None
        return
    store = Store(PG_URL)
    with store.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    store.upgrade()
    store.dispose()
    yield PG_URL


@pytest.fixture
def database_url(tmp_path: Path, _postgres_ready: str | None) -> str:
    if _postgres_ready:
        return _postgres_ready
    return f"sqlite:///{tmp_path / 'bot.db'}"


def fresh_store(url: str) -> Store:
    """A Store on ``url`` with the current schema and no rows."""
    store = Store(url)
    if store.dialect == "postgresql":
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with store.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        store.upgrade()
    return store


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = fresh_store(database_url)
    yield store
    store.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        admins="console:dina",
        announcements_channel="console:#announcements",
    )


@pytest.fixture(scope="session")
def packs() -> Packs:
    """The shipped commitment packs, the pledge's among them."""
    return load_packs(sorted(content.path("packs").glob("*.yaml")))


@pytest.fixture(scope="session")
def pledge(packs: Packs) -> Pledge:
    return Pledge.from_pack(packs.need(PLEDGE_PACK))


@pytest.fixture
def runtime(
    store: Store, clock: ManualClock, settings: Settings, pledge: Pledge, packs: Packs
) -> Runtime:
    return Runtime(settings, store, clock, Bot(store, clock, settings, pledge, packs))


class Harness:
    """The console chat on an in-memory terminal: type lines, read what the bot printed."""

    def __init__(self, runtime: Runtime, clock: ManualClock) -> None:
        self.runtime = runtime
        self.clock = clock
        self.out = io.StringIO()
        self.chat = ConsoleChat(runtime.bot.handle, self.run_due, clock, self.out, speaker="alice")
        self.senders = {"console": self.chat}

    def run_due(self) -> None:
        self.runtime.run_due(self.senders)

    def say(self, *lines: str) -> str:
        """Feed lines; return only what was printed in response to them."""
        start = self.out.tell()
        for line in lines:
            self.chat.feed(line)
        self.out.seek(start)
        printed = self.out.read()
        self.out.seek(0, io.SEEK_END)
        return printed

    def tick_at(self, instant: datetime) -> None:
        self.clock.set(instant)
        tick(self.runtime.store, instant, self.runtime.settings)


@pytest.fixture(scope="module")
def loop() -> Iterator[Loop]:
    """A background event loop for the servers the Slack and Teams tests start."""
    running = Loop()
    yield running
    running.close()


@pytest.fixture
def harness(runtime: Runtime, clock: ManualClock) -> Harness:
    return Harness(runtime, clock)


#: Answers to the sign-up form: one or two steps for each commitment, then the schedule.
SIGN_UP = [
    "1,2",
    "",  # commitment 1: two suggested steps
    "1",
    "",  # 2
    "",
    "Hosting a monthly D&I lunch",  # 3: an own step
    "4",
    "",  # 4
    "3",
    "",  # 5
    "5",
    "",  # 6
    "1",
    "",  # 7
    "1",
    "",  # 8
    "",  # weekday: Monday
    "",  # time: 09:00
    "Europe/London",
    "",  # where they work: GB-ENG, from the time zone
    "2",  # announce: no
]


def sign_up(harness: Harness, who: str = "alice", announce: bool = False) -> str:
    answers = list(SIGN_UP)
    if announce:
        answers[-1] = "1"
    return harness.say(f"/as {who}", "/pledge", *answers)
