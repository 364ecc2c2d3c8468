"""Benchmark: one tick with 10,000 leaders, when nothing is due and at the weekly peak.

    python benchmarks/tick.py                      # SQLite in a temporary directory
    python benchmarks/tick.py --database-url postgresql://postgres@127.0.0.1:5432/bench

Targets on the 2-core development machine: a quiet tick under 20 ms, whose cost grows with
what is due rather than with how many leaders exist, and the peak (every check-in due at
once) under 2 s. The peak tick queues every check-in in the outbox; sending them is the
dispatcher's job, paced by the platforms' rate limits, and is not part of the tick.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

import content
from adapters.platforms import Settings
from bot.pledge.content import load_pledge
from bot.pledge.models import Leader, Step
from bot.store import Store
from bot.store.models import OutboxMessage, Person
from scheduler.tick import tick

PEAK = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)  # Monday 09:00 in London (GMT)


def populate(store: Store, leaders: int, due: datetime = PEAK) -> None:
    """Leaders with two steps for each of the eight commitments, all due at ``due``."""
    pledge = load_pledge(content.path("packs/pledge.yaml"))
    signed = due - timedelta(days=30)
    with store.session() as session:
        session.execute(
            insert(Person),
            [
                {
                    "platform": "slack",
                    "tenant": "T1",
                    "user_id": f"U{i:06d}",
                    "display_name": f"Leader {i}",
                }
                for i in range(leaders)
            ],
        )
        people = session.scalars(select(Person.id).order_by(Person.id)).all()
        session.execute(
            insert(Leader),
            [
                {
                    "person_id": pid,
                    "status": "active",
                    "weekday": 0,
                    "local_time": "09:00",
                    "timezone": "Europe/London",
                    "signed_at": signed,
                    "next_checkin_at": due,
                }
                for pid in people
            ],
        )
        ids = session.scalars(select(Leader.id).order_by(Leader.id)).all()
        steps = [
            {
                "leader_id": lid,
                "commitment": c.number,
                "suggestion_id": s.id,
                "text": s.text,
                "active": True,
            }
            for lid in ids
            for c in pledge.commitments
            for s in c.steps[:2]
        ]
        for start in range(0, len(steps), 20_000):
            session.execute(insert(Step), steps[start : start + 20_000])


def measure(url: str, leaders: int, quiet_runs: int) -> None:
    store = Store(url)
    if store.dialect == "postgresql":
        with store.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    store.upgrade()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    started = time.perf_counter()
    populate(store, leaders)
    print(
        f"database: {store.dialect}; populated {leaders} leaders "
        f"({16 * leaders} steps) in {time.perf_counter() - started:.1f} s"
    )

    quiet = []
    for minute in range(quiet_runs):
        instant = PEAK - timedelta(hours=1) + timedelta(seconds=minute)
        started = time.perf_counter()
        report = tick(store, instant, settings)
        quiet.append(time.perf_counter() - started)
        assert report["checkins"] == 0 and report["reminders"] == 0
    print(
        f"quiet tick: median {1000 * statistics.median(quiet):.1f} ms, "
        f"max {1000 * max(quiet):.1f} ms over {quiet_runs} runs (target < 20 ms)"
    )

    started = time.perf_counter()
    report = tick(store, PEAK, settings)
    peak = time.perf_counter() - started
    with store.session() as session:
        queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert report["checkins"] == leaders == queued, (report, queued)
    print(f"peak tick: {peak:.2f} s to queue {report['checkins']} check-ins (target < 2 s)")

    started = time.perf_counter()
    again = tick(store, PEAK, settings)
    print(
        f"repeat of the peak tick: {1000 * (time.perf_counter() - started):.1f} ms, "
        f"queued {again['checkins']} (idempotent)"
    )
    if store.dialect == "postgresql":
        with store.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--leaders", type=int, default=10_000)
    parser.add_argument("--quiet-runs", type=int, default=50)
    args = parser.parse_args()
    if args.database_url:
        measure(args.database_url, args.leaders, args.quiet_runs)
        return
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{Path(folder) / 'bench.db'}", args.leaders, args.quiet_runs)


if __name__ == "__main__":
    main()
