"""The web server's operations side: /healthz, /readyz, /metrics, and a graceful stop.

The Server runs in-process on an ephemeral port (``run(0)``) on the test's own event loop; the
senders are fakes at the edge (a platform that answers when the test says so). The last test
runs the real ``inclusion-bot run`` in its own process and stops it with SIGTERM.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.runtime import Runtime
from app.web import Server
from bot.clock import ManualClock
from bot.conversation import Actor, Address, CommandEvent, Message, text_message
from bot.outbox import LEASE, Dispatcher, Outgoing, SendResult, queue
from bot.pledge.content import Pledge
from bot.router import Bot
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.conftest import START
from tests.processes import clean_environment, free_port
from tests.test_outbox import FakeSender

ALICE = Address(platform="slack", tenant="T1", id="U1")
Scenario = Callable[[Server, "Client"], Awaitable[None]]


class Client:
    """GETs against the running server."""

    def __init__(self, session: aiohttp.ClientSession, port: int) -> None:
        self.session = session
        self.base = f"http://127.0.0.1:{port}"

    async def get(self, path: str) -> tuple[int, str, str]:
        async with self.session.get(self.base + path) as response:
            return response.status, response.headers["Content-Type"], await response.text()

    async def json(self, path: str) -> tuple[int, Any]:
        status, _, body = await self.get(path)
        return status, json.loads(body)


def serve(server: Server, scenario: Scenario, stop: asyncio.Event | None = None) -> None:
    """Run ``server`` until ``scenario`` is done (then stop it, unless the scenario did)."""

    async def main() -> None:
        started = asyncio.Event()

        async def on_start() -> None:
            started.set()

        server.on_start.append(on_start)
        stopper = stop or asyncio.Event()
        running = asyncio.create_task(server.run(0, stopper, metrics_port=0))
        await asyncio.wait_for(started.wait(), 30)
        assert server.port and server.metrics_port
        try:
            async with aiohttp.ClientSession() as session:  # health and metrics: their listener
                await scenario(server, Client(session, server.metrics_port))
        finally:
            stopper.set()
            await asyncio.wait_for(running, 60)

    asyncio.run(main())


def put(store: Store, *items: Outgoing, at: datetime = START) -> None:
    with store.session() as session:
        queue(session, items, at)


def rows(store: Store) -> list[OutboxMessage]:
    with store.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# --- health ------------------------------------------------------------------------------------


def test_healthz_and_readyz_on_a_current_database(runtime: Runtime) -> None:
    async def scenario(_: Server, client: Client) -> None:
        assert await client.json("/healthz") == (200, {"status": "ok"})
        assert await client.json("/readyz") == (200, {"status": "ready"})

    serve(Server(runtime), scenario)


def elsewhere(runtime: Runtime, store: Store, pledge: Pledge) -> Runtime:
    """The same bot on another database."""
    bot = Bot(store, runtime.clock, runtime.settings, pledge)
    return Runtime(runtime.settings, store, runtime.clock, bot)


def test_readyz_is_503_with_the_reason_when_migrations_are_not_current(
    runtime: Runtime, pledge: Pledge, tmp_path: Path
) -> None:
    behind = Store(f"sqlite:///{tmp_path / 'never-migrated.db'}")

    async def scenario(_: Server, client: Client) -> None:
        assert (await client.json("/healthz"))[0] == 200  # alive all the same
        status, answer = await client.json("/readyz")
        assert status == 503
        assert answer["status"] == "unavailable"
        assert answer["reason"].startswith("the database is at migration none and the code needs")
        assert answer["reason"].endswith("run `inclusion-bot db upgrade`")

    try:
        serve(Server(elsewhere(runtime, behind, pledge)), scenario)
    finally:
        behind.dispose()


def test_readyz_is_503_naming_an_unreachable_database_without_its_password(
    runtime: Runtime, pledge: Pledge
) -> None:
    gone = Store("postgresql://bob:s3cret@127.0.0.1:1/nowhere")

    async def scenario(_: Server, client: Client) -> None:
        status, answer = await client.json("/readyz")
        assert status == 503
        assert (
            "Cannot reach the database at postgresql://bob:***@127.0.0.1:1/nowhere"
            in (answer["reason"])
        )
        status, _, body = await client.get("/metrics")  # still served: the process is fine
        assert status == 200
        assert "s3cret" not in body
        assert "inclusion_bot_database_up 0.0" in body
        assert "inclusion_bot_outbox_messages" not in body

    try:
        serve(Server(elsewhere(runtime, gone, pledge)), scenario)
    finally:
        gone.dispose()


# --- metrics -----------------------------------------------------------------------------------


def sample(families: dict[str, Any], name: str, **labels: str) -> float:
    for family in families.values():
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    raise KeyError(f"{name} {labels}")


def before(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_count_events_sends_429s_and_read_the_outbox_from_the_database(
    runtime: Runtime, store: Store, clock: ManualClock
) -> None:
    sends = "inclusion_bot_outbox_sends_total"
    results = ("sent", "retried", "deferred", "dead", "cancelled")
    counted = {r: before(sends, platform="slack", result=r) for r in results}
    events = before(
        "inclusion_bot_event_duration_seconds_count", platform="console", kind="command"
    )
    throttled = before("inclusion_bot_rate_limited_responses_total", platform="slack")

    runtime.bot.handle(CommandEvent(actor=Actor(platform="console", user_id="alice"), name="help"))
    queued_at = START - timedelta(minutes=10)
    put(store, *(Outgoing(f"m:{n}", ALICE, text_message(f"m{n}")) for n in range(4)), at=queued_at)
    put(store, Outgoing("gone", ALICE, render="test.gone"), at=queued_at)

    def no_longer_wanted(session: Session, args: dict[str, Any]) -> Message | None:
        return None

    sender = FakeSender(
        SendResult.sent(),
        SendResult.later("rate limited (429)", retry_after=30, rate_limited=True),
        SendResult.defer("Teams rate limit: deferred by the bot", retry_after=1),
        SendResult.failed("channel_not_found"),
    )
    dispatcher = Dispatcher(
        store, clock, {"slack": sender}, renderers={"test.gone": no_longer_wanted}
    )
    report = dispatcher.drain()
    assert (report.sent, report.retried, report.dead, report.cancelled) == (1, 2, 1, 1)

    async def scenario(_: Server, client: Client) -> None:
        status, content_type, body = await client.get("/metrics")
        assert status == 200
        assert content_type.startswith("text/plain; version=")
        families = {f.name: f for f in text_string_to_metric_families(body)}
        for result in results:
            assert sample(families, sends, platform="slack", result=result) == counted[result] + 1
        assert sample(families, "inclusion_bot_rate_limited_responses_total", platform="slack") == (
            throttled + 1
        )  # the 429, not the bot's own deferral
        assert (
            sample(
                families,
                "inclusion_bot_event_duration_seconds_count",
                platform="console",
                kind="command",
            )
            == events + 1
        )
        depth = "inclusion_bot_outbox_messages"
        assert sample(families, depth, status="pending", platform="slack") == 2
        assert sample(families, depth, status="sending", platform="slack") == 0
        assert sample(families, depth, status="dead", platform="slack") == 1
        assert sample(families, depth, status="pending", platform="teams") == 0
        age = "inclusion_bot_outbox_oldest_unsent_age_seconds"
        assert sample(families, age, platform="slack") == 600  # by the injected clock
        assert sample(families, age, platform="teams") == 0
        assert sample(families, "inclusion_bot_database_up") == 1
        assert "process_cpu_seconds_total" in body or "python_info" in body

    serve(Server(runtime), scenario)


# --- a graceful stop ---------------------------------------------------------------------------


class SlowPlatform:
    """A platform that answers each send only when the test releases it."""

    def __init__(self, order: list[str]) -> None:
        self.order = order
        self.sending = threading.Event()
        self.release = threading.Event()

    def send(self, destination: Address, message: Message) -> SendResult:
        self.sending.set()
        assert self.release.wait(60), "the test never released the send"
        self.order.append(f"sent {message.plain_text()}")
        return SendResult.sent()


def test_stopping_finishes_the_send_in_flight_and_leaves_claimed_rows_leased(
    runtime: Runtime, store: Store, clock: ManualClock
) -> None:
    put(store, *(Outgoing(f"m:{n}", ALICE, text_message(f"m{n}")) for n in range(3)))
    order: list[str] = []
    platform = SlowPlatform(order)
    server = Server(runtime)
    server.senders["slack"] = platform
    stop = asyncio.Event()

    async def stopped() -> None:
        order.append("platforms stopped")

    server.on_stop.append(stopped)

    async def scenario(server: Server, client: Client) -> None:
        ticking = asyncio.create_task(server.tick())
        assert await asyncio.to_thread(platform.sending.wait, 30)  # m0 is being sent
        stop.set()  # as SIGTERM does
        assert await asyncio.to_thread(server.stopping.wait, 30)
        # While the send finishes, the server still answers, and tells balancers to go away.
        assert await client.json("/readyz") == (
            503,
            {"status": "stopping", "reason": "shutting down"},
        )
        assert (await client.json("/healthz"))[0] == 200
        await server.tick()  # a tick after the stop began does nothing
        platform.release.set()
        await asyncio.wait_for(ticking, 30)

    serve(server, scenario, stop)
    assert order == ["sent m0", "platforms stopped"]
    first, *leased = rows(store)
    assert first.status == "sent"
    for row in leased:  # claimed, not sent: leased, and sent by any replica after the lease
        assert (row.status, row.attempts, row.next_attempt_at) == ("sending", 1, START + LEASE)
    other = FakeSender()
    assert Dispatcher(store, ManualClock(START + LEASE), {"slack": other}).drain().sent == 2
    assert [m.plain_text() for _, m in other.delivered] == ["m1", "m2"]


def test_a_send_stuck_past_the_shutdown_timeout_does_not_keep_the_server_up(
    runtime: Runtime, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    put(store, Outgoing("m:0", ALICE, text_message("m0")))
    platform = SlowPlatform([])
    server = Server(runtime)
    server.senders["slack"] = platform
    server.shutdown_timeout = 0.05
    stop = asyncio.Event()

    async def scenario(server: Server, _: Client) -> None:
        asyncio.create_task(server.tick())  # noqa: RUF006 - the server must not wait for it
        assert await asyncio.to_thread(platform.sending.wait, 30)
        stop.set()

    with caplog.at_level("WARNING", logger="app.web"):
        serve(server, scenario, stop)
    assert "did not finish within 0 s; stopping anyway" in caplog.text
    assert "inclusion-bot stopped cleanly" in caplog.text
    assert rows(store)[0].status == "sending"  # leased: another replica sends it after
    platform.release.set()  # (a process would have ended, and its daemon thread with it)
    for thread in threading.enumerate():
        if thread.name == "inclusion-bot-tick":
            thread.join(30)
            assert not thread.is_alive()


# --- the real process --------------------------------------------------------------------------


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_inclusion_bot_run_stops_cleanly_and_quickly_on_sigterm_logging_json(
    tmp_path: Path, database_url: str, store: Store
) -> None:
    port, metrics_port = free_port(), free_port()
    env = clean_environment(
        DATA_DIR=str(tmp_path),
        HOST="127.0.0.1",
        PORT=str(port),
        METRICS_PORT=str(metrics_port),
        LOG_LEVEL="WARNING",
        LOG_FORMAT="json",
        TEAMS_ALLOW_UNAUTHENTICATED="1",
    )
    if store.dialect == "postgresql":
        env.update(
            DATABASE_URL=database_url, REPORTS_KEY="x8bHmaSWsAW7SZyj0aBwhgbVm1BEiFPe0G4KMvZoSls="
        )
    bot = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "run"],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert bot.stderr is not None
        logged: list[str] = []
        while not logged or "is serving" not in logged[-1]:  # each readline blocks for a line
            logged.append(bot.stderr.readline())
            assert logged[-1], f"inclusion-bot run stopped: {''.join(logged)}"
        assert _get(metrics_port, "/healthz") == 200
        assert _get(metrics_port, "/readyz") == 200
        assert _get(metrics_port, "/metrics") == 200
        assert _get(port, "/metrics") == 404  # never on the public port
    finally:
        asked = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        _, rest = bot.communicate(timeout=30)
    took = time.monotonic() - asked
    assert bot.returncode == 0, rest
    assert took < 10, f"took {took:.1f} s to stop"
    records = [json.loads(line) for line in [*logged, *rest.splitlines()] if line.strip()]
    messages = [record["message"] for record in records]
    assert f"inclusion-bot is serving on port {port} (teams)" in messages
    assert f"health and metrics on 127.0.0.1 port {metrics_port} (not public)" in messages
    assert messages[-2:] == [
        "inclusion-bot is stopping: claiming nothing more, finishing sends",
        "inclusion-bot stopped cleanly",
    ]
    assert all(record["level"] in ("WARNING", "ERROR") for record in records)
    assert "Traceback" not in rest
    started = datetime.fromisoformat(records[0]["timestamp"])
    assert started.tzinfo is not None and started <= datetime.now(UTC)
