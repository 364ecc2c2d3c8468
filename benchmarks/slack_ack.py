"""Benchmark: how fast Slack gets its ack, under 50 concurrent signed requests on loopback.

    python benchmarks/slack_ack.py [--rounds 20] [--concurrency 50]

Slack gives an app 3 seconds to acknowledge a slash command or a button press. This measures
the bot's real aiohttp server with Slack attached (the real Bolt app, a temporary SQLite
database, 50 leaders with an open check-in each) beside a bare Bolt AsyncApp whose listeners
only ack, in the same run and on the same machine. Three processes: the fake Slack Web API of
tests/fake_slack.py (users.info, response_urls), the two servers, and this one, which sends
bursts of ``concurrency`` signed requests at once, ``rounds`` bursts per kind after one warm-up
burst, and times each request from sending to reading the response. The bot's work after the
acks (the database, the Web API calls) runs meanwhile, as it would in production; it is let
finish (every reply posted) before the next burst, as after a real burst of button presses.

Two kinds of request: ``/pledge help`` (a slash command) and a check-in status button, which
writes the answer and redraws the check-in through the response_url after the ack.

Target on the 2-core development machine: p99 under 100 ms, and within 1.5 times the bare app.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import math
import multiprocessing as mp
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.fake_slack, which is not part of the package

SECRET = "benchmark-signing-secret"
TOKEN = "xoxb-benchmark"
TEAM = "T1"
SIGNED = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # a Monday, before the 09:00 check-ins
CHECKINS = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
STATUSES = ("done", "progressing", "stuck", "not_started")


def user_ids(count: int) -> list[str]:
    return [f"U{i:04d}" for i in range(count)]


# --- the fake Slack Web API (its own process) ------------------------------------------------


def run_fake(connection: Connection, users: list[str]) -> None:
    from tests.fake_slack import FakeSlack

    async def main() -> None:
        people = {u: {"tz": "Europe/London", "display_name": u.lower()} for u in users}
        fake = await FakeSlack(users=people).start()
        connection.send(fake.port)
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, connection.recv)
            if command == "stop":
                break
            connection.send(len(fake.calls_to(command)))
        await fake.stop()

    asyncio.run(main())


# --- the servers under test (their own process) ----------------------------------------------


def prepare_leaders(runtime: Any, users: list[str]) -> list[tuple[str, int, list[int]]]:
    """Sign ``users`` up through the bot itself, then tick so each has an open check-in.
    Returns (user, check-in id, step ids) for building button presses."""
    from sqlalchemy import select

    from bot.conversation import Actor, FormEvent
    from bot.store.models import Checkin, Leader, Person, Step

    values: dict[str, Any] = {"weekday": "0", "time": "09:00", "timezone": "Europe/London"}
    for commitment in runtime.pledge.commitments:
        values[f"steps_{commitment.number}"] = [commitment.steps[0].id]
    for user in users:
        actor = Actor(platform="slack", tenant=TEAM, user_id=user, display_name=user.lower())
        replies = runtime.bot.handle(FormEvent(actor=actor, form_id="pledge.sign", values=values))
        assert replies and replies[0].type == "say", replies
    runtime.clock.set(CHECKINS)
    report, _ = runtime.run_due({})  # queue the check-ins; nothing is sent from here
    assert report.checkins == len(users), report
    with runtime.store.session() as session:
        rows = session.execute(
            select(Person.user_id, Checkin.id, Leader.id)
            .join(Leader, Leader.person_id == Person.id)
            .join(Checkin, Checkin.leader_id == Leader.id)
        ).all()
        return [
            (
                user,
                checkin,
                list(session.scalars(select(Step.id).where(Step.leader_id == leader))),
            )
            for user, checkin, leader in rows
        ]


def bare_app(api_url: str) -> Any:
    """A Bolt AsyncApp on the same kind of client, whose listeners only ack."""
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SECRET)

    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    app.command("/pledge")(just_ack)
    app.action(re.compile(".+"))(just_ack)
    return app


def run_servers(connection: Connection, api_url: str, users: list[str]) -> None:
    from aiohttp import web
    from pydantic import SecretStr
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

    from adapters.runtime import build
    from adapters.slack.wiring import EVENTS_PATH, attach_slack
    from adapters.web import Server, freeze_startup_objects
    from bot.clock import ManualClock
    from bot.config import Settings

    data_dir = tempfile.TemporaryDirectory(prefix="slack-ack-")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=Path(data_dir.name),
        database_url=None,
        slack_bot_token=SecretStr(TOKEN),
        slack_signing_secret=SecretStr(SECRET),
        slack_app_token=None,
        slack_api_url=api_url,
        log_level="ERROR",
    )
    runtime = build(ManualClock(SIGNED), settings)
    leaders = prepare_leaders(runtime, users)

    async def main() -> None:
        server = Server(runtime)
        attach_slack(server, runtime.bot, runtime.settings)
        bare = bare_app(api_url)

        async def bare_events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await bare.async_dispatch(await to_bolt_request(request))
            )

        bare_web = web.Application()
        bare_web.router.add_post(EVENTS_PATH, bare_events)
        ports = []
        runners = []
        for application in (server.web, bare_web):
            runner = web.AppRunner(application, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
            await site.start()
            assert site._server is not None
            ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
            runners.append(runner)
        freeze_startup_objects()  # as Server.run does once it is up
        connection.send((ports, leaders))
        await asyncio.get_running_loop().run_in_executor(None, connection.recv)
        for runner in runners:
            await runner.cleanup()

    asyncio.run(main())
    runtime.store.dispose()
    data_dir.cleanup()


# --- the load (this process) -----------------------------------------------------------------


def sign(body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


Body = Callable[[int], bytes]


def slash_body(api: str, users: list[str]) -> Body:
    def body(n: int) -> bytes:
        user = users[n % len(users)]
        return urlencode(
            {
                "team_id": TEAM,
                "channel_id": "D" + user[1:],
                "user_id": user,
                "command": "/pledge",
                "text": "help",
                "response_url": f"{api}/response/slash{n}",
                "trigger_id": f"trigger-{n}",
            }
        ).encode()

    return body


def button_body(api: str, leaders: list[tuple[str, int, list[int]]]) -> Body:
    def body(n: int) -> bytes:
        user, checkin, steps = leaders[n % len(leaders)]
        turn = n // len(leaders)
        step = steps[turn % len(steps)]
        value = f"{checkin}:{step}:{STATUSES[turn % len(STATUSES)]}"
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A1",
            "trigger_id": f"trigger-b{n}",
            "container": {"type": "message", "message_ts": "1.1", "channel_id": "D" + user[1:]},
            "channel": {"id": "D" + user[1:]},
            "response_url": f"{api}/response/button{n}",
            "actions": [{"type": "button", "action_id": "pledge.status#0", "value": value}],
        }
        return urlencode({"payload": json.dumps(payload)}).encode()

    return body


async def measure(
    port: int, body: Body, first: int, rounds: int, concurrency: int, settle: Callable[[int], None]
) -> list[float]:
    """Seconds from sending to the response, for ``rounds`` bursts of ``concurrency`` requests;
    ``settle(n)`` waits, between bursts, until the server has finished the work of ``n``."""
    url = f"http://127.0.0.1:{port}/slack/events"
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(n: int) -> float:
            data = body(n)
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(data)}
            started = time.perf_counter()
            async with session.post(url, data=data, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status} from port {port}")
            return time.perf_counter() - started

        samples: list[float] = []
        for turn in range(rounds):
            start = first + turn * concurrency
            samples += await asyncio.gather(*(one(start + i) for i in range(concurrency)))
            await asyncio.to_thread(settle, concurrency)
        return samples


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def wait_for_responses(fake: Connection, expected: int, timeout: float = 120) -> None:
    """Until the bot has posted every reply it owes (its work after the acks is done)."""
    deadline = time.monotonic() + timeout
    while True:
        fake.send("response")
        got = fake.recv()
        if got >= expected:
            time.sleep(0.05)  # and the sessions it opened for them are closed
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the bot posted {got} of {expected} replies")
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    users = user_ids(args.concurrency)
    context = mp.get_context("spawn")
    fake_end, fake_child = context.Pipe()
    servers_end, servers_child = context.Pipe()
    fake_process = context.Process(target=run_fake, args=(fake_child, users))
    fake_process.start()
    api = f"http://127.0.0.1:{fake_end.recv()}"
    servers = context.Process(target=run_servers, args=(servers_child, f"{api}/api/", users))
    servers.start()
    (bot_port, bare_port), leaders = servers_end.recv()
    kinds = {
        "slash command /pledge help": slash_body(api, users),
        "button press (check-in status)": button_body(api, leaders),
    }
    results: dict[tuple[str, str], list[float]] = {}
    owed = 0  # replies the bot posts to response_urls: one per request it handled
    sent = 0

    def settle_bot(handled: int) -> None:
        nonlocal owed
        owed += handled
        wait_for_responses(fake_end, owed)

    try:
        for name, body in kinds.items():
            for app, port in (("bare Bolt app", bare_port), ("inclusion-bot", bot_port)):
                settle = settle_bot if port == bot_port else (lambda handled: None)
                for rounds in (1, args.rounds):  # a warm-up burst (connections, caches) first
                    samples = asyncio.run(
                        measure(port, body, sent, rounds, args.concurrency, settle)
                    )
                    sent += len(samples)
                results[(name, app)] = samples
    finally:
        servers_end.send("stop")
        fake_end.send("stop")
        servers.join(30)
        fake_process.join(30)

    count = args.rounds * args.concurrency
    print(
        f"Ack latency: {args.concurrency} concurrent signed requests x {args.rounds} rounds "
        f"({count} per row) on loopback"
    )
    print(f"{'':34}{'p50':>10}{'p99':>10}")
    met = True
    for name in kinds:
        print(name)
        bare_p99 = percentile(results[(name, "bare Bolt app")], 0.99)
        for app in ("bare Bolt app", "inclusion-bot"):
            samples = results[(name, app)]
            p50, p99 = statistics.median(samples), percentile(samples, 0.99)
            note = ""
            if app == "inclusion-bot":
                ratio = p99 / bare_p99
                ok = p99 < 0.100 and ratio <= 1.5
                met = met and ok
                note = f"   p99 {ratio:.2f}x the bare app{'' if ok else '  (target missed)'}"
            print(f"  {app:32}{p50 * 1000:>7.1f} ms{p99 * 1000:>7.1f} ms{note}")
    print(f"Target (p99 < 100 ms and within 1.5x the bare app): {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
