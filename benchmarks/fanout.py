"""Benchmark: 10,000 leaders' weekly check-ins through the Slack path at Slack's rate limits.

    python benchmarks/fanout.py                    # SQLite in a temporary directory
    python benchmarks/fanout.py --crash 3          # the bot SIGKILLed three times, restarted
    python benchmarks/fanout.py --replicas 2 --database-url postgresql://postgres@127.0.0.1:5432/bench

The real tick queues the check-ins; the real Dispatcher and SlackSender (with its rate limiter)
send them, on real time (SystemClock), to a fake Slack Web API on 127.0.0.1 that enforces one
message a second per channel (burst 3) and a workspace-wide limit (--workspace-rate, default
50 a second, with a one-second burst), answering 429 with Retry-After when either is exceeded.

Reported: the time to deliver everything, the achieved rate as a fraction of what the fake
allowed in that time (target at least 0.9), the 429s received, and, from the fake's count of
messages per channel, that every leader got exactly one check-in (with --crash: repeats are
counted; at most one per kill, a send whose response was lost when the process died).

With --crash or --replicas the drain runs in subprocesses (this script with --worker), built
with app.runtime.build from DATABASE_URL and SLACK_API_URL like the bot itself.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for benchmarks.tick and tests.fake_slack

from adapters.platforms import Settings  # noqa: E402
from adapters.slack.sender import SlackSender  # noqa: E402
from adapters.slack.wiring import slack_sender  # noqa: E402
from app.runtime import Runtime, build  # noqa: E402
from benchmarks.tick import populate  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.deadletters import alert_admins  # noqa: E402
from bot.outbox import Dispatcher  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.models import OutboxMessage  # noqa: E402
from scheduler.tick import tick  # noqa: E402

if TYPE_CHECKING:
    from tests.fake_slack import FakeSlack

TOKEN = "xoxb-fanout"


# --- the bot's side: drain until nothing is left ---------------------------------------------


def outstanding(store: Store) -> int:
    """Rows not yet settled (pending, or claimed under a lease)."""
    with store.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("pending", "sending")))
            )
            or 0
        )


def drain_until_done(
    runtime: Runtime, sender: SlackSender, *, batch: int, lease: float, threads: int
) -> None:
    """Drain with ``threads`` dispatchers until every row is settled (polling every 5 ms when
    nothing is due: rows deferred by the rate limiter come due again within tens of ms)."""

    def one() -> None:
        dispatcher = Dispatcher(
            runtime.store,
            runtime.clock,
            {"slack": sender},
            max_attempts=runtime.settings.outbox_max_attempts,
            renderers=runtime.bot.renderers(),
            on_dead=partial(alert_admins, runtime.settings),
            lease=timedelta(seconds=lease),
        )
        while True:
            if dispatcher.drain(batch=batch).sent:
                continue
            if not outstanding(runtime.store):
                return
            time.sleep(0.005)

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def worker(args: argparse.Namespace) -> None:
    """One bot process (--worker): settings from the environment, as the bot reads them."""
    runtime = build(SystemClock(), secrets=False)
    sender = slack_sender(runtime.settings, runtime.clock)
    drain_until_done(runtime, sender, batch=args.batch, lease=args.lease, threads=args.threads)


# --- the benchmark's side ---------------------------------------------------------------------


def prepare(url: str, leaders: int, settings: Settings) -> float:
    """A fresh schema, ``leaders`` due a minute ago, and the real tick queueing their
    check-ins; returns the tick's duration."""
    store = Store(url)
    if store.dialect == "postgresql":
        with store.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    store.upgrade()
    now = datetime.now(UTC)
    populate(store, leaders, due=now - timedelta(minutes=1))
    started = time.perf_counter()
    report = tick(store, now, settings)
    took = time.perf_counter() - started
    assert report["checkins"] == leaders, report
    store.dispose()
    return took


def environment(url: str, api_url: str, folder: str, workspace_rate: float) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": folder,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "fanout-secret",
        "SLACK_API_URL": api_url,
        "SLACK_WORKSPACE_PER_SECOND": str(workspace_rate),
        "LOG_LEVEL": "ERROR",
    }


def spawn(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    command += ["--batch", str(args.batch), "--lease", str(args.lease)]
    command += ["--threads", str(args.threads)]
    return subprocess.Popen(command, env=env, cwd=ROOT)


def wait_all(processes: list[subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for process in processes:
        code = process.wait(max(1.0, deadline - time.monotonic()))
        assert code == 0, f"a drain process exited with {code}"


def run(args: argparse.Namespace, folder: str) -> None:
    # Here, not at the top: a --worker process (the bot) needs none of the test tooling.
    from tests.fake_slack import FakeSlack, SlackRateLimits
    from tests.test_slack import Loop

    url = args.database_url or f"sqlite:///{Path(folder) / 'fanout.db'}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=Path(folder),
        database_url=url,
        slack_bot_token=TOKEN,
        slack_signing_secret="fanout-secret",
        log_level="ERROR",
    )
    took = prepare(url, args.leaders, settings)
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(f"database: {dialect}; the tick queued {args.leaders} check-ins in {took:.2f} s")
    loop = Loop()
    limits = SlackRateLimits(workspace_per_second=args.workspace_rate)
    fake = loop.run(FakeSlack(limits=limits).start())
    burst = limits.workspace_burst or args.workspace_rate
    print(
        f"fake Slack: 1 message/s per channel (burst 3), {args.workspace_rate:g} messages/s "
        f"per workspace (burst {burst:g}); at that rate {args.leaders} messages take at least "
        f"{(args.leaders - burst) / args.workspace_rate:.0f} s"
    )
    kills = 0
    started = time.monotonic()
    try:
        if args.crash or args.replicas > 1:
            share = args.workspace_rate / args.replicas
            env = environment(url, fake.api_url, folder, share)
            if args.crash:
                rng = random.Random(args.seed)
                points = sorted(rng.sample(range(args.leaders // 10, args.leaders), args.crash))
                for point in points:
                    process = spawn(args, env)
                    assert fake.wait_delivered(point, 600), "the drain stalled"
                    time.sleep(rng.uniform(0, 0.2))  # a random instant, not just after a send
                    process.send_signal(signal.SIGKILL)
                    process.wait(10)
                    kills += 1
                    print(f"  SIGKILL after {fake.delivered.total()} messages; restarting")
            processes = [spawn(args, env) for _ in range(args.replicas)]
            wait_all(processes, 1800)
        else:
            runtime = build(
                SystemClock(),
                settings.model_copy(
                    update={
                        "slack_api_url": fake.api_url,
                        "slack_workspace_per_second": args.workspace_rate,
                    }
                ),
                secrets=False,
            )
            sender = slack_sender(runtime.settings, runtime.clock)
            drain_until_done(
                runtime, sender, batch=args.batch, lease=args.lease, threads=args.threads
            )
            runtime.store.dispose()
        elapsed = fake.last_delivered_at - started
        report(args, fake, elapsed, burst, kills, url)
    finally:
        loop.run(fake.stop())
        loop.close()


def report(
    args: argparse.Namespace, fake: FakeSlack, elapsed: float, burst: float, kills: int, url: str
) -> None:
    expected = {f"U{i:06d}" for i in range(args.leaders)}
    delivered = fake.delivered
    missing = expected - set(delivered)
    strangers = set(delivered) - expected
    repeats = sum(count - 1 for count in delivered.values() if count > 1)
    unique = len(expected & set(delivered))
    allowed = burst + args.workspace_rate * elapsed
    store = Store(url)
    with store.session() as session:
        statuses = dict(
            session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
    store.dispose()
    mode = f"{args.replicas} replica(s), {args.threads} dispatcher thread(s) each"
    if kills:
        mode += f", {kills} SIGKILLs"
    print(f"drain: {mode}, batch {args.batch}, lease {args.lease:g} s")
    rate = delivered.total() / elapsed
    print(f"delivered {delivered.total()} messages in {elapsed:.1f} s: {rate:.1f}/s")
    print(
        f"achieved rate: {delivered.total() / allowed:.3f} of the allowed rate "
        f"({args.workspace_rate:g}/s plus the {burst:g}-message burst; target >= 0.9)"
    )
    print(f"429s received: {fake.rate_limited}")
    print(f"outbox rows: {statuses}")
    print(
        f"leaders: {unique} of {args.leaders} got their check-in, {len(missing)} lost, "
        f"{repeats} repeated, {len(strangers)} unexpected"
    )
    ok = not missing and not strangers and repeats <= kills
    if kills:
        print(f"repeats allowed: at most one per kill ({kills}); {'OK' if ok else 'FAILED'}")
    else:
        print(f"exactly once each: {'OK' if ok and not repeats else 'FAILED'}")
    if not ok or (not kills and repeats):
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--leaders", type=int, default=10_000)
    parser.add_argument(
        "--workspace-rate", type=float, default=50, help="the fake's limit, messages/s"
    )
    parser.add_argument("--crash", type=int, default=0, help="SIGKILL the bot this many times")
    parser.add_argument("--replicas", type=int, default=1, help="drain processes at once")
    parser.add_argument("--threads", type=int, default=1, help="dispatcher threads per process")
    parser.add_argument("--batch", type=int, default=10, help="rows claimed at a time")
    parser.add_argument("--lease", type=float, default=5, help="seconds a claim is held")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if (args.replicas > 1 or args.threads > 1) and not (args.database_url or "").startswith(
        "postgresql"
    ):
        parser.error("several drains at once need PostgreSQL (SKIP LOCKED): --database-url")
    with tempfile.TemporaryDirectory() as folder:
        run(args, folder)


if __name__ == "__main__":
    main()
