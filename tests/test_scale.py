"""Short versions of the fan-out benchmark's failure checks: real bot processes draining one
outbox on PostgreSQL to the fake Slack Web API, two at once, and one SIGKILLed mid-drain.

PostgreSQL only: several processes sharing one outbox rely on SELECT ... FOR UPDATE SKIP LOCKED,
which SQLite (the single-process embedded default) does not have.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.platforms import Settings
from benchmarks.tick import populate
from bot.store import Store
from bot.store.models import OutboxMessage
from scheduler.tick import tick
from tests.conftest import PG_URL
from tests.fake_slack import FakeSlack, SlackRateLimits
from tests.test_slack import Loop

pytestmark = pytest.mark.skipif(
    not PG_URL,
    reason="several drain processes on one outbox need PostgreSQL (SKIP LOCKED); "
    "set TEST_DATABASE_URL",
)

ROOT = Path(__file__).resolve().parent.parent
LEADERS = 200
#: Each process sends at most this many a second, so the drain lasts long enough to share.
PER_PROCESS = 100


@pytest.fixture(scope="module")
def loop() -> Iterator[Loop]:
    running = Loop()
    yield running
    running.close()


@pytest.fixture
def fake(loop: Loop) -> Iterator[FakeSlack]:
    limits = SlackRateLimits(workspace_per_second=2 * PER_PROCESS)
    fake = loop.run(FakeSlack(limits=limits).start())
    yield fake
    loop.run(fake.stop())


@pytest.fixture
def queued(store: Store, tmp_path: Path) -> Store:
    """LEADERS leaders' check-ins queued by the real tick."""
    now = datetime.now(UTC)
    populate(store, LEADERS, due=now - timedelta(minutes=1))
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert tick(store, now, settings)["checkins"] == LEADERS
    return store


def drain(fake: FakeSlack, tmp_path: Path, lease: float = 60) -> subprocess.Popen[bytes]:
    """A bot process draining the outbox until it is empty (benchmarks/fanout.py --worker)."""
    assert PG_URL is not None
    env = {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "DATA_DIR": str(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-scale",
        "SLACK_SIGNING_SECRET": "scale-secret",
        "SLACK_API_URL": fake.api_url,
        "SLACK_WORKSPACE_PER_SECOND": str(PER_PROCESS),
        "LOG_LEVEL": "ERROR",
    }
    command = [sys.executable, str(ROOT / "benchmarks" / "fanout.py"), "--worker"]
    return subprocess.Popen([*command, "--lease", str(lease)], env=env, cwd=ROOT)


def statuses(store: Store) -> dict[str, int]:
    with store.session() as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    return {status: count for status, count in rows}


def leaders() -> set[str]:
    return {f"U{i:06d}" for i in range(LEADERS)}


def test_two_processes_drain_one_outbox_and_send_nothing_twice(
    queued: Store, fake: FakeSlack, tmp_path: Path
) -> None:
    processes = [drain(fake, tmp_path) for _ in range(2)]
    for process in processes:
        assert process.wait(30) == 0
    assert set(fake.delivered) == leaders()
    assert set(fake.delivered.values()) == {1}
    assert statuses(queued) == {"sent": LEADERS}


def test_a_sigkilled_drain_is_finished_by_the_next_at_most_one_repeat(
    queued: Store, fake: FakeSlack, tmp_path: Path
) -> None:
    first = drain(fake, tmp_path, lease=1)
    assert fake.wait_delivered(LEADERS // 3, timeout=30)
    first.send_signal(signal.SIGKILL)
    assert first.wait(10) == -signal.SIGKILL
    assert 0 < fake.delivered.total() < LEADERS  # killed mid-drain
    assert drain(fake, tmp_path, lease=1).wait(30) == 0
    assert set(fake.delivered) == leaders()  # nothing lost
    repeats = fake.delivered.total() - LEADERS
    assert repeats <= 1, fake.delivered.most_common(3)  # only a send whose answer was lost
    assert statuses(queued) == {"sent": LEADERS}
