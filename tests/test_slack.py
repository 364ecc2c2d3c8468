"""Slack end to end: signed HTTP requests into the real Bolt app on the bot's real aiohttp server,
and the real slack_sdk clients calling a fake Slack Web API on 127.0.0.1 (tests/fake_slack.py).

Nothing of the project is mocked: the store (SQLite, or PostgreSQL with TEST_DATABASE_URL), the
Bot, the outbox and the ManualClock are the real ones. Both servers run on one event loop in a
background thread; tests talk to them over HTTP. Listeners ack first and call the Web API
after, so a test waits for the call it expects (``fake.wait_for``), or for the bot to finish
everything it started (``slack.idle()``) before asserting that something did *not* happen.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import http.client
import itertools
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
import yaml
from aiohttp import web
from click.testing import CliRunner
from sqlalchemy import func, select

import content
from adapters.platforms import Settings
from adapters.slack.app import Origin, SlackAdapter
from adapters.slack.manifest import manifest
from adapters.slack.wiring import EVENTS_PATH, attach_slack
from app.cli import main
from app.runtime import Runtime
from app.web import Server
from bot.clock import ManualClock
from bot.conversation import Address, Form, FormField, text_message
from bot.dashboard.models import DashboardLink
from bot.outbox import FIRST_RETRY, DrainReport, Outgoing, queue
from bot.pledge.leaders import workplace
from bot.pledge.models import Checkin, Leader, Step, StepUpdate
from bot.pledge.workdays import Workplace
from bot.reports.intake import heading
from bot.reports.resources import load_categories
from bot.store import Store
from bot.store.models import OutboxMessage, Person
from scheduler.tick import TickReport
from tests.event_loop import Loop
from tests.fake_slack import TEAM_ID, Call, FakeSlack
from tests.platform_rules import slack_message_problems, slack_view_problems
from tests.processes import clean_environment, free_port

T = TypeVar("T")
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"
USERS = {
    "U1": {"tz": "America/New_York", "real_name": "Alice Example", "display_name": "alice"},
    "U2": {"tz": "Europe/Paris", "real_name": "Bob Example", "display_name": "bob"},
    "UDINA": {"tz": "Europe/London", "real_name": "Dina Lead", "display_name": "dina"},
}


async def _idle(timeout: float) -> None:
    """Wait until every task on this loop but this one has finished (new ones included)."""
    me = asyncio.current_task()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        busy = [task for task in asyncio.all_tasks() if task is not me and not task.done()]
        if not busy:
            return
        left = deadline - loop.time()
        if left <= 0:
            raise AssertionError(f"the bot is still busy: {busy}")
        await asyncio.wait(busy, timeout=left)


def sign(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """Slack's request signature: v0= HMAC-SHA256 of "v0:{timestamp}:{body}"."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Reply:
    status: int
    body: bytes
    response_id: str = ""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else {}


def post_events(port: int, body: bytes, headers: dict[str, str]) -> Reply:
    """One POST to the bot's /slack/events on its own connection, as Slack makes them."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", EVENTS_PATH, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.read())
    finally:
        connection.close()


@dataclass
class Slack:
    """The bot's server as Slack sees it: send signed requests, read what came back out."""

    loop: Loop
    fake: FakeSlack
    server: Server
    runtime: Runtime
    port: int
    adapter: SlackAdapter

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)

    @property
    def clock(self) -> ManualClock:
        assert isinstance(self.runtime.clock, ManualClock)
        return self.runtime.clock

    def post(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> Reply:
        """POST to /slack/events; signed now unless ``headers`` say otherwise."""
        signed = sign(body) if headers is None else headers
        return post_events(self.port, body, {"Content-Type": content_type, **signed})

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def command(
        self,
        text: str = "",
        *,
        user: str = "U1",
        channel: str = "D1",
        command: str = "/pledge",
        trigger_age: float = 0.0,
    ) -> Reply:
        """A slash command, form-encoded as Slack sends it, with its own response_url (and a
        trigger_id Slack issued ``trigger_age`` seconds ago)."""
        response_id = self.next_id("cmd")
        body = urlencode(
            {
                "token": "legacy",
                "team_id": TEAM_ID,
                "team_domain": "fake",
                "channel_id": channel,
                "channel_name": "directmessage" if channel.startswith("D") else "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A1",
                "is_enterprise_install": "false",
                "response_url": self.fake.response_url(response_id),
                "trigger_id": self.fake.trigger_id(f"trigger-{response_id}", trigger_age),
            }
        ).encode()
        reply = self.post(body, "application/x-www-form-urlencoded")
        reply.response_id = response_id
        return reply

    def interact(self, payload: dict[str, Any]) -> Reply:
        """An interaction; a modal submission's ack is checked as Slack checks it (the
        fixture then fails the test if Slack would not have taken it)."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        reply = self.post(body, "application/x-www-form-urlencoded")
        if payload.get("type") == "view_submission" and reply.status == 200:
            self.fake.check_ack(reply.json(), payload["view"])
        return reply

    def press(
        self,
        button: dict[str, Any],
        *,
        user: str = "U1",
        channel: str | None = "D1",
        message_ts: str = "1700000000.000001",
        in_home: bool = False,
        in_modal: str | None = None,
    ) -> Reply:
        """Press a button the bot sent (a Block Kit button element), as block_actions."""
        response_id = self.next_id("act")
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A1",
            "token": "legacy",
            "trigger_id": self.fake.trigger_id(f"trigger-{response_id}"),
            "team": {"id": TEAM_ID, "domain": "fake"},
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b1",
                    "text": button.get("text", {"type": "plain_text", "text": "?"}),
                    "value": button.get("value", ""),
                    "action_ts": "1700000000.1",
                }
            ],
        }
        if in_home:
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
        elif in_modal:  # a button in a modal: no channel, no response_url
            self.fake.known_view(in_modal)
            payload["container"] = {"type": "view", "view_id": in_modal}
            payload["view"] = {"id": in_modal, "type": "modal", "hash": "h0", "blocks": []}
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": channel, "name": "directmessage"}
            payload["message"] = {"type": "message", "ts": message_ts, "text": "..."}
            payload["response_url"] = self.fake.response_url(response_id)
        reply = self.interact(payload)
        reply.response_id = response_id
        return reply

    def submit(
        self,
        view: dict[str, Any],
        answers: dict[str, Any],
        user: str = "U1",
        view_id: str | None = None,
    ) -> Reply:
        """Submit a modal the bot opened, with ``answers`` by block id, as Slack would send
        its state: the chosen options are the view's own option objects. Each modal has its
        own id (``view_id``, or a new one), which Slack then shows until it closes."""
        view_id = view_id or self.next_id("VMODAL")
        self.fake.known_view(view_id)
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "fake"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A1",
            "token": "legacy",
            "trigger_id": self.fake.trigger_id(self.next_id("trigger-view-")),
            "view": {
                **view,
                "id": view_id,
                "team_id": TEAM_ID,
                "state": {"values": state_values(view, answers)},
            },
        }
        return self.interact(payload)

    def event(self, event: dict[str, Any]) -> Reply:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM_ID,
                "api_app_id": "A1",
                "event": event,
                "type": "event_callback",
                "event_id": self.next_id("Ev"),
                "event_time": int(time.time()),
                "authorizations": [
                    {
                        "team_id": TEAM_ID,
                        "user_id": "UBOT",
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
            }
        ).encode()
        return self.post(body, "application/json")

    def idle(self, timeout: float = 10) -> None:
        """Wait until the bot has finished all it started (acks come before the work)."""
        self.loop.run(_idle(timeout), timeout + 1)

    def run_due(self) -> tuple[TickReport, DrainReport]:
        """The scheduler's job at the clock's now: tick, then drain the outbox to Slack."""
        return self.runtime.run_due(self.server.senders)


def state_values(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """A view_submission's state.values for ``answers`` (block id -> value), shaped by the
    element types in the view as Slack shapes them."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind, answer = element["type"], answers.get(block["block_id"])
        grouped = [o for g in element.get("option_groups", []) for o in g["options"]]
        options = {o["value"]: o for o in element.get("options", []) + grouped}
        state: dict[str, Any] = {"type": kind}
        if kind in ("checkboxes", "multi_static_select"):
            state["selected_options"] = [options[v] for v in answer or []]
        elif kind in ("radio_buttons", "static_select"):
            state["selected_option"] = options[answer] if answer else None
        elif kind == "datepicker":
            state["selected_date"] = answer
        elif kind == "timepicker":
            state["selected_time"] = answer
        else:
            state["value"] = answer
        values[block["block_id"]] = {element["action_id"]: state}
    return values


@pytest.fixture
def fake(loop: Loop) -> Iterator[FakeSlack]:
    fake = loop.run(FakeSlack(users=dict(USERS)).start())
    yield fake
    loop.run(fake.stop())


@pytest.fixture
def settings(tmp_path: Path, fake: FakeSlack) -> Settings:
    """conftest's runtime uses these: Slack credentials, the fake's URL, a Slack admin."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        admins="slack:T1:UDINA",
        announcements_channel="slack:T1:#CANNOUNCE",
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_app_token=None,
        slack_api_url=fake.api_url,
    )


@pytest.fixture
def slack(loop: Loop, fake: FakeSlack, runtime: Runtime) -> Iterator[Slack]:
    server = Server(runtime)
    adapter = attach_slack(server, runtime.bot, runtime.settings)

    async def start() -> tuple[web.AppRunner, int]:
        runner = web.AppRunner(server.web, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        assert site._server is not None
        return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    runner, port = loop.run(start())
    yield Slack(loop, fake, server, runtime, port, adapter)
    loop.run(_idle(10), 11)  # the store is disposed after this: let the work finish first
    loop.run(adapter.finish(), 15)  # as the server's stop does
    loop.run(runner.cleanup())
    # Whatever a test did, Slack would have accepted everything the bot sent.
    assert fake.refused() == [], [c.answer["refused"] for c in fake.refused()]


# --- reading what reached the fake -----------------------------------------------------------


def elements(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every button in ``blocks``, in order."""
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def button(blocks: list[dict[str, Any]], action: str, value_end: str = "") -> dict[str, Any]:
    """The first button whose action id is ``action`` (before Block Kit's "#n" suffix)."""
    for element in elements(blocks):
        if element["action_id"].split("#")[0] == action and element["value"].endswith(value_end):
            return element
    raise AssertionError(f"no {action} button in {[e['action_id'] for e in elements(blocks)]}")


def words(call: Call) -> str:
    """All the text a call shows (fallback text and every text object in its blocks)."""
    found: list[str] = [str(call.params.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                found.append(str(node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(call.blocks())
    return "\n".join(found)


def marked_up(call: Call) -> list[str]:
    """The strings Slack parses for mentions and links: fallback text and every mrkdwn text."""
    found = [str(call.params["text"])] if isinstance(call.params.get("text"), str) else []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(str(node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(call.blocks())
    return found


def check_block_kit(call: Call) -> None:
    """Slack would accept what ``call`` sent (tests/platform_rules.py)."""
    view = call.params.get("view")
    if view is not None:
        assert slack_view_problems(view) == []
    else:
        assert slack_message_problems(call.blocks()) == []


def responses(slack: Slack, response_id: str, count: int = 1) -> list[Call]:
    """What the bot posted to one response_url."""
    return slack.fake.wait_for(
        "response", count, match=lambda c: c.params["response_id"] == response_id
    )


def opened(slack: Slack, response_id: str) -> dict[str, Any]:
    """The modal opened with the trigger_id of request ``response_id``."""
    [call] = slack.fake.wait_for(
        "views.open", match=lambda c: c.params["trigger_id"].endswith(f".trigger-{response_id}")
    )
    return dict(call.params["view"])


# --- the journey's steps ---------------------------------------------------------------------

OWN_STEP = "Hosting a monthly D&I lunch"
EVIL = "<!channel> <@U999> <https://evil.example|click> & co"
EVIL_SHOWN = "&lt;!channel&gt; &lt;@U999&gt; &lt;https://evil.example|click&gt; &amp; co"


def open_sign_form(slack: Slack, user: str = "U1") -> dict[str, Any]:
    reply = slack.command("", user=user)
    assert (reply.status, reply.body) == (200, b"")
    return opened(slack, reply.response_id)


def sign_up_answers(
    view: dict[str, Any], own_step: str = OWN_STEP, announce: str = "no"
) -> dict[str, Any]:
    """The first suggestion for every commitment but the third, which gets ``own_step``."""
    answers: dict[str, Any] = {
        "own_3": own_step,
        "weekday": "1",
        "time": "09:00",
        "timezone": "Europe/London",
        "announce": announce,
    }
    for block in view["blocks"]:
        if block["type"] == "input" and block["block_id"].startswith("steps_"):
            first = block["element"]["options"][0]["value"]
            answers[block["block_id"]] = [] if block["block_id"] == "steps_3" else [first]
    return answers


def sign_up(slack: Slack, user: str = "U1", **answers: str) -> Call:
    """Sign through the modal, as a person would; return the confirmation."""
    view = open_sign_form(slack, user)
    reply = slack.submit(view, sign_up_answers(view, **answers), user=user)
    assert (reply.status, reply.body) == (200, b"")
    response_id = json.loads(view["private_metadata"])["response_url"].rsplit("/", 1)[1]
    [confirmation] = responses(slack, response_id)
    return confirmation


def leader_of(slack: Slack, user: str) -> Leader | None:
    with slack.runtime.store.session() as session:
        leader = session.scalar(select(Leader).join(Person).where(Person.user_id == user))
        if leader is not None:
            session.expunge(leader)
        return leader


def count(slack: Slack, model: type[Any]) -> int:
    with slack.runtime.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def outbox(slack: Slack, to: str = "slack:T1:U1") -> list[OutboxMessage]:
    """The outbox rows for one address (admins may get their own notes about failures)."""
    with slack.runtime.store.session() as session:
        rows = list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.destination == to)
                .order_by(OutboxMessage.id)
            )
        )
        session.expunge_all()
        return rows


def posts_to(slack: Slack, channel: str) -> list[Call]:
    return slack.fake.calls_to("chat.postMessage", lambda c: c.params["channel"] == channel)


def deliver_checkin(slack: Slack, user: str = "U1") -> Call:
    """Move the clock to the leader's check-in time and let the scheduler's job send it."""
    leader = leader_of(slack, user)
    assert leader is not None and leader.next_checkin_at is not None
    slack.clock.set(leader.next_checkin_at)
    report, drained = slack.run_due()
    assert report["checkins"] == 1 and drained.sent >= 1
    [checkin] = posts_to(slack, user)
    return checkin


# --- sign-up: the modal ----------------------------------------------------------------------


def test_pledge_in_a_dm_opens_the_sign_up_modal_within_block_kit_limits(slack: Slack) -> None:
    reply = slack.command("", user="U1")
    assert (reply.status, reply.body) == (200, b"")  # an empty ack; the modal comes after
    view = opened(slack, reply.response_id)
    check_block_kit(slack.fake.calls_to("views.open")[0])
    assert view["type"] == "modal" and view["callback_id"] == "pledge.sign"
    assert view["title"]["text"] == "Sign the pledge" and len(view["blocks"]) <= 100
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert [f"steps_{n}" for n in range(1, 9)] == [k for k in inputs if k.startswith("steps_")]
    assert all(inputs[f"own_{n}"]["max_length"] == 300 for n in range(1, 9))
    for element in inputs.values():
        for option in element.get("options", []):
            assert len(option["text"]["text"]) <= 75
    # The time zone defaults to the one Slack knows for the user (users.info).
    assert inputs["timezone"]["initial_value"] == "America/New_York"
    assert inputs["time"] == {"type": "timepicker", "initial_time": "09:00", "action_id": "time"}
    assert "announce" in inputs  # an announcements channel is configured for this workspace
    assert leader_of(slack, "U1") is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"steps_1": []}, "steps_1", "Choose a step, or write your own below."),
        ({"steps_2": "first three"}, "steps_2", "Choose at most 2."),
        ({"steps_4": "first two", "own_4": "And one of my own"}, "steps_4", "That is 3 steps"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Mars/Olympus_Mons"),
        ({"country": "Narnia"}, "country", "'Narnia' is not a country"),
    ],
    ids=["no-step", "three-suggestions", "two-and-own", "bad-time-zone", "bad-country"],
)
def test_a_bad_sign_up_gets_errors_in_place_and_nothing_is_stored(
    slack: Slack, change: dict[str, Any], field: str, message: str
) -> None:
    view = open_sign_form(slack)
    answers = sign_up_answers(view)
    for block_id, value in change.items():
        options = next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]
        if value == "first three":
            value = [o["value"] for o in options["options"][:3]]
        elif value == "first two":
            value = [o["value"] for o in options["options"][:2]]
        answers[block_id] = value
    reply = slack.submit(view, answers)
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors"
    assert message in body["errors"][field]
    input_ids = {b["block_id"] for b in view["blocks"] if b["type"] == "input"}
    assert set(body["errors"]) <= input_ids  # Slack only shows errors on the view's inputs
    slack.idle()
    assert leader_of(slack, "U1") is None and count(slack, Step) == 0
    assert slack.fake.calls_to("response") == [] and slack.fake.calls_to("chat.postMessage") == []


def test_a_good_sign_up_is_stored_and_confirmed(slack: Slack) -> None:
    confirmation = sign_up(slack, "U1")
    assert "Thank you for signing the IP Inclusive Senior Leaders’ Pledge" in words(confirmation)
    assert "Your first check-in arrives on Monday 1 March 2027 at 09:00 (Europe/London)" in (
        words(confirmation)
    )
    assert confirmation.params["replace_original"] is False
    leader = leader_of(slack, "U1")
    assert leader is not None and (leader.status, leader.timezone) == ("active", "Europe/London")
    # Where they work was left empty: nothing stored, so it follows the time zone given (not
    # Slack's zone), England for Europe/London, and keeps following it if that changes.
    assert (leader.country, leader.subdivision) == (None, None)
    assert workplace(leader) == Workplace("GB", "ENG")
    with slack.runtime.store.session() as session:
        person = session.scalar(select(Person).where(Person.user_id == "U1"))
        assert person is not None and (person.tenant, person.display_name) == ("T1", "alice")
        texts = session.scalars(select(Step.text).where(Step.commitment == 3)).all()
    assert texts == [OWN_STEP] and count(slack, Step) == 8
    # Signed: /pledge now shows the status card instead of the form.
    again = slack.command("")
    [card] = responses(slack, again.response_id)
    assert "You signed the pledge on Monday 1 March 2027" in words(card)
    assert [e["text"]["text"] for e in elements(card.blocks())] == [
        "My progress",
        "Edit my pledge",
        "Pause check-ins",
        "Leave the pledge",
    ]
    assert len(slack.fake.calls_to("views.open")) == 1


def plain_texts(call: Call) -> list[str]:
    """Every plain_text string a call shows: Slack shows these exactly as written."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "plain_text":
                found.append(str(node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(call.blocks())
    return found


def test_what_anyone_typed_is_inert_wherever_slack_would_parse_it(slack: Slack) -> None:
    slack.fake.users["UEVIL"] = {"tz": "Europe/London", "display_name": "<!here> Mallory"}
    sign_up(slack, "UEVIL", own_step=EVIL, announce="yes")
    _, drained = slack.run_due()  # the announcement
    assert drained.sent >= 1
    checkin = deliver_checkin(slack, "UEVIL")
    shown = [
        checkin,
        responses(slack, slack.command("progress", user="UEVIL").response_id)[0],
    ]
    slack.event({"type": "app_home_opened", "user": "UEVIL", "channel": "DEVIL", "tab": "home"})
    shown.append(slack.fake.wait_for("views.publish")[0])
    slack.idle()
    for call in shown:  # as typed, in plain_text, where Slack parses nothing
        assert any(EVIL in text for text in plain_texts(call)), call.method
        assert EVIL_SHOWN in str(call.params.get("text", EVIL_SHOWN))  # notifications: escaped
    [announcement] = slack.fake.calls_to(
        "chat.postMessage", lambda c: "has signed" in c.params["text"]
    )
    assert "&lt;!here&gt; Mallory has signed" in announcement.params["text"]
    for call in slack.fake.calls:
        for text in marked_up(call):
            assert "<!" not in text and "<@" not in text and "<https://evil" not in text, text


# --- the check-in ----------------------------------------------------------------------------


def test_a_checkin_is_a_direct_message_with_buttons_unique_within_each_block(
    slack: Slack,
) -> None:
    sign_up(slack, "U1")
    checkin = deliver_checkin(slack, "U1")
    assert checkin.params["channel"] == "U1" and checkin.token == TOKEN
    assert "Your pledge check-in for the week of Monday 1 March 2027" in checkin.params["text"]
    blocks = checkin.blocks()
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == 9  # a row of statuses for each of 8 steps, then notes/skip/away
    for block in actions:
        ids = [e["action_id"] for e in block["elements"]]
        assert len(ids) == len(set(ids))
    assert [e["text"]["text"] for e in actions[0]["elements"]] == [
        "Done",
        "Ongoing",
        "Progressing",
        "Stuck",
        "Not started",
    ]
    assert [e["text"]["text"] for e in actions[-1]["elements"]] == [
        "Answer with notes",
        "Skip this week",
        "Away until…",
    ]
    assert OWN_STEP.replace("&", "&amp;") in words(checkin)
    [row] = outbox(slack)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)


def test_pressing_a_status_updates_the_checkin_in_place(slack: Slack) -> None:
    sign_up(slack, "U1")
    checkin = deliver_checkin(slack, "U1")
    done = button(checkin.blocks(), "pledge.status", ":done")
    reply = slack.press(done, channel="D1", message_ts=checkin.answer["ts"])
    assert (reply.status, reply.body) == (200, b"")
    [update] = responses(slack, reply.response_id)
    assert update.params["replace_original"] is True
    assert "Your answer: Done" in words(update)
    # The pressed status is now the highlighted one; the others are not.
    again = button(update.blocks(), "pledge.status", ":done")
    assert again["style"] == "primary"
    assert "style" not in button(update.blocks(), "pledge.status", ":stuck")
    with slack.runtime.store.session() as session:
        assert session.scalars(select(StepUpdate.status)).all() == ["done"]
        assert session.scalars(select(Checkin.status)).all() == ["answered"]
    # Someone else pressing the same button is refused, privately, and nothing changes.
    other = slack.press(done, user="U2", channel="D1")
    [refusal] = responses(slack, other.response_id)
    assert "belongs to someone else" in words(refusal)
    assert refusal.params["response_type"] == "ephemeral"
    slack.idle()
    assert count(slack, StepUpdate) == 1


def test_answer_with_notes_opens_a_modal_that_saves_and_refuses_a_long_note(
    slack: Slack,
) -> None:
    sign_up(slack, "U1")
    checkin = deliver_checkin(slack, "U1")
    reply = slack.press(button(checkin.blocks(), "pledge.notes"), channel="D1")
    assert (reply.status, reply.body) == (200, b"")
    view = opened(slack, reply.response_id)
    assert view["callback_id"] == "pledge.answer" and view["title"]["text"] == "Your check-in"
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    statuses = [b["block_id"] for b in inputs if b["block_id"].startswith("status_")]
    notes = [b for b in inputs if b["block_id"].startswith("note_")]
    assert len(statuses) == len(notes) == 8
    assert notes[0]["element"]["max_length"] == 500 and notes[0]["element"]["multiline"]
    first, second = statuses[0], statuses[1]
    note_1, note_2 = notes[0]["block_id"], notes[1]["block_id"]

    too_long = slack.submit(view, {first: "stuck", note_1: "x" * 501})
    body = too_long.json()
    assert body["response_action"] == "errors"
    assert body["errors"] == {
        note_1: "Note on “Being personally involved in, and contributing to, D&I…”: "
        "That is 501 characters; the limit is 500. Please shorten it."
    }
    slack.idle()
    assert count(slack, StepUpdate) == 0

    saved = slack.submit(
        view, {first: "stuck", note_1: "Waiting for HR", second: "done", note_2: ""}
    )
    assert (saved.status, saved.body) == (200, b"")  # the modal closes
    said, update = responses(slack, reply.response_id, 2)
    assert "Saved 2 answer(s) for the week of Monday 1 March 2027" in words(said)
    assert update.params["replace_original"] is True
    assert "│ Waiting for HR" in plain_texts(update)  # the note, quoted, as plain text
    assert str(update.params["text"]).count("Your answer:") == 2
    with slack.runtime.store.session() as session:
        rows = session.execute(select(StepUpdate.status, StepUpdate.note)).all()
    assert sorted(map(tuple, rows)) == [("done", ""), ("stuck", "Waiting for HR")]


def test_skip_and_away_buttons(slack: Slack) -> None:
    sign_up(slack, "U1")
    checkin = deliver_checkin(slack, "U1")
    away = slack.press(button(checkin.blocks(), "pledge.away"), channel="D1")
    view = opened(slack, away.response_id)
    assert view["callback_id"] == "pledge.away"
    [date_input] = [b for b in view["blocks"] if b["type"] == "input"]
    assert date_input["element"]["type"] == "datepicker"
    past = slack.submit(view, {"until": "2020-01-01"})  # the modal stays open and says why
    assert json.loads(past.body)["errors"] == {
        "until": "Wednesday 1 January 2020 has passed; give today or a later date."
    }
    later = slack.submit(view, {"until": "2027-03-20"})
    assert later.body == b""
    [noted] = responses(slack, away.response_id)
    assert "no check-ins or reminders until Saturday 20 March 2027" in words(noted)
    leader = leader_of(slack, "U1")
    assert leader is not None and str(leader.away_until) == "2027-03-20"

    skip = slack.press(button(checkin.blocks(), "pledge.skip"), channel="D1")
    [skipped] = responses(slack, skip.response_id)
    assert skipped.params["replace_original"] is True
    assert "You skipped this week" in words(skipped) and elements(skipped.blocks()) == []
    with slack.runtime.store.session() as session:
        assert session.scalars(select(Checkin.status)).all() == ["skipped"]


# --- commands, buttons and messages ----------------------------------------------------------


def test_pledge_progress_shows_the_leaders_steps_and_history(slack: Slack) -> None:
    sign_up(slack, "U1")
    checkin = deliver_checkin(slack, "U1")
    pressed = slack.press(button(checkin.blocks(), "pledge.status", ":done"), channel="D1")
    responses(slack, pressed.response_id)
    reply = slack.command("progress")
    assert (reply.status, reply.body) == (200, b"")
    [progress] = responses(slack, reply.response_id)
    shown = words(progress)
    assert "Your pledge progress" in shown
    assert "1 of 1 check-ins answered" in shown
    assert "Latest: Done (week of 1 Mar)" in shown
    assert OWN_STEP.replace("&", "&amp;") in shown
    assert progress.params["response_type"] == "in_channel"  # in the DM: private already
    not_signed = slack.command("progress", user="U2")
    assert "You haven't signed the pledge yet" in words(responses(slack, not_signed.response_id)[0])


def test_pledge_summary_is_for_admins_only(slack: Slack) -> None:
    sign_up(slack, "U1")
    refused = slack.command("summary", user="U1")
    [refusal] = responses(slack, refused.response_id)
    assert "The summary is for your organisation's D&amp;I lead" in words(refusal)
    assert "Pledge summary" not in words(refusal)
    allowed = slack.command("summary", user="UDINA")
    [summary] = responses(slack, allowed.response_id)
    assert "Pledge summary" in words(summary)
    assert "1 leader(s) active, 0 paused, 0 left." in words(summary)


def test_pledge_help_lists_every_command(slack: Slack) -> None:
    reply = slack.command("help", user="U2")
    [shown] = responses(slack, reply.response_id)
    for word in ("progress", "edit", "skip", "away", "pause", "resume", "leave", "summary"):
        assert f"/pledge {word}" in str(shown.params["text"])
    unknown = slack.command("frobnicate", user="U2")
    [answer] = responses(slack, unknown.response_id)
    assert "I don't know “/pledge frobnicate”" in words(answer) and "/pledge progress" in (
        words(answer)
    )


def test_a_slash_command_from_a_channel_is_answered_privately(slack: Slack) -> None:
    reply = slack.command("help", user="U2", channel="C0GENERAL")
    [shown] = responses(slack, reply.response_id)
    assert shown.params["response_type"] == "ephemeral"
    assert "/pledge progress" in words(shown)
    form = slack.command("", user="U2", channel="C0GENERAL")
    assert opened(slack, form.response_id)["callback_id"] == "pledge.sign"
    slack.idle()
    assert slack.fake.calls_to("chat.postMessage") == []  # nothing posted for all to see


def test_every_slash_command_in_the_manifest_is_acked_and_answered(slack: Slack) -> None:
    commands = manifest(None, socket_mode=True)["features"]["slash_commands"]
    for command in [c["command"] for c in commands]:
        reply = slack.command("help", user="U2", command=command)
        assert (reply.status, reply.body) == (200, b""), command
        [answer] = responses(slack, reply.response_id)
        assert words(answer).strip() and "Sorry, something went wrong" not in words(answer)


def test_the_report_command_says_what_the_form_covers() -> None:
    """Slack shows the command's description as people type /report: it names what the
    form's own heading names (bot/reports/intake.py), not only racism or harassment."""
    commands = manifest(None, socket_mode=True)["features"]["slash_commands"]
    [report] = [c for c in commands if c["command"] == "/report"]
    categories = load_categories(content.path("report_categories.yaml"))
    assert report["description"].startswith(heading(categories) + ", anonymously")


def test_an_unknown_button_or_form_gets_a_short_reply_never_an_error(slack: Slack) -> None:
    mystery = {"action_id": "mystery.button#0", "value": "x", "text": {"text": "?"}}
    in_channel = slack.press(mystery, user="U2", channel="C0GENERAL")
    assert (in_channel.status, in_channel.body) == (200, b"")
    [answer] = responses(slack, in_channel.response_id)
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["replace_original"] is False
    assert words(answer).startswith("That has expired. Type /pledge to start again.")
    in_dm = slack.press(mystery, user="U2", channel="D2")
    assert in_dm.status == 200
    [answer] = responses(slack, in_dm.response_id)
    assert answer.params["replace_original"] is False and "That has expired" in words(answer)
    view = {"type": "modal", "callback_id": "nobody.knows", "blocks": [], "private_metadata": ""}
    submitted = slack.submit(view, {}, user="U2")
    assert (submitted.status, submitted.body) == (200, b"")
    slack.idle()
    assert [c.params["text"] for c in slack.fake.calls_to("chat.postMessage")] == [
        "That has expired. Type /pledge to start again."
    ]


def test_a_typed_direct_message_is_answered(slack: Slack) -> None:
    message = {"type": "message", "channel": "D2", "channel_type": "im", "user": "U2"}
    reply = slack.event({**message, "text": "pledge help", "ts": "1.000001"})
    assert reply.status == 200
    [help_text] = slack.fake.wait_for("chat.postMessage")
    assert help_text.params["channel"] == "D2" and "/pledge progress" in help_text.params["text"]
    slack.event({**message, "text": "hello there", "ts": "1.000002"})
    greeting = slack.fake.wait_for("chat.postMessage", 2)[1]
    assert greeting.params["text"].startswith("Hello! I help leaders keep")
    # The bot's own messages, edits and channel chatter get no answer.
    slack.event({**message, "text": "pledge help", "ts": "1.3", "bot_id": "B1"})
    slack.event({**message, "text": "pledge help", "ts": "1.4", "subtype": "message_changed"})
    slack.event(
        {**message, "text": "pledge", "ts": "1.5", "channel": "C1", "channel_type": "channel"}
    )
    slack.idle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 2


def test_a_typed_pledge_offers_a_button_that_opens_the_form(slack: Slack) -> None:
    message = {"type": "message", "channel": "D1", "channel_type": "im", "user": "U1"}
    slack.event({**message, "text": "pledge", "ts": "1.000001"})
    [offer] = slack.fake.wait_for("chat.postMessage")
    assert offer.params["channel"] == "D1"
    assert "Sign the pledge: the form opens in a window." in offer.params["text"]
    open_form = button(offer.blocks(), "slack.open_form")
    assert open_form["text"]["text"] == "Open the form"
    pressed = slack.press(open_form, channel="D1", message_ts=offer.answer["ts"])
    assert (pressed.status, pressed.body) == (200, b"")
    view = opened(slack, pressed.response_id)
    assert view["callback_id"] == "pledge.sign"
    # Submitting the form opened from the offer signs, and confirms in the DM.
    submitted = slack.submit(view, sign_up_answers(view))
    assert submitted.body == b""
    thanks = slack.fake.wait_for("chat.postMessage", 2)[1]  # the offer's DM, no response_url
    assert thanks.params["channel"] == "D1" and "Thank you for signing" in words(thanks)
    assert leader_of(slack, "U1") is not None


def test_a_second_press_of_open_the_form_opens_nothing_even_while_the_first_opens(
    slack: Slack,
) -> None:
    """The offer is good once. Slack holds the first press's views.open (as a slow Slack
    would): the second press, meanwhile, gets the expired message, never a second modal."""
    message = {"type": "message", "channel": "D1", "channel_type": "im", "user": "U1"}
    slack.event({**message, "text": "pledge", "ts": "1.000001"})
    [offer] = slack.fake.wait_for("chat.postMessage")
    open_form = button(offer.blocks(), "slack.open_form")
    slack.fake.hold("views.open")
    try:
        first = slack.press(open_form, channel="D1", message_ts=offer.answer["ts"])
        slack.fake.wait_for("held:views.open")  # the first press is waiting for Slack
        again = slack.press(open_form, channel="D1", message_ts=offer.answer["ts"])
        [expired] = responses(slack, again.response_id)
    finally:
        slack.fake.release("views.open")
    assert "That form has expired" in words(expired) and expired.params["response_type"] == (
        "ephemeral"
    )
    assert opened(slack, first.response_id)["callback_id"] == "pledge.sign"
    slack.idle()
    assert len(slack.fake.calls_to("views.open")) == 1


def test_open_the_form_too_slow_for_its_trigger_offers_a_new_button(slack: Slack) -> None:
    """The token was used up before views.open: when Slack calls the trigger expired, the
    form is offered again under a new button, and the old one has expired."""
    reply = slack.command("", user="U2", trigger_age=3.5)
    [offer] = responses(slack, reply.response_id)
    old = button(offer.blocks(), "slack.open_form")
    slack.fake.fail_next("views.open", error="expired_trigger_id")
    pressed = slack.press(old, user="U2", channel="D2")
    [again] = responses(slack, pressed.response_id)
    assert "That took a moment too long" in words(again)
    new = button(again.blocks(), "slack.open_form")
    assert new["value"] != old["value"]
    reopened = slack.press(new, user="U2", channel="D2")
    assert opened(slack, reopened.response_id)["callback_id"] == "pledge.sign"
    stale = slack.press(old, user="U2", channel="D2")
    assert "That form has expired" in words(responses(slack, stale.response_id)[0])


def test_the_status_card_buttons_pause_and_leave(slack: Slack) -> None:
    sign_up(slack, "U1")
    card = responses(slack, slack.command("").response_id)[0]
    pause = slack.press(button(card.blocks(), "pledge.pause"), channel="D1")
    [paused] = responses(slack, pause.response_id)
    assert "Paused: no check-ins or reminders until you /pledge resume." in words(paused)
    assert paused.params["replace_original"] is False
    leader = leader_of(slack, "U1")
    assert leader is not None and leader.status == "paused"
    leave = slack.press(button(card.blocks(), "pledge.leave"), channel="D1")
    [confirm] = responses(slack, leave.response_id)
    yes = button(confirm.blocks(), "pledge.leave.confirm")
    assert yes["style"] == "danger"
    left = slack.press(yes, channel="D1")
    [gone] = responses(slack, left.response_id)
    assert gone.params["replace_original"] is True and "You have left the pledge" in words(gone)
    leader = leader_of(slack, "U1")
    assert leader is not None and leader.status == "left"


def test_pledge_edit_opens_the_form_prefilled_and_saves(slack: Slack) -> None:
    sign_up(slack, "U1")
    reply = slack.command("edit")
    view = opened(slack, reply.response_id)
    assert view["title"]["text"] == "Edit your pledge" and view["submit"]["text"] == "Save"
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["own_3"]["initial_value"] == OWN_STEP  # an input shows the text as typed
    assert len(inputs["steps_1"]["initial_options"]) == 1 and "announce" not in inputs
    answers = sign_up_answers(view, own_step="Mentoring two people")
    answers["time"] = "08:30"
    saved = slack.submit(view, answers)
    assert saved.body == b""
    [done] = responses(slack, reply.response_id)
    assert "Saved. I'll check in on Mondays at 08:30" in words(done)
    with slack.runtime.store.session() as session:
        texts = session.scalars(
            select(Step.text).where(Step.commitment == 3, Step.active.is_(True))
        ).all()
    assert texts == ["Mentoring two people"]


def test_an_expired_trigger_gets_an_open_the_form_button_at_once(slack: Slack) -> None:
    reply = slack.command("", user="U2", trigger_age=3.5)  # Slack sent it 3.5 s ago
    [offer] = responses(slack, reply.response_id)
    assert offer.params["response_type"] == "ephemeral"
    assert "Sign the pledge: the form opens in a window." in words(offer)
    [refused] = slack.fake.calls_to("views.open")
    assert refused.answer["error"] == "expired_trigger_id"
    # The button works with the fresh trigger its press brings, from the database.
    pressed = slack.press(button(offer.blocks(), "slack.open_form"), user="U2", channel="D2")
    assert opened(slack, pressed.response_id)["callback_id"] == "pledge.sign"


def test_metadata_too_long_for_a_modal_is_kept_in_the_database(slack: Slack) -> None:
    form = Form(
        form_id="nobody.knows",
        title="Long context",
        fields=[FormField(name="x", label="X")],
        context="c" * 3000,  # the core's limit; with where it came from, past Slack's 3,000
    )
    origin = Origin(TEAM_ID, "U2", "D2", slack.fake.response_url("long"))
    view = slack.loop.run(slack.adapter._view(form, origin))
    check_block_kit(Call("views.open", {"view": view}))
    assert set(json.loads(view["private_metadata"])) == {"stored"}
    assert slack.submit(view, {"x": "hi"}, user="U2").status == 200
    [answer] = responses(slack, "long")  # where it came from, read back from the database
    assert "That has expired" in words(answer)


def test_an_interactive_call_rate_limited_once_is_retried_after_retry_after(slack: Slack) -> None:
    slack.fake.fail_next("views.open", status=429, retry_after=0)
    reply = slack.command("", user="U2")
    first, second = slack.fake.wait_for("views.open", 2)
    assert first.answer == {"ok": False, "error": "ratelimited"}
    assert second.params["trigger_id"] == first.params["trigger_id"]
    assert first.params["trigger_id"].endswith(f".trigger-{reply.response_id}")
    assert second.answer["ok"] is True


# --- App Home --------------------------------------------------------------------------------


def open_home(slack: Slack, user: str) -> Call:
    reply = slack.event({"type": "app_home_opened", "user": user, "channel": "D9", "tab": "home"})
    assert reply.status == 200
    [home] = slack.fake.wait_for("views.publish", match=lambda c: c.params["user_id"] == user)
    assert home.params["view"]["type"] == "home"
    return home


def test_app_home_invites_a_newcomer_to_sign(slack: Slack) -> None:
    home = open_home(slack, "U2")
    shown = words(home)
    assert "IP Inclusive Senior Leaders’ Pledge" in shown and "Pledge summary" not in shown
    sign = button(home.blocks(), "pledge.sign")
    assert sign["text"]["text"] == "Sign the pledge"
    # The messages tab is not the home tab: nothing is published for it (it gets a welcome).
    slack.event({"type": "app_home_opened", "user": "U2", "channel": "D2", "tab": "messages"})
    slack.idle()
    assert len(slack.fake.calls_to("views.publish")) == 1
    slack.fake.clear()
    pressed = slack.press(sign, user="U2", in_home=True)
    assert (pressed.status, pressed.body) == (200, b"")
    view = opened(slack, pressed.response_id)
    assert view["callback_id"] == "pledge.sign"
    # Signing from the home tab thanks in the DM and redraws the page as a leader's.
    assert slack.submit(view, sign_up_answers(view), user="U2").body == b""
    [thanks] = slack.fake.wait_for("chat.postMessage")
    assert thanks.params["channel"] == "U2" and "Thank you for signing" in thanks.params["text"]
    [fresh] = slack.fake.wait_for("views.publish")
    assert "You signed the pledge on Monday 1 March 2027" in words(fresh)


def test_app_home_shows_a_leader_their_pledge_and_progress(slack: Slack) -> None:
    sign_up(slack, "U1")
    home = open_home(slack, "U1")
    shown = words(home)
    assert "You signed the pledge on Monday 1 March 2027" in shown
    assert "Your pledge progress" in shown and OWN_STEP in shown
    assert "Pledge summary" not in shown
    # A button in the home tab answers in the DM, and the page is published afresh.
    pause = slack.press(button(home.blocks(), "pledge.pause"), user="U1", in_home=True)
    assert pause.status == 200
    [said] = slack.fake.wait_for("chat.postMessage")
    assert said.params["channel"] == "U1" and "Paused" in said.params["text"]
    _, fresh = slack.fake.wait_for("views.publish", 2)
    assert "Your check-ins are paused." in words(fresh)
    assert button(fresh.blocks(), "pledge.resume")["text"]["text"] == "Resume check-ins"


def test_app_home_for_an_admin_includes_the_summary(slack: Slack) -> None:
    sign_up(slack, "U1")
    home = open_home(slack, "UDINA")
    shown = words(home)
    assert "Pledge summary" in shown and "1 leader(s) active" in shown
    assert "Sign the pledge" in shown  # Dina has not signed herself
    assert len(home.blocks()) <= 100


# --- requests Slack did not sign -------------------------------------------------------------


def _pledge_body(trigger: str) -> bytes:
    return urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "D7",
            "user_id": "U7",
            "command": "/pledge",
            "text": "",
            "response_url": "http://127.0.0.1:9/never",
            "trigger_id": trigger,
        }
    ).encode()


@pytest.mark.parametrize(
    "headers",
    [
        lambda body: {**sign(body), "X-Slack-Signature": "v0=" + "0" * 64},
        lambda body: sign(body, secret="not-the-secret"),
        lambda body: {},
        lambda body: {"X-Slack-Request-Timestamp": str(int(time.time()))},
        lambda body: sign(body, timestamp=int(time.time()) - 301),
        lambda body: sign(body, timestamp=int(time.time()) + 330),  # ahead of the margin
    ],
    ids=["bad-signature", "wrong-secret", "no-headers", "no-signature", "too-old", "future"],
)
def test_an_unsigned_request_gets_401_and_nothing_is_processed(slack: Slack, headers: Any) -> None:
    trigger = slack.fake.trigger_id("trigger-forged")
    body = _pledge_body(trigger)
    reply = slack.post(body, "application/x-www-form-urlencoded", headers(body))
    assert reply.status == 401
    event = json.dumps(
        {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "event": {"type": "app_home_opened", "user": "U7"},
        }
    ).encode()
    assert slack.post(event, "application/json", headers(event)).status == 401
    slack.idle()
    assert slack.fake.calls == []  # not even auth.test
    assert count(slack, Person) == 0
    # The same request, signed now, is processed: the 401 was the signature's doing.
    assert slack.post(body, "application/x-www-form-urlencoded").status == 200
    assert slack.fake.wait_for("views.open")[0].params["trigger_id"] == trigger


# --- the outbox through Slack: rate limits and failures --------------------------------------


def test_a_429_is_retried_no_earlier_than_retry_after_and_sent_once(slack: Slack) -> None:
    sign_up(slack, "U1")
    leader = leader_of(slack, "U1")
    assert leader is not None and leader.next_checkin_at is not None
    due = leader.next_checkin_at
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=7)
    slack.clock.set(due)
    report, drained = slack.run_due()
    assert report["checkins"] == 1 and drained.retried >= 1
    [row] = outbox(slack)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == due + timedelta(seconds=7)
    assert row.last_error is not None and "429" in row.last_error
    slack.clock.set(due + timedelta(seconds=6.9))
    slack.run_due()
    assert len(posts_to(slack, "U1")) == 1  # not tried again too early
    slack.clock.set(due + timedelta(seconds=7))
    slack.run_due()
    posts = posts_to(slack, "U1")
    assert [p.answer["ok"] for p in posts] == [False, True]
    assert posts[0].params == posts[1].params  # the same check-in, sent once
    [row] = outbox(slack)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    slack.clock.set(due + timedelta(hours=1))
    slack.run_due()
    assert len(posts_to(slack, "U1")) == 2


def test_a_server_error_is_retried(slack: Slack) -> None:
    sign_up(slack, "U1")
    leader = leader_of(slack, "U1")
    assert leader is not None and leader.next_checkin_at is not None
    slack.fake.fail_next("chat.postMessage", status=500)
    slack.clock.set(leader.next_checkin_at)
    slack.run_due()
    [row] = outbox(slack)
    assert row.status == "pending" and row.last_error and "HTTP 500" in row.last_error
    assert leader.next_checkin_at < row.next_attempt_at <= leader.next_checkin_at + FIRST_RETRY
    slack.clock.set(row.next_attempt_at)
    slack.run_due()
    assert [p.answer.get("ok") for p in posts_to(slack, "U1")] == [None, True]
    [row] = outbox(slack)
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_permanent_error_marks_the_row_dead_with_the_reason(slack: Slack) -> None:
    sign_up(slack, "U1")
    leader = leader_of(slack, "U1")
    assert leader is not None and leader.next_checkin_at is not None
    slack.fake.fail_next("chat.postMessage", error="channel_not_found")
    slack.clock.set(leader.next_checkin_at)
    _, drained = slack.run_due()
    assert drained.dead == 1 and drained.errors == ["slack:T1:U1: channel_not_found"]
    [row] = outbox(slack)
    assert (row.status, row.last_error) == ("dead", "channel_not_found")
    slack.clock.set(leader.next_checkin_at + timedelta(hours=2))
    slack.run_due()
    assert len(posts_to(slack, "U1")) == 1  # dead rows are not retried


def test_an_announcement_is_posted_in_the_channel(slack: Slack) -> None:
    sign_up(slack, "U1", announce="yes")
    slack.run_due()
    [post] = slack.fake.calls_to("chat.postMessage", lambda c: "has signed" in c.params["text"])
    assert post.params["channel"] == "CANNOUNCE"
    assert post.params["unfurl_links"] is False
    assert "alice has signed the IP Inclusive Senior Leaders’ Pledge" in post.params["text"]
    link = [t for t in marked_up(post) if t.startswith("<https://")]
    assert link and link[0].endswith("|About the pledge>")


def test_a_message_for_another_workspace_is_not_sent_there(slack: Slack) -> None:
    with slack.runtime.store.session() as session:
        queue(
            session,
            [Outgoing("hello:T9", Address.parse("slack:T9:U1"), text_message("Hello"))],
            slack.clock.now(),
        )
    _, drained = slack.run_due()
    assert drained.dead == 1
    [row] = outbox(slack, to="slack:T9:U1")
    assert row.status == "dead" and row.last_error == (
        "the bot is not installed in Slack workspace T9"
    )
    assert posts_to(slack, "U1") == []


# --- installing: the manifest ----------------------------------------------------------------


def test_the_manifest_has_every_command_event_and_the_request_urls() -> None:
    result = CliRunner().invoke(main, ["slack", "manifest", "--url", "https://bot.example.org/"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.output)
    events_url = "https://bot.example.org/slack/events"
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert set(commands) == {
        "/pledge",
        "/commitments",
        "/awareness",
        "/report",
        "/volunteer",
        "/volunteers",
        "/dashboard",
    }
    assert all(c["url"] == events_url for c in commands.values())
    settings = data["settings"]
    assert settings["event_subscriptions"]["request_url"] == events_url
    assert {"app_home_opened", "message.im"} <= set(settings["event_subscriptions"]["bot_events"])
    assert settings["interactivity"] == {"is_enabled": True, "request_url": events_url}
    assert settings["socket_mode_enabled"] is False
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    # Exactly what the code uses: chat.postMessage (to a user id: their DM with the bot, no
    # conversations.open, so no im:write), postEphemeral and update; posts in public channels
    # the bot was not invited to; the commands; message.im; users.info.
    # app_mentions:read for app_mention.
    assert scopes == {
        "app_mentions:read",
        "chat:write",
        "chat:write.public",
        "commands",
        "im:history",
        "users:read",
    }
    assert data["features"]["app_home"]["home_tab_enabled"] is True


def test_the_socket_mode_manifest_needs_no_url() -> None:
    result = CliRunner().invoke(main, ["slack", "manifest", "--socket-mode"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.output)
    assert data["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in result.output and "url:" not in result.output
    assert {c["command"] for c in data["features"]["slash_commands"]} == {
        "/pledge",
        "/commitments",
        "/awareness",
        "/report",
        "/volunteer",
        "/volunteers",
        "/dashboard",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "http://bot.example.org"], "Slack needs an https:// URL"),
        (["--url", "bot.example.org"], "Slack needs an https:// URL"),
        ([], "give the bot's public base URL"),
    ],
    ids=["http", "no-scheme", "no-url"],
)
def test_the_manifest_refuses_a_url_slack_would_not_call(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["slack", "manifest", *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


# --- inclusion-bot run: HTTP and Socket Mode -------------------------------------------------


def _help_command(fake: FakeSlack, response_id: str) -> dict[str, str]:
    return {
        "team_id": TEAM_ID,
        "channel_id": "D1",
        "user_id": "U1",
        "command": "/pledge",
        "text": "help",
        "response_url": fake.response_url(response_id),
        "trigger_id": fake.trigger_id(f"trigger-{response_id}"),
    }


@pytest.mark.parametrize("mode", ["http", "socket"])
def test_inclusion_bot_run_serves_slack(
    mode: str, loop: Loop, fake: FakeSlack, store: Store, database_url: str, tmp_path: Path
) -> None:
    """The real command in its own process: over HTTP with a signing secret, or over Socket
    Mode with an app token (the fake hands out a websocket URL from apps.connections.open)."""
    port = free_port()
    env = clean_environment(
        DATA_DIR=str(tmp_path),
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=fake.api_url,
        PORT=str(port),
        LOG_LEVEL="WARNING",
        REPORTS_KEY=base64.urlsafe_b64encode(bytes(32)).decode(),  # needed with DATABASE_URL
    )
    env.update(
        {"SLACK_SIGNING_SECRET": SECRET} if mode == "http" else {"SLACK_APP_TOKEN": "xapp-1"}
    )
    bot = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "run"], env=env, stderr=subprocess.PIPE, text=True
    )
    watchdog = threading.Timer(60, bot.kill)  # a hung start fails the test, not the run
    watchdog.start()
    try:
        assert bot.stderr is not None
        logged: list[str] = []
        while not logged or "is serving" not in logged[-1]:  # each readline blocks for a line
            logged.append(bot.stderr.readline())
            assert logged[-1], f"inclusion-bot run stopped: {''.join(logged)}"
        assert f"inclusion-bot is serving on port {port} (slack)" in logged[-1]
        health = http.client.HTTPConnection("127.0.0.1", int(env["METRICS_PORT"]), timeout=5)
        health.request("GET", "/healthz")  # on its own listener, not the public port
        assert json.loads(health.getresponse().read()) == {"status": "ok"}
        health.close()
        body = urlencode(_help_command(fake, "run1")).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        if mode == "http":
            assert post_events(port, body, {**form, **sign(body)}).status == 200
        else:
            assert post_events(port, body, {**form, **sign(body)}).status == 404  # no route
            fake.socket_connected(timeout=10)
            [opening] = fake.calls_to("apps.connections.open")
            assert opening.token == "xapp-1"
            envelope = {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": _help_command(fake, "run1"),
            }
            loop.run(fake.send_over_socket(envelope))
            [ack] = fake.wait_for("socket.ack", timeout=10)
            assert ack.params["envelope_id"] == "env-1"
        [answer] = fake.wait_for("response", timeout=10)
        assert "/pledge progress" in str(answer.params["text"])
    finally:
        watchdog.cancel()
        bot.send_signal(signal.SIGTERM)
        _, errors = bot.communicate(timeout=15)
    assert bot.returncode == 0, errors
    assert "Traceback" not in errors


def test_dashboard_in_a_channel_gives_an_admin_a_private_link(slack: Slack) -> None:
    refused = slack.command("", user="U1", channel="C0GENERAL", command="/dashboard")
    [refusal] = responses(slack, refused.response_id)
    assert "Only admins can open the dashboard." in words(refusal)
    reply = slack.command("", user="UDINA", channel="C0GENERAL", command="/dashboard")
    [link] = responses(slack, reply.response_id)
    assert link.params["response_type"] == "ephemeral"
    assert "Your dashboard link" in words(link)
    assert "/admin/sign-in?token=" in json.dumps(link.params)
    slack.idle()
    assert slack.fake.calls_to("chat.postMessage") == []  # nothing posted for all to see
    with slack.runtime.store.session() as session:
        (stored,) = session.scalars(select(DashboardLink)).all()
    assert stored.address == f"slack:{TEAM_ID}:UDINA"
