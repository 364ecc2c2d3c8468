"""The volunteer directory's journey (tests/volunteer_journey.jsonl), run three ways: as JSON
lines in the console, through the real Bolt app against the fake Slack, and through the real
botbuilder endpoint against the fake Bot Connector. SQLite, or PostgreSQL with TEST_DATABASE_URL.

Alice offers her time and agrees to be listed; Carol offers hers but does not; Bob, neither
admin nor outreach, is refused the directory; Olu (OUTREACH) searches it; both are nudged two
weeks before Careers in Ideas Week (the calendar's 16 to 22 November 2026) and asked after it
whether it happened; Alice says yes; Dina (an admin) sees the count; Alice withdraws and is gone
from every search at once, and only Carol is nudged the next year.

Each step of the journey is one JSON line: ``clock`` (set the injected clock and run the
scheduler's job), ``command``, ``form`` (submit the form last opened for that person) or
``press`` (the button with that label last shown to that person), with the words it must show
(``expect``) and must not show (``absent``). (The admins also get the awareness calendar's own
questions about organisers' dates on the way: those are the awareness feature's.)
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pytest
from aiohttp import web

import content
from adapters.console.jsonl import JsonLinesChat
from adapters.platforms import Settings
from adapters.slack.wiring import attach_slack
from adapters.teams.wiring import attach_teams
from app.runtime import Runtime
from app.web import Server
from bot.awareness.calendar import load_calendar
from bot.clock import ManualClock
from bot.conversation import Actor, Address, FormEvent
from bot.pledge.content import Pledge
from bot.router import Bot
from bot.store import Store
from bot.volunteers.directory import PAGE
from tests.conftest import Harness
from tests.event_loop import Loop
from tests.fake_connector import Call as TeamsCall
from tests.fake_connector import FakeConnector
from tests.fake_slack import Call as SlackCall
from tests.fake_slack import FakeSlack
from tests.test_slack import SECRET, TOKEN, Slack, marked_up, plain_texts
from tests.test_teams import TENANT, Teams, check_card, serve

JOURNEY = Path(__file__).with_name("volunteer_journey.jsonl")
START = datetime.fromisoformat("2026-10-20T10:00:00+00:00")
NAMES = {
    "alice": "Alice Example",
    "bob": "Bob Example",
    "carol": "Carol Example",
    "olu": "Olu Example",
    "dina": "Dina Lead",
}


def steps() -> list[dict[str, Any]]:
    return [json.loads(line) for line in JOURNEY.read_text(encoding="utf-8").splitlines()]


class Surface(Protocol):
    """One platform driven by the journey's steps; each returns the words shown for it."""

    runtime: Runtime

    def clock(self, when: datetime) -> str: ...
    def command(self, who: str, name: str, args: str) -> str: ...
    def form(self, who: str, values: dict[str, Any]) -> str: ...
    def press(self, who: str, label: str) -> str: ...


def runtime_for(store: Store, settings: Settings, pledge: Pledge) -> Runtime:
    clock = ManualClock(START)
    calendar = load_calendar([content.path("awareness.yaml")])
    return Runtime(settings, store, clock, Bot(store, clock, settings, pledge, calendar))


def settings_for(tmp_path: Path, admin: str, outreach: str, **more: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        admins=admin,
        outreach=outreach,
        **more,
    )


# --- the console, in JSON lines ----------------------------------------------------------------


class Console:
    """JSON lines in, JSON lines out: each step becomes one neutral event line."""

    def __init__(self, runtime: Runtime) -> None:
        assert isinstance(runtime.clock, ManualClock)
        self.runtime = runtime
        self.harness = Harness(runtime, runtime.clock)
        self.out = io.StringIO()
        self.chat = JsonLinesChat(runtime.bot.handle, self.harness.run_due, runtime.clock, self.out)
        self.harness.senders["console"] = self.chat  # type: ignore[assignment]
        self.forms: dict[str, str] = {}
        self.buttons: dict[tuple[str, str], dict[str, str]] = {}

    def _actor(self, who: str) -> dict[str, str]:
        return {"platform": "console", "user_id": who, "display_name": NAMES[who]}

    def _feed(self, line: dict[str, Any]) -> str:
        start = self.out.tell()
        self.chat.feed(json.dumps(line))
        self.out.seek(start)
        records = [json.loads(text) for text in self.out.read().splitlines()]
        shown = []
        for record in records:
            assert record["type"] != "error", record
            if record["type"] == "clock":
                continue
            who = record.get("to", record.get("destination", "")).split(":")[-1]
            reply = record.get("reply") or {"message": record.get("message")}
            if reply.get("type") == "open_form":
                self.forms[who] = reply["form"]["form_id"]
                shown.append(reply["form"]["title"])
                shown += [field["label"] for field in reply["form"]["fields"]]
                continue
            for block in (reply.get("message") or {}).get("blocks", []):
                if block["type"] == "text":
                    shown.append(block["text"])
                for button in block.get("buttons", []):
                    self.buttons[(who, button["label"])] = button
            shown += [str(error) for error in (reply.get("errors") or {}).values()]
        return "\n".join(shown)

    def clock(self, when: datetime) -> str:
        return self._feed({"type": "clock", "set": when.isoformat()})

    def command(self, who: str, name: str, args: str) -> str:
        actor = self._actor(who)
        return self._feed({"type": "command", "actor": actor, "name": name, "args": args})

    def form(self, who: str, values: dict[str, Any]) -> str:
        event = {"type": "form", "actor": self._actor(who), "form_id": self.forms.pop(who)}
        return self._feed({**event, "values": values})

    def press(self, who: str, label: str) -> str:
        button = self.buttons[(who, label)]
        action = {"action_id": button["action_id"], "value": button["value"]}
        return self._feed({"type": "action", "actor": self._actor(who), **action})


# --- Slack ---------------------------------------------------------------------------------------


def slack_id(who: str) -> str:
    return "U" + who.upper()


class SlackSurface:
    """Slash commands, modal submissions and button presses into the real Bolt app."""

    def __init__(self, slack: Slack) -> None:
        self.slack = slack
        self.runtime = slack.runtime
        self.views: dict[str, dict[str, Any]] = {}
        #: The latest message each person was shown with each button label.
        self.buttons: dict[tuple[str, str], tuple[dict[str, Any], SlackCall]] = {}

    def _since(self, start: int, who: str | None) -> str:
        self.slack.idle()
        shown = []
        for call in self.slack.fake.calls[start:]:
            if call.method in ("users.info", "auth.test"):
                continue
            to = who
            if call.method == "chat.postMessage":
                to = str(call.params["channel"]).removeprefix("U").lower()
            if call.method == "views.open" and to is not None:
                self.views[to] = dict(call.params["view"])
                shown.append(call.params["view"]["title"]["text"])
            for block in call.blocks():
                for element in block.get("elements", []):
                    if element.get("type") == "button" and to is not None:
                        self.buttons[(to, element["text"]["text"])] = (element, call)
            shown += plain_texts(call)
        return "\n".join(shown)

    def clock(self, when: datetime) -> str:
        start = len(self.slack.fake.calls)
        self.slack.clock.set(when)
        self.slack.run_due()
        return self._since(start, None)

    def command(self, who: str, name: str, args: str) -> str:
        start = len(self.slack.fake.calls)
        user = slack_id(who)
        reply = self.slack.command(args, user=user, channel="D" + user[1:], command=f"/{name}")
        assert reply.status == 200, reply
        return self._since(start, who)

    def form(self, who: str, values: dict[str, Any]) -> str:
        start = len(self.slack.fake.calls)
        reply = self.slack.submit(self.views.pop(who), values, user=slack_id(who))
        assert (reply.status, reply.body) == (200, b""), reply.body
        return self._since(start, who)

    def press(self, who: str, label: str) -> str:
        start = len(self.slack.fake.calls)
        element, call = self.buttons[(who, label)]
        channel = str(call.answer.get("channel") or "D" + who.upper())
        ts = str(call.answer.get("ts") or "1700000000.000001")
        reply = self.slack.press(element, user=slack_id(who), channel=channel, message_ts=ts)
        assert reply.status == 200, reply
        return self._since(start, who)


# --- Teams ---------------------------------------------------------------------------------------


def teams_id(who: str) -> str:
    return f"29:{who}"


class TeamsSurface:
    """Typed commands, card submissions and presses into the real botbuilder endpoint."""

    def __init__(self, teams: Teams) -> None:
        self.teams = teams
        self.runtime = teams.runtime
        self.forms: dict[str, TeamsCall] = {}
        self.buttons: dict[tuple[str, str], tuple[dict[str, Any], TeamsCall]] = {}

    def _shown(self, calls: list[TeamsCall]) -> str:
        shown = []
        for call in calls:
            if call.kind == "create" or not call.ok:
                continue
            who = call.conversation.removeprefix("a:chat-29:")
            if call.inputs():
                self.forms[who] = call
                shown += [str(field.get("label", "")) for field in call.inputs().values()]
            for action in call.actions():
                self.buttons[(who, action.get("title", ""))] = (action, call)
            shown.append(call.words())
        return "\n".join(shown)

    def clock(self, when: datetime) -> str:
        start = len(self.teams.fake.calls)
        self.teams.clock.set(when)
        self.teams.run_due()
        return self._shown(self.teams.fake.calls[start:])

    def command(self, who: str, name: str, args: str) -> str:
        text = f"{name} {args}".strip()
        return self._shown(self.teams.say(text, user=teams_id(who), user_name=NAMES[who]))

    def form(self, who: str, values: dict[str, Any]) -> str:
        form = self.forms.pop(who)
        calls = self.teams.submit(form, values, user=teams_id(who), user_name=NAMES[who])
        return self._shown(calls)

    def press(self, who: str, label: str) -> str:
        action, call = self.buttons[(who, label)]
        calls = self.teams.press(action, call, user=teams_id(who), user_name=NAMES[who])
        return self._shown(calls)


# --- the platforms, set up ----------------------------------------------------------------------


def _start(loop: Loop, server: Server) -> tuple[web.AppRunner, int]:
    return serve(loop, server)


@pytest.fixture(params=["console", "slack", "teams"])
def surface(
    request: pytest.FixtureRequest, store: Store, pledge: Pledge, tmp_path: Path, loop: Loop
) -> Iterator[Surface]:
    platform = request.param
    if platform == "console":
        settings = settings_for(tmp_path, "console:dina", "console:olu")
        yield Console(runtime_for(store, settings, pledge))
        return
    if platform == "slack":
        users = {
            slack_id(who): {"tz": "Europe/London", "real_name": name, "display_name": name}
            for who, name in NAMES.items()
        }
        fake = loop.run(FakeSlack(users=users).start())
        settings = settings_for(
            tmp_path,
            "slack:T1:UDINA",
            "slack:T1:UOLU",
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake.api_url,
        )
        runtime = runtime_for(store, settings, pledge)
        server = Server(runtime)
        adapter = attach_slack(server, runtime.bot, settings)
        runner, port = _start(loop, server)
        slack = Slack(loop, fake, server, runtime, port, adapter)
        yield SlackSurface(slack)
        slack.idle()
        loop.run(runner.cleanup())
        loop.run(fake.stop())
        assert fake.refused() == [], [c.answer["refused"] for c in fake.refused()]
        for call in fake.calls:  # what anyone typed is never where Slack parses markup
            for text in marked_up(call):
                assert "<!" not in text, text
        return
    connector = loop.run(FakeConnector().start())
    settings = settings_for(
        tmp_path,
        f"teams:{TENANT}:29:dina",
        f"teams:{TENANT}:29:olu",
        teams_allow_unauthenticated=True,
        host="127.0.0.1",
    )
    runtime = runtime_for(store, settings, pledge)
    server = Server(runtime)
    attach_teams(server, runtime.bot, settings)
    runner, port = _start(loop, server)
    yield TeamsSurface(Teams(loop, connector, server, runtime, port))
    loop.run(runner.cleanup())
    loop.run(connector.stop())
    for call in connector.calls:  # every card sent kept within Teams' limits
        assert not call.answer.get("problems"), call.answer
        if call.ok and call.kind != "create":
            check_card(call)


def test_the_volunteer_journey(surface: Surface) -> None:
    for number, step in enumerate(steps(), start=1):
        kind = step["step"]
        if kind == "clock":
            shown = surface.clock(datetime.fromisoformat(step["set"]))
        elif kind == "command":
            shown = surface.command(step["as"], step["name"], step.get("args", ""))
        elif kind == "form":
            shown = surface.form(step["as"], step["values"])
        else:
            shown = surface.press(step["as"], step["label"])
        where = f"step {number} ({kind}): {shown!r}"
        for words in step.get("expect", []):
            assert words in shown, where
        for words in step.get("absent", []):
            assert words not in shown, where


# --- the worst case: a big directory of the longest offers, found by the longest search ---------

#: 300 characters (the limit) of what Slack would read as mentions, links and markup.
ABOUT = ("<!here> <@U1> *Patent* & `attorney` <https://x.example|apprenticeship> " * 5)[:300]
#: 200 characters (the limit), every word in every offer. (Teams reads typed text as HTML,
#: so no angle brackets here: the offers carry those.)
SEARCH = ("*Patent* & " + " ".join(["apprenticeship"] * 14))[:200]
OFFERS = 200


def _fill_directory(runtime: Runtime) -> None:
    values = {
        "kinds": ["speaker", "mentor", "writer", "coach", "work-experience", "careers-clinic"],
        "time": "more",
        "regions": ["london", "yorkshire", "northern-ireland", "online", "abroad"],
        "about": ABOUT,
        "listed": "yes",
    }
    # In the searcher's own workspace: the directory shows no other workspace's offers.
    searcher = Address.parse(runtime.settings.outreach[0], kind="user")
    for n in range(OFFERS):
        name = (f"{n:03d} " + "Ŵ<!channel>" * 20)[:200]  # cut to the 80 a name keeps
        actor = Actor(
            platform=searcher.platform, tenant=searcher.tenant, user_id=f"v{n}", display_name=name
        )
        [reply] = runtime.bot.handle(
            FormEvent(actor=actor, form_id="volunteer.offer", values=values)
        )
        assert reply.type == "say", reply


@pytest.mark.parametrize("surface", ["slack", "teams"], indirect=True)
def test_every_page_of_the_biggest_directory_fits_and_is_reachable(surface: Surface) -> None:
    assert len(ABOUT) == 300 and len(SEARCH) == 200
    _fill_directory(surface.runtime)
    shown = surface.command("olu", "volunteers", SEARCH)
    pages = OFFERS // PAGE
    assert f"{OFFERS} offer(s) match “{SEARCH}”. Page 1 of {pages}." in shown
    seen = {line[:3] for line in shown.splitlines() if "Ŵ" in line}
    for page in range(2, pages + 1):
        shown = surface.press("olu", "More")
        assert f"Page {page} of {pages}." in shown, shown
        assert ABOUT in shown  # whole, never cut
        seen |= {line[:3] for line in shown.splitlines() if "Ŵ" in line}
    assert seen == {f"{n:03d}" for n in range(OFFERS)}  # every offer shown, once a page
    assert f"Page {pages - 1} of {pages}." in surface.press("olu", "Earlier")
