"""Teams end to end: Activities POSTed to /api/messages on the bot's real aiohttp server, through
botbuilder's real CloudAdapter and aiohttp integration, and the real botbuilder client answering
to a fake Bot Connector on 127.0.0.1 (tests/fake_connector.py) that each activity names as its
``serviceUrl``.

Nothing of the project is mocked: the store (SQLite, or PostgreSQL with TEST_DATABASE_URL), the
Bot, the outbox and the ManualClock are the real ones. Both servers run on one event loop in a
background thread; tests talk to them over HTTP. The adapter handles an activity, replies
included, before it answers the POST, so what a test reads from the fake after a POST is final.

Authentication: most tests run with TEAMS_ALLOW_UNAUTHENTICATED and no app id, because a token
the SDK would accept must be signed by Microsoft's Bot Framework keys, which a test cannot
make or fetch offline. The token check itself is the SDK's; the tests here prove it is switched
on whenever an app id is configured (no or forged token: 401, nothing processed) and that the
endpoint refuses everything when Teams is not configured at all.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import signal
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import jwt
import pytest
from aiohttp import web
from click.testing import CliRunner
from prometheus_client import REGISTRY
from pydantic import SecretStr
from sqlalchemy import func, select

from adapters.platforms import Settings
from adapters.teams.limits import TeamsLimits
from adapters.teams.sender import NOT_INSTALLED
from adapters.teams.wiring import MESSAGES_PATH, attach_teams
from app.cli import main
from app.runtime import Runtime
from app.web import Server
from bot.awareness.load import load_awareness
from bot.clock import ManualClock
from bot.conversation import Address, text_message
from bot.dashboard.models import DashboardLink
from bot.outbox import Outgoing, queue
from bot.packs.content import Packs
from bot.pledge.content import Pledge
from bot.pledge.models import Leader, StepUpdate
from bot.router import Bot
from bot.store import Store
from bot.store.models import ConversationReference, OutboxMessage, Person
from tests.event_loop import Loop
from tests.fake_connector import Call, FakeConnector
from tests.platform_rules import teams_activity_problems, teams_card_problems
from tests.processes import clean_environment, free_port

T = TypeVar("T")
TENANT = "T1"
BOT = {"id": "28:inclusion-bot", "name": "inclusion-bot"}
ALICE = "29:alice"
DINA = "29:dina"  # an admin (ADMINS=teams:T1:29:dina)
GENERAL = "19:general@thread.tacv2"


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Teams:
    """The bot's server as Teams sees it: POST activities, read what reached the connector."""

    loop: Loop
    fake: FakeConnector
    server: Server
    runtime: Runtime
    port: int

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)

    @property
    def clock(self) -> ManualClock:
        assert isinstance(self.runtime.clock, ManualClock)
        return self.runtime.clock

    def post(self, activity: dict[str, Any], headers: dict[str, str] | None = None) -> Answer:
        body = json.dumps(activity).encode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(
                "POST",
                MESSAGES_PATH,
                body=body,
                headers={"Content-Type": "application/json", **(headers or {})},
            )
            response = connection.getresponse()
            answer = Answer(response.status, response.read())
        finally:
            connection.close()
        if activity.get("type") == "invoke":  # the answer is Teams' to show: held to its rules
            self.fake.answered(activity, answer.body)
        return answer

    def activity(
        self,
        kind: str = "message",
        *,
        user: str = ALICE,
        user_name: str = "Alice Example",
        channel: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """An activity as Teams sends it: in ``user``'s 1:1 chat, or in a team ``channel``."""
        data: dict[str, Any] = {"tenant": {"id": TENANT}}
        if channel:
            conversation = {
                "id": f"{channel};messageid=17000000{next(self._ids)}",
                "conversationType": "channel",
                "isGroup": True,
                "tenantId": TENANT,
            }
            data.update(team={"id": GENERAL, "name": "Everyone"}, channel={"id": channel})
        else:
            conversation = {"id": f"a:chat-{user}", "conversationType": "personal"}
            conversation["tenantId"] = TENANT
        return {
            "type": kind,
            "id": f"in{next(self._ids)}",
            "timestamp": "2027-03-01T08:00:00.000Z",
            "channelId": "msteams",
            "serviceUrl": self.fake.service_url,
            "from": {"id": user, "name": user_name, "aadObjectId": f"aad-{user}"},
            "recipient": dict(BOT),
            "conversation": conversation,
            "channelData": data,
            "locale": "en-GB",
            "localTimezone": "Europe/Paris",
            **fields,
        }

    def say(self, text: str, **kwargs: Any) -> list[Call]:
        """Type ``text``; return what the bot sent back for it."""
        return self._exchange(self.activity(text=text, textFormat="plain", **kwargs))

    def press(self, action: dict[str, Any], on: Call, **kwargs: Any) -> list[Call]:
        """Press a button (an Action.Submit) on the card sent in ``on``."""
        return self._exchange(self._submit(action["data"], on, **kwargs))

    def submit(self, form: Call, answers: dict[str, Any], **kwargs: Any) -> list[Call]:
        """Fill in and submit the form card sent in ``form``: Teams merges the inputs' values
        (a multi-select as one comma-separated string) into the submit button's data."""
        values = {name: element.get("value", "") for name, element in form.inputs().items()}
        for name, answer in answers.items():
            values[name] = ",".join(answer) if isinstance(answer, list) else answer
        return self._exchange(self._submit({**form.submit(), **values}, form, **kwargs))

    def _submit(self, data: dict[str, Any], on: Call, **kwargs: Any) -> dict[str, Any]:
        return self.activity(value=data, replyToId=on.answer["id"], **kwargs)

    def _exchange(self, activity: dict[str, Any]) -> list[Call]:
        start = len(self.fake.calls)
        answer = self.post(activity)
        assert answer.status in (200, 201), answer
        return self.fake.calls[start:]

    def run_due(self) -> Any:
        """The scheduler's job at the clock's now: tick, then drain the outbox to Teams."""
        return self.runtime.run_due(self.server.senders)


@pytest.fixture
def fake(loop: Loop) -> Iterator[FakeConnector]:
    fake = loop.run(FakeConnector().start())
    yield fake
    loop.run(fake.stop())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """conftest's runtime uses these: Teams without an app id (see the module's docstring)."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        admins=f"teams:{TENANT}:{DINA}",
        teams_allow_unauthenticated=True,
        host="127.0.0.1",  # honoured on loopback alone
    )


@pytest.fixture
def runtime(
    store: Store, clock: ManualClock, settings: Settings, pledge: Pledge, packs: Packs
) -> Runtime:
    """The real Bot with the packs and the shipped awareness calendar (conftest's has none)."""
    bot = Bot(store, clock, settings, pledge, packs, load_awareness(settings))
    return Runtime(settings, store, clock, bot)


def serve(loop: Loop, server: Server) -> tuple[web.AppRunner, int]:
    async def start() -> tuple[web.AppRunner, int]:
        runner = web.AppRunner(server.web, access_log=None)
        await runner.setup()  # runs on_startup: the Teams sender binds to this loop
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        assert site._server is not None
        return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    return loop.run(start())


@pytest.fixture
def teams(loop: Loop, fake: FakeConnector, runtime: Runtime) -> Iterator[Teams]:
    server = Server(runtime)
    attach_teams(server, runtime.bot, runtime.settings)
    runner, port = serve(loop, server)
    yield Teams(loop, fake, server, runtime, port)
    loop.run(runner.cleanup())
    for call in fake.calls:  # whatever a test did, every card sent kept within Teams' limits
        assert not call.answer.get("problems"), call.answer
        if call.ok and call.kind != "create":
            check_card(call)
    for answer in fake.invokes:  # and every dialog shown
        assert not answer.answer.get("problems"), answer.answer


def check_card(call: Call) -> None:
    """What Teams would accept (tests/platform_rules.py), and what this bot promises: text only
    in TextRuns (never read as Markdown), no more than five buttons to a row."""
    assert teams_activity_problems(json.dumps(call.body)) == []
    assert "text" not in call.body  # no Markdown outside the card
    for element in call.elements():
        assert element["type"] != "TextBlock"
        if element["type"] == "TextRun":
            assert element["text"].strip()
        if element["type"] == "ActionSet":
            assert 0 < len(element["actions"]) <= 5


# --- reading the store ---------------------------------------------------------------------------


def leader_of(teams: Teams, user: str) -> Leader | None:
    with teams.runtime.store.session() as session:
        leader = session.scalar(select(Leader).join(Person).where(Person.user_id == user))
        if leader is not None:
            session.expunge(leader)
        return leader


def count(teams: Teams, model: type[Any]) -> int:
    with teams.runtime.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def outbox(teams: Teams) -> list[OutboxMessage]:
    with teams.runtime.store.session() as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return rows


# --- the journey's steps -------------------------------------------------------------------------

OWN_STEP = "Hosting a monthly D&I lunch"


def open_sign_form(teams: Teams, user: str = ALICE) -> Call:
    [form] = teams.say("pledge", user=user)
    assert form.kind == "reply" and form.card()["msteams"] == {"width": "Full"}
    return form


def sign_up_answers(form: Call, own_step: str = OWN_STEP) -> dict[str, Any]:
    """The first suggestion for every commitment but the third, which gets ``own_step``."""
    answers: dict[str, Any] = {"own_3": own_step, "timezone": "Europe/London"}
    for name, element in form.inputs().items():
        if name.startswith("steps_"):
            answers[name] = [] if name == "steps_3" else [element["choices"][0]["value"]]
    return answers


def sign_up(teams: Teams, user: str = ALICE, **answers: Any) -> list[Call]:
    form = open_sign_form(teams, user)
    return teams.submit(form, {**sign_up_answers(form), **answers}, user=user)


def deliver_checkin(teams: Teams, user: str = ALICE) -> Call:
    """Move the clock to the leader's check-in time and let the scheduler's job send it."""
    leader = leader_of(teams, user)
    assert leader is not None and leader.next_checkin_at is not None
    teams.clock.set(leader.next_checkin_at)
    report, drained = teams.run_due()
    assert (report["checkins"], drained.sent) == (1, 1)
    return teams.fake.calls_to("send", lambda c: c.conversation == f"a:chat-{user}")[-1]


# --- signing up: the form card -------------------------------------------------------------------


def test_pledge_opens_the_sign_up_form_with_the_teams_time_zone(teams: Teams) -> None:
    form = open_sign_form(teams)
    assert "Sign the pledge" in form.words()
    inputs = form.inputs()
    assert [f"steps_{n}" for n in range(1, 9)] == [k for k in inputs if k.startswith("steps_")]
    steps = inputs["steps_1"]
    assert steps["type"] == "Input.ChoiceSet" and steps["isMultiSelect"] is True
    assert steps["style"] == "expanded" and steps["isRequired"] is False
    assert all(inputs[f"own_{n}"]["maxLength"] == 300 for n in range(1, 9))
    assert inputs["own_1"]["isMultiline"] is False
    assert inputs["time"] == {
        "id": "time",
        "label": "Check-in time (24-hour, your local time)",
        "isRequired": True,
        "errorMessage": "This is required.",
        "type": "Input.Time",
        "value": "09:00",
    }
    assert inputs["weekday"]["type"] == "Input.ChoiceSet" and inputs["weekday"]["value"] == "1"
    # A new leader's time zone defaults to the one Teams sent (the activity's localTimezone).
    assert inputs["timezone"]["value"] == "Europe/Paris"
    submit = form.submit()
    assert (submit["form_id"], submit["context"]) == ("pledge.sign", "")
    assert "Choose at most 2." in form.words()
    assert leader_of(teams, ALICE) is None


def test_a_bad_sign_up_redraws_the_form_with_errors_and_keeps_the_answers(teams: Teams) -> None:
    form = open_sign_form(teams)
    answers = {**sign_up_answers(form), "steps_1": [], "timezone": "Mars/Olympus_Mons"}
    [redrawn] = teams.submit(form, answers)
    assert (redrawn.kind, redrawn.activity_id) == ("update", form.answer["id"])  # in place
    shown = redrawn.words()
    assert "Some answers need another look; nothing was saved yet." in shown
    assert "Choose a step, or write your own below." in shown and "Mars/Olympus_Mons" in shown
    inputs = redrawn.inputs()
    assert inputs["own_3"]["value"] == OWN_STEP  # what was typed is kept
    assert inputs["timezone"]["value"] == "Mars/Olympus_Mons"
    assert inputs["steps_2"]["value"] == answers["steps_2"][0]
    assert "value" not in inputs["steps_1"]
    assert redrawn.submit()["card"] == form.submit()["card"]
    assert leader_of(teams, ALICE) is None and count(teams, Person) == 0
    # Corrected and sent again from the redrawn card: accepted.
    first = inputs["steps_1"]["choices"][0]["value"]
    replies = teams.submit(redrawn, {"steps_1": [first], "timezone": "Europe/London"})
    assert [c.kind for c in replies] == ["reply", "update"]
    assert "Thank you for signing" in replies[0].words()
    assert leader_of(teams, ALICE) is not None


def test_where_they_work_is_asked_checked_and_stored(teams: Teams) -> None:
    form = open_sign_form(teams)
    country = form.inputs()["country"]
    assert country["type"] == "Input.Text" and "value" not in country  # empty: from the zone
    [redrawn] = teams.submit(form, {**sign_up_answers(form), "country": "US-ZZ"})
    assert "'US-ZZ' is not a country (or country and region) I know" in redrawn.words()
    assert redrawn.inputs()["country"]["value"] == "US-ZZ"
    assert leader_of(teams, ALICE) is None
    replies = teams.submit(redrawn, {"country": "us-ca", "timezone": "America/Los_Angeles"})
    assert "Thank you for signing" in replies[0].words()
    leader = leader_of(teams, ALICE)
    assert leader is not None and (leader.country, leader.subdivision) == ("US", "CA")


def test_signing_up_stores_the_pledge_and_closes_the_form(teams: Teams) -> None:
    thanks, closed = sign_up(teams)
    assert thanks.kind == "reply" and thanks.conversation == f"a:chat-{ALICE}"
    assert "Thank you for signing the IP Inclusive Senior Leaders’ Pledge" in thanks.words()
    assert "Your first check-in arrives on Monday 1 March 2027 at 09:00 (Europe/London)" in (
        thanks.words()
    )
    assert closed.kind == "update" and closed.words() == "Sign the pledge: sent."
    assert closed.actions() == []  # the form cannot be sent twice
    leader = leader_of(teams, ALICE)
    assert leader is not None and leader.timezone == "Europe/London"
    assert leader.next_checkin_at == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with teams.runtime.store.session() as session:
        person = session.scalar(select(Person).where(Person.user_id == ALICE))
        assert person is not None
        assert (person.platform, person.tenant, person.display_name) == (
            "teams",
            TENANT,
            "Alice Example",
        )


# --- check-ins: proactive, and buttons that update the card in place -----------------------------


def test_a_check_in_arrives_proactively_and_a_status_updates_it_in_place(teams: Teams) -> None:
    sign_up(teams)
    checkin = deliver_checkin(teams)
    # A new post in Alice's 1:1 chat (continue_conversation), not a reply to an old message.
    assert (checkin.kind, checkin.conversation, checkin.activity_id) == (
        "send",
        f"a:chat-{ALICE}",
        None,
    )
    assert "replyToId" not in checkin.body
    assert checkin.body["recipient"]["id"] == ALICE and checkin.body["from"]["id"] == BOT["id"]
    assert checkin.body["summary"].startswith("Your pledge check-in for the week of Monday 1")
    assert "Your pledge check-in for the week of Monday 1 March 2027" in checkin.words()
    assert OWN_STEP in checkin.words()
    done = checkin.button("pledge.status", ":done")
    assert done["type"] == "Action.Submit" and done["title"] == "Done"
    [updated] = teams.press(done, checkin)
    assert (updated.kind, updated.activity_id) == ("update", checkin.answer["id"])
    assert updated.body["id"] == checkin.answer["id"]
    assert "Your answer: Done" in updated.words()
    assert updated.button("pledge.status", done["data"]["value"])["style"] == "positive"
    assert count(teams, StepUpdate) == 1
    # Answered: the reminder that was due is cancelled, nothing else is sent.
    teams.fake.clear()
    teams.clock.set(teams.clock.now() + timedelta(hours=25))
    teams.run_due()
    assert teams.fake.calls == []


def test_answer_with_notes_opens_a_form_whose_answers_update_the_check_in(teams: Teams) -> None:
    sign_up(teams)
    checkin = deliver_checkin(teams)
    [form] = teams.press(checkin.button("pledge.notes"), checkin)
    assert form.kind == "reply" and form.submit()["origin"] == checkin.answer["id"]
    notes = [name for name in form.inputs() if name.startswith("note_")]
    statuses = [name for name in form.inputs() if name.startswith("status_")]
    assert form.inputs()[notes[0]]["isMultiline"] is True
    assert form.inputs()[notes[0]]["maxLength"] == 500
    replies = teams.submit(form, {statuses[0]: "stuck", notes[0]: "Waiting on **HR** [here](x)"})
    saved, updated, closed = replies
    assert "Saved 1 answer(s)" in saved.words()
    # The check-in the form was opened from shows the answer; the form card is closed.
    assert (updated.kind, updated.activity_id) == ("update", checkin.answer["id"])
    assert "Your answer: Stuck" in updated.words()
    assert "Waiting on **HR** [here](x)" in updated.words()
    assert (closed.kind, closed.activity_id) == ("update", form.answer["id"])
    assert closed.actions() == []


def test_an_unanswered_check_in_gets_a_private_reminder(teams: Teams) -> None:
    sign_up(teams)
    checkin = deliver_checkin(teams)
    teams.clock.set(teams.clock.now() + timedelta(hours=24))
    _, drained = teams.run_due()
    assert drained.sent == 1
    reminder = teams.fake.calls[-1]
    assert (reminder.kind, reminder.conversation) == ("send", checkin.conversation)
    assert "A gentle reminder: your pledge check-in for the week of" in reminder.words()
    assert reminder.button("pledge.open")  # one button opens the check-in; not sent again


def test_skip_away_edit_and_leave(teams: Teams) -> None:
    sign_up(teams)
    checkin = deliver_checkin(teams)
    [skipped] = teams.press(checkin.button("pledge.skip"), checkin)
    assert (skipped.kind, skipped.activity_id) == ("update", checkin.answer["id"])
    assert "You skipped this week." in skipped.words()
    [away] = teams.say("pledge away")
    until = away.inputs()["until"]
    assert until["type"] == "Input.Date" and until["isRequired"] is True
    [bad] = teams.submit(away, {"until": "soon"})
    assert bad.kind == "update" and "Use a date like 2027-04-14" in bad.words()
    noted, closed = teams.submit(bad, {"until": "2027-04-14"})
    assert "no check-ins or reminders until Wednesday 14 April 2027" in noted.words()
    assert closed.words() == "Away: sent."
    [edit] = teams.say("pledge edit")
    assert "Edit your pledge" in edit.words() and edit.inputs()["own_3"]["value"] == OWN_STEP
    assert "announce" not in edit.inputs()
    [leave] = teams.say("pledge leave")
    [left] = teams.press(leave.button("pledge.leave.confirm"), leave)
    assert (left.kind, left.activity_id) == ("update", leave.answer["id"])
    assert "You have left the pledge." in left.words()
    leader = leader_of(teams, ALICE)
    assert leader is not None and leader.status == "left"


def test_another_persons_check_in_buttons_do_nothing(teams: Teams) -> None:
    sign_up(teams)
    checkin = deliver_checkin(teams)
    [answer] = teams.press(checkin.button("pledge.status", ":done"), checkin, user="29:mallory")
    assert answer.kind == "reply" and "belongs to someone else" in answer.words()
    assert count(teams, StepUpdate) == 0


def test_a_forged_button_gets_an_expired_note(teams: Teams) -> None:
    [answer] = teams.press(
        {"data": {"action_id": "x" * 300, "value": "1"}},
        Call("send", "", None, {}, None, {"id": "a1"}),
    )
    assert "expired" in answer.words()
    assert count(teams, Person) == 0


# --- commands, typed -----------------------------------------------------------------------------


def test_progress_summary_help_and_a_greeting(teams: Teams) -> None:
    sign_up(teams)
    [progress] = teams.say("pledge progress")
    assert "Your pledge progress" in progress.words() and OWN_STEP in progress.words()
    [slashed] = teams.say("/pledge progress")
    assert slashed.words() == progress.words()
    [helped] = teams.say("pledge help")
    assert "/pledge progress: your steps, their latest status, history and streak" in (
        helped.words()
    )
    [refused] = teams.say("pledge summary")
    assert "The summary is for your organisation's D&I lead" in refused.words()
    [summary] = teams.say("Pledge Summary", user=DINA, user_name="Dina Lead")
    assert "1 leader(s) active" in summary.words()
    [hello] = teams.say("hello there")
    assert "Type /pledge to sign it" in hello.words()
    [status] = teams.say("pledge")
    assert "You signed the pledge on Monday 1 March 2027" in status.words()
    [paused] = teams.press(status.button("pledge.pause"), status)
    assert paused.kind == "reply" and "Paused" in paused.words()


def test_installing_the_app_stores_the_chat_and_says_hello(teams: Teams) -> None:
    added = teams.activity(
        "conversationUpdate", user="29:bob", user_name="Bob", membersAdded=[dict(BOT)]
    )
    assert teams.post(added).status in (200, 201)
    [hello] = teams.fake.calls
    assert hello.conversation == "a:chat-29:bob" and "I help leaders keep" in hello.words()
    assert count(teams, ConversationReference) == 1
    # The bot can now reach Bob on its own initiative.
    with teams.runtime.store.session() as session:
        queue(
            session,
            [Outgoing("hi-bob", Address.parse(f"teams:{TENANT}:29:bob"), text_message("Hi Bob"))],
            teams.clock.now(),
        )
    assert teams.run_due()[1].sent == 1
    assert teams.fake.calls[-1].words() == "Hi Bob"
    # Uninstalled: the reference goes, so later messages are reported rather than lost in Teams.
    removed = teams.activity("installationUpdate", user="29:bob", action="remove")
    assert teams.post(removed).status in (200, 201)
    assert count(teams, ConversationReference) == 0


# --- channels: awareness posts -------------------------------------------------------------------


def mention(text: str) -> dict[str, Any]:
    """A message in a channel, which reaches the bot only when it is @mentioned."""
    return {
        "text": f"<at>inclusion-bot</at> {text}",
        "textFormat": "plain",
        "entities": [
            {"type": "mention", "text": "<at>inclusion-bot</at>", "mentioned": dict(BOT)},
        ],
    }


def test_an_admin_subscribes_a_channel_and_the_day_is_posted_there_once(teams: Teams) -> None:
    said = teams._exchange(
        teams.activity(
            user=DINA,
            user_name="Dina Lead",
            channel=GENERAL,
            **mention("awareness subscribe global"),
        )
    )
    # Teams has no private replies in a channel: the answer goes to Dina's 1:1 chat (opened
    # for her), and the thread only says so.
    created, answer, note = said
    assert created.kind == "create" and created.body["members"] == [{"id": DINA}]
    assert created.body["channelData"] == {"tenant": {"id": TENANT}}
    assert created.body["isGroup"] is False
    assert (answer.kind, answer.conversation) == ("send", f"a:chat-{DINA}")
    assert "Saved." in answer.words() and "Regions: global." in answer.words()
    assert note.kind == "reply" and note.conversation.startswith(f"{GENERAL};messageid=")
    assert note.words() == "I've answered you in our private chat."
    # International Women's Day, 8 March 2027 (a Monday), at 09:00 London.
    teams.clock.set(datetime(2027, 3, 8, 9, 0, tzinfo=UTC))
    teams.run_due()
    posts = teams.fake.to(GENERAL)
    today = [p for p in posts if "Today we celebrate International Women's Day" in p.words()]
    assert len(today) == 1 and today[0].kind == "send"  # a new post in the channel
    link = today[0].actions()[-1]
    assert link["type"] == "Action.OpenUrl"
    assert link["url"] == "https://www.un.org/en/observances/womens-day"
    assert link["title"] == "More from the organisers of International Women's Day"
    teams.clock.set(datetime(2027, 3, 8, 12, 0, tzinfo=UTC))
    teams.run_due()
    again = [p for p in teams.fake.to(GENERAL) if "Today we celebrate" in p.words()]
    assert len(again) == 1


def test_a_signature_is_announced_in_the_teams_channel(
    loop: Loop, fake: FakeConnector, runtime: Runtime
) -> None:
    announce = "19:announce@thread.tacv2"
    teams = serve_with(loop, fake, runtime, announcements_channel=[f"teams:{TENANT}:#{announce}"])
    try:
        # The app was added to the team (its General channel); the announcements channel is
        # another channel of that team, which the bot has never heard from.
        installed = teams.activity("conversationUpdate", channel=GENERAL, membersAdded=[dict(BOT)])
        assert teams.post(installed).status in (200, 201)
        [hello] = fake.calls  # the bot introduces itself there, and nowhere else
        assert hello.conversation.startswith(GENERAL) and "Reports are private" in hello.words()
        form = open_sign_form(teams)
        assert form.inputs()["announce"]["value"] == "no"
        teams.submit(form, {**sign_up_answers(form), "announce": "yes"})
        teams.run_due()
        [post] = [c for c in fake.to(announce) if "has signed" in c.words()]
        assert post.kind == "send" and post.body["conversation"]["id"] == announce
        assert "Alice Example has signed the IP Inclusive Senior Leaders’ Pledge" in post.words()
    finally:
        for hook in teams.server.on_stop:
            loop.run(hook())


def test_an_admin_edits_a_post_from_its_preview(teams: Teams) -> None:
    teams._exchange(
        teams.activity(
            user=DINA,
            user_name="Dina Lead",
            channel=GENERAL,
            **mention("awareness subscribe global"),
        )
    )
    # Friday 5 March, the working day before: Dina gets a preview in her 1:1 chat.
    teams.clock.set(datetime(2027, 3, 5, 9, 0, tzinfo=UTC))
    teams.run_due()
    [preview] = [
        c
        for c in teams.fake.to(f"a:chat-{DINA}")
        if "Preview" in c.words() and "Today we celebrate International Women's Day" in c.words()
    ]
    [form] = teams.press(preview.button("awareness.edit"), preview, user=DINA)
    assert form.inputs()["text"]["isMultiline"] is True
    assert form.inputs()["text"]["maxLength"] == 1000
    saved, shown, closed = teams.submit(form, {"text": "Our own words, <b>plain</b>."}, user=DINA)
    assert "Saved. The post will read:" in saved.words()
    assert "Our own words, <b>plain</b>." in shown.words()
    assert closed.kind == "update" and closed.activity_id == form.answer["id"]
    teams.clock.set(datetime(2027, 3, 8, 9, 0, tzinfo=UTC))
    teams.run_due()
    [post] = [c for c in teams.fake.to(GENERAL) if "Today we celebrate" in c.words()]
    assert "Our own words, <b>plain</b>." in post.words()


def test_only_admins_subscribe_and_awareness_upcoming_works_for_anyone(teams: Teams) -> None:
    refused = teams._exchange(teams.activity(channel=GENERAL, **mention("awareness subscribe uk")))
    assert "Only admins can change" in refused[1].words()
    upcoming = teams._exchange(teams.activity(channel=GENERAL, **mention("awareness upcoming")))
    # Alice's 1:1 chat was opened for the first answer and is reused: no second "create".
    assert [c.kind for c in upcoming] == ["send", "reply"]
    assert "International Women's Day" in upcoming[0].words()


def test_a_form_asked_for_in_a_channel_is_sent_privately(teams: Teams) -> None:
    calls = teams._exchange(teams.activity(channel=GENERAL, **mention("pledge")))
    _, form, note = calls
    assert (form.kind, form.conversation) == ("send", f"a:chat-{ALICE}")
    assert form.submit()["form_id"] == "pledge.sign"
    assert note.words() == "I've answered you in our private chat."
    assert not [c for c in calls if c.conversation.startswith(GENERAL) and c.inputs()]


#: Conversations others read, as a press or a form may claim to come from one: a team channel,
#: a group chat.
GROUP_CHAT = "19:group-7c1e5d@thread.v2"
ANSWERED_PRIVATELY = "I've answered you in our private chat."


def from_shared(teams: Teams, where: str, **fields: Any) -> dict[str, Any]:
    """An activity from Alice in a team channel or a group chat."""
    if where == "channel":
        return teams.activity(channel=GENERAL, **fields)
    activity = teams.activity(**fields)
    activity["conversation"] = {
        "id": GROUP_CHAT,
        "conversationType": "groupChat",
        "isGroup": True,
        "tenantId": TENANT,
    }
    return activity


def only_a_note_there(calls: list[Call]) -> list[Call]:
    """What the bot sent for an activity from a shared conversation: there, the short note
    alone (no card of it updated, nothing of the answer); the answer, in Alice's 1:1 chat."""
    shared = [c for c in calls if c.conversation.split(";")[0] in (GENERAL, GROUP_CHAT)]
    assert [(c.kind, c.words()) for c in shared] == [("reply", ANSWERED_PRIVATELY)]
    private = [c for c in calls if c not in shared]
    assert {(c.kind, c.conversation) for c in private} == {("send", f"a:chat-{ALICE}")}
    return private


@pytest.mark.parametrize("where", ["channel", "group chat"])
def test_a_check_in_pressed_from_a_shared_conversation_is_answered_privately(
    teams: Teams, where: str
) -> None:
    """A press of Alice's own check-in button that comes from a channel thread (a card
    forwarded there, or an activity that says so): her check-in is never written there."""
    sign_up(teams)
    checkin = deliver_checkin(teams)
    done = checkin.button("pledge.status", ":done")["data"]
    calls = teams._exchange(from_shared(teams, where, value=done, replyToId="channelpost1"))
    [updated] = only_a_note_there(calls)
    assert "Your pledge check-in for the week of" in updated.words()
    assert count(teams, StepUpdate) == 1
    # The check-in sent privately works like the first: its buttons update it in place.
    last = [a for a in updated.actions() if a["data"].get("action_id") == "pledge.status"][-1]
    [again] = teams.press(last, updated)
    assert (again.kind, again.activity_id) == ("update", updated.answer["id"])
    [leave] = teams.say("pledge leave")
    confirm = leave.button("pledge.leave.confirm")["data"]
    calls = teams._exchange(from_shared(teams, where, value=confirm, replyToId="channelpost2"))
    [left] = only_a_note_there(calls)
    assert "You have left the pledge." in left.words()


@pytest.mark.parametrize("where", ["channel", "group chat"])
def test_a_form_sent_from_a_shared_conversation_is_answered_privately(
    teams: Teams, where: str
) -> None:
    form = open_sign_form(teams)
    values = {name: element.get("value", "") for name, element in form.inputs().items()}
    answers = {**sign_up_answers(form, own_step="MY PRIVATE OWN STEP"), "timezone": "Not/AZone"}
    answers = {k: ",".join(v) if isinstance(v, list) else v for k, v in answers.items()}
    data = {**form.submit(), **values, **answers}
    calls = teams._exchange(from_shared(teams, where, value=data, replyToId="chanmsg9"))
    [redrawn] = only_a_note_there(calls)  # the form again, with its errors, privately
    assert redrawn.inputs()["own_3"]["value"] == "MY PRIVATE OWN STEP"
    assert "Some answers need another look" in redrawn.words()
    assert redrawn.submit()["origin"] == ""  # it replaces no card of the channel's
    # Sent again from the 1:1 chat, it signs Alice up and that card closes.
    *_, closed = teams.submit(redrawn, {"timezone": "Europe/London"})
    assert (closed.kind, closed.activity_id) == ("update", redrawn.answer["id"])
    assert leader_of(teams, ALICE) is not None
    # A form accepted from a shared conversation: confirmed privately, no card there closed.
    [edit] = teams.say("pledge edit")
    data = {**edit.submit(), **{n: e.get("value", "") for n, e in edit.inputs().items()}}
    calls = teams._exchange(from_shared(teams, where, value=data, replyToId="chanmsg10"))
    assert only_a_note_there(calls)
    for call in teams.fake.calls:
        if call.conversation.split(";")[0] in (GENERAL, GROUP_CHAT):
            assert "MY PRIVATE OWN STEP" not in json.dumps(call.body) and call.kind != "update"


# --- the outbox through Teams: limits, failures, people the bot cannot reach ---------------------


def queue_hellos(teams: Teams, user: str, n: int) -> None:
    with teams.runtime.store.session() as session:
        queue(
            session,
            [
                Outgoing(
                    f"hello:{i}",
                    Address.parse(f"teams:{TENANT}:{user}"),
                    text_message(f"Hello {i}"),
                )
                for i in range(n)
            ],
            teams.clock.now(),
        )


NAMES = {ALICE: "Alice Example", DINA: "Dina Lead", "29:bob": "Bob"}


def meet(teams: Teams, user: str = ALICE) -> None:
    """The user talks to the bot once, so it has their chat's reference; an hour passes, so
    the bot's reply no longer counts against the chat's rate limits."""
    teams.say("hello", user=user, user_name=NAMES[user])
    teams.fake.clear()
    teams.clock.set(teams.clock.now() + timedelta(hours=1))


def test_eight_quick_sends_to_one_chat_the_eighth_waits_a_second(teams: Teams) -> None:
    meet(teams)
    queue_hellos(teams, ALICE, 8)
    _, drained = teams.run_due()
    assert (drained.sent, drained.retried, drained.dead) == (7, 1, 0)
    assert [c.words() for c in teams.fake.calls] == [f"Hello {i}" for i in range(7)]
    waiting = [row for row in outbox(teams) if row.status == "pending"]
    assert len(waiting) == 1 and waiting[0].last_error == "Teams rate limit: deferred by the bot"
    # Teams allows 7 a second: the eighth is due again one second later, not before.
    assert waiting[0].next_attempt_at == teams.clock.now() + timedelta(seconds=1)
    teams.clock.set(teams.clock.now() + timedelta(seconds=0.5))
    assert teams.run_due()[1].sent == 0
    teams.clock.set(teams.clock.now() + timedelta(seconds=0.5))
    assert teams.run_due()[1].sent == 1
    assert [c.words() for c in teams.fake.calls][-1] == "Hello 7"
    assert {row.status for row in outbox(teams)} == {"sent"}  # nothing lost


def test_the_per_chat_limits_do_not_hold_up_other_chats(teams: Teams) -> None:
    meet(teams, ALICE)
    meet(teams, "29:bob")
    queue_hellos(teams, ALICE, 9)
    queue_hellos(teams, "29:bob", 0)
    with teams.runtime.store.session() as session:
        queue(
            session,
            [Outgoing("bob", Address.parse(f"teams:{TENANT}:29:bob"), text_message("Hi Bob"))],
            teams.clock.now(),
        )
    _, drained = teams.run_due()
    assert (drained.sent, drained.retried) == (8, 2)
    assert [c.words() for c in teams.fake.to("a:chat-29:bob")] == ["Hi Bob"]


def test_a_429_is_retried_after_retry_after_and_sent_once(teams: Teams) -> None:
    sign_up(teams)
    leader = leader_of(teams, ALICE)
    assert leader is not None and leader.next_checkin_at is not None
    due = leader.next_checkin_at
    teams.fake.fail_next("send", status=429, retry_after="7")
    teams.clock.set(due)
    counted = "inclusion_bot_rate_limited_responses_total"
    throttled = REGISTRY.get_sample_value(counted, {"platform": "teams"}) or 0
    report, drained = teams.run_due()
    assert REGISTRY.get_sample_value(counted, {"platform": "teams"}) == throttled + 1  # a 429
    assert (report["checkins"], drained.sent, drained.retried) == (1, 0, 1)
    [row] = outbox(teams)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == due + timedelta(seconds=7)
    assert row.last_error == "HTTP 429 from Teams (Throttled)"
    assert len(teams.fake.calls_to("send")) == 1  # the SDK did not retry it behind our back
    teams.clock.set(due + timedelta(seconds=6))
    assert teams.run_due()[1].sent == 0
    teams.clock.set(due + timedelta(seconds=7))
    assert teams.run_due()[1].sent == 1
    first, second = teams.fake.calls_to("send")
    assert (first.ok, second.ok) == (False, True)
    assert first.card() == second.card()  # the same check-in, sent once
    [row] = outbox(teams)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


@pytest.mark.parametrize("status", [412, 502, 504])
def test_other_transient_answers_are_retried_with_backoff(teams: Teams, status: int) -> None:
    meet(teams)
    queue_hellos(teams, ALICE, 1)
    teams.fake.fail_next("send", status=status)
    assert teams.run_due()[1].retried == 1
    [row] = outbox(teams)
    assert row.status == "pending" and row.last_error == f"HTTP {status} from Teams (Throttled)"
    assert len(teams.fake.calls_to("send")) == 1  # once: no retries inside the SDK
    assert row.next_attempt_at > teams.clock.now()
    teams.clock.set(row.next_attempt_at)
    assert teams.run_due()[1].sent == 1


def test_a_permanent_failure_is_recorded_on_the_row_and_the_admin_is_told(teams: Teams) -> None:
    meet(teams)
    meet(teams, DINA)
    queue_hellos(teams, ALICE, 1)
    teams.fake.fail_next("send", status=400, code="BadArgument")
    _, drained = teams.run_due()
    assert (drained.dead, drained.sent) == (1, 1)
    row, alert = outbox(teams)
    assert (row.status, row.last_error) == ("dead", "HTTP 400 from Teams (BadArgument)")
    assert (alert.idempotency_key.startswith("dead:"), alert.status) == (True, "sent")
    [told] = teams.fake.to(f"a:chat-{DINA}")  # a dead letter: the admin hears of it once
    assert "HTTP 400 from Teams (BadArgument)" in told.words()
    assert "Hello 0" not in told.words()


def test_a_user_the_bot_cannot_reach_is_reported_to_admins(teams: Teams) -> None:
    meet(teams, DINA)  # the admin has the app; Bob has never talked to the bot
    with teams.runtime.store.session() as session:
        session.add(Person(platform="teams", tenant=TENANT, user_id="29:bob", display_name="Bob"))
    queue_hellos(teams, "29:bob", 2)
    _, drained = teams.run_due()
    assert (drained.sent, drained.dead) == (1, 2)
    assert drained.errors == [f"teams:{TENANT}:29:bob: {NOT_INSTALLED}"] * 2
    rows = outbox(teams)
    assert [r.last_error for r in rows if r.status == "dead"] == [NOT_INSTALLED] * 2
    # One note to the admin, however many messages failed that day.
    [alert] = teams.fake.to(f"a:chat-{DINA}")
    assert "A message could not be delivered in Teams" in alert.words()
    assert "I could not reach Bob (29:bob): the Teams app is not installed for this user." in (
        alert.words()
    )
    assert "Teams admin centre" in alert.words()
    queue_hellos(teams, "29:bob", 0)
    with teams.runtime.store.session() as session:
        queue(
            session,
            [Outgoing("later", Address.parse(f"teams:{TENANT}:29:bob"), text_message("Later"))],
            teams.clock.now(),
        )
    teams.run_due()
    assert len(teams.fake.to(f"a:chat-{DINA}")) == 1


def test_an_unreachable_admin_raises_no_endless_alerts(teams: Teams) -> None:
    queue_hellos(teams, "29:bob", 1)
    _, drained = teams.run_due()
    # Bob's message, then the alert to Dina, who cannot be reached either: both recorded dead.
    assert drained.dead == 2
    assert teams.fake.calls == []
    assert {r.last_error for r in outbox(teams)} == {NOT_INSTALLED}


def test_the_limiter_keeps_every_teams_window(clock: ManualClock) -> None:
    """Teams' published limits, on an injected clock (no sleeping)."""
    limits = TeamsLimits(clock)
    start = clock.now()

    def sends(n: int, conversation: str = "c1", tenant: str = "t1") -> list[float]:
        return [limits.take(tenant, conversation) for _ in range(n)]

    assert sends(7) == [0.0] * 7
    assert sends(1) == [1.0]  # 7 a second
    clock.set(start + timedelta(seconds=1))
    assert sends(2) == [0.0, 1.0]  # 8 in 2 seconds
    for second in range(2, 60, 2):  # 4 more every 2 seconds: 60 in 30 seconds is the limit
        clock.set(start + timedelta(seconds=second))
        sends(4)
    clock.set(start + timedelta(seconds=29))
    waits = sends(1)
    assert waits[0] > 0
    # Other conversations are not held up; the tenant's 50 a second is shared by all of them.
    clock.set(start + timedelta(hours=2))
    assert sends(1, "c2") == [0.0]
    spread = [limits.take("t1", f"chat{i}") for i in range(60)]
    assert spread.count(0.0) == 49 and spread[-1] == 1.0
    assert limits.take("t2", "elsewhere") == 0.0
    # 1,800 an hour in one conversation.
    busy, at = TeamsLimits(clock), clock.now()
    taken = 0
    for step in range(3600):
        clock.set(at + timedelta(seconds=step * 2))
        taken += sum(1 for _ in range(2) if busy.take("t", "c") == 0.0)
        if taken >= 1800:
            break
    assert taken == 1800 and busy.take("t", "c") > 0


# --- what people type is shown as typed --------------------------------------------------------

EVIL = "<at>Bob</at> [x](http://e) **bold** * _ ~ \\ > < & @everyone `code`"


def test_what_people_type_arrives_as_textrun_text_verbatim(teams: Teams) -> None:
    sign_up(teams, own_3=EVIL)
    [progress] = teams.say("pledge progress")
    assert EVIL in progress.texts()  # the very characters typed, as one TextRun's text
    [run] = [e for e in progress.elements() if e["type"] == "TextRun" and e["text"] == EVIL]
    parents = [e for e in progress.elements() if run in e.get("inlines", [])]
    assert [p["type"] for p in parents] == ["RichTextBlock"]  # never Markdown, never escaped
    assert not any("\\*" in text or "\\[" in text for text in progress.texts())  # no escapes


# --- requests Teams did not sign -----------------------------------------------------------------

APP_ID = "6b1f5c3e-0d1a-4c9e-9a56-3f2b8f6e1a20"


def serve_with(
    loop: Loop, fake: FakeConnector, runtime: Runtime, *, reports: Any = None, **changes: Any
) -> Teams:
    """Another server on the same store, with other Teams settings (or a reports desk)."""
    settings = runtime.settings.model_copy(update=changes)
    bot = Bot(runtime.store, runtime.clock, settings, *runtime.bot.loaded, reports)
    other = Runtime(settings, runtime.store, runtime.clock, bot)
    server = Server(other)
    attach_teams(server, bot, settings)
    runner, port = serve(loop, server)
    server.on_stop.append(runner.cleanup)
    return Teams(loop, fake, server, other, port)


def forged_token(issuer: str) -> str:
    return jwt.encode(
        {"iss": issuer, "aud": APP_ID, "serviceurl": "http://127.0.0.1/"},
        "not-microsofts-key-but-long-enough-for-hmac",
        algorithm="HS256",
    )


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer not-a-token",
        "Basic YWxpY2U6c2VjcmV0",
        f"Bearer {forged_token('https://evil.example/')}",
    ],
    ids=["no-header", "not-a-jwt", "not-bearer", "forged"],
)
def test_with_an_app_id_an_unauthenticated_request_gets_401_and_nothing_is_processed(
    loop: Loop, fake: FakeConnector, runtime: Runtime, authorization: str | None
) -> None:
    secured = serve_with(
        loop,
        fake,
        runtime,
        microsoft_app_id=APP_ID,
        microsoft_app_password=SecretStr("a-secret"),
        teams_allow_unauthenticated=True,  # ignored: an app id means tokens are checked
    )
    try:
        headers = {"Authorization": authorization} if authorization else {}
        answer = secured.post(secured.activity(text="pledge"), headers)
        assert answer.status == 401
        installed = secured.activity("conversationUpdate", membersAdded=[dict(BOT)])
        assert secured.post(installed, headers).status == 401
        assert fake.calls == []  # no reply was even attempted
        assert count(secured, Person) == count(secured, ConversationReference) == 0
        assert "teams" in secured.server.senders  # configured: only the request was refused
    finally:
        for hook in secured.server.on_stop:
            loop.run(hook())


def test_without_an_app_id_or_the_test_flag_teams_refuses_everything(
    loop: Loop, fake: FakeConnector, runtime: Runtime
) -> None:
    closed = serve_with(loop, fake, runtime, teams_allow_unauthenticated=False)
    try:
        assert closed.post(closed.activity(text="pledge")).status == 401
        assert fake.calls == [] and count(closed, ConversationReference) == 0
        assert "teams" not in closed.server.senders
    finally:
        for hook in closed.server.on_stop:
            loop.run(hook())


def test_a_request_that_is_not_an_activity_is_refused(teams: Teams) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", teams.port, timeout=5)
    connection.request(
        "POST", MESSAGES_PATH, body=b"pledge", headers={"Content-Type": "text/plain"}
    )
    assert connection.getresponse().status == 415
    connection.close()
    assert teams.post({"text": "no type"}).status == 400
    assert teams.fake.calls == []


# --- settings ------------------------------------------------------------------------------------


def test_the_teams_settings_use_the_azure_names(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower().startswith(("microsoftapp", "teams_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    monkeypatch.setenv("MicrosoftAppPassword", "s3cret")
    monkeypatch.setenv("MicrosoftAppType", "SingleTenant")
    monkeypatch.setenv("MicrosoftAppTenantId", "tenant-1")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.microsoft_app_id == APP_ID and settings.teams_enabled
    assert settings.microsoft_app_password is not None
    assert settings.microsoft_app_password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    assert (settings.microsoft_app_type, settings.microsoft_app_tenant_id) == (
        "SingleTenant",
        "tenant-1",
    )
    monkeypatch.delenv("MicrosoftAppTenantId")
    with pytest.raises(ValueError, match="SingleTenant needs MicrosoftAppTenantId"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("MicrosoftAppType", "multitenant")
    monkeypatch.delenv("MicrosoftAppPassword")
    with pytest.raises(ValueError, match="MicrosoftAppId needs MicrosoftAppPassword"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("MicrosoftAppId", "")
    monkeypatch.setenv("TEAMS_ALLOW_UNAUTHENTICATED", "1")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.microsoft_app_id is None and settings.teams_enabled
    monkeypatch.setenv("TEAMS_ALLOW_UNAUTHENTICATED", "0")
    assert not Settings(_env_file=None).teams_enabled  # type: ignore[call-arg]


# --- installing: the app package -----------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) from a PNG's IHDR, after checking every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, size = 8, None
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunk = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + chunk) & 0xFFFFFFFF
        if kind == b"IHDR":
            width, height, _, colour = struct.unpack(">IIBB", chunk[:10])
            size = (width, height, colour)
        offset += 12 + length
    assert size is not None
    return size


PACKAGE_ENV = {
    "TEAMS_PRIVACY_URL": "https://example.org/privacy",
    "TEAMS_TERMS_URL": "https://example.org/terms",
}


def test_teams_package_builds_the_app_zip(tmp_path: Path) -> None:
    out = tmp_path / "app.zip"
    result = CliRunner().invoke(
        main,
        [
            "teams",
            "package",
            "--app-id",
            APP_ID,
            "--out",
            str(out),
            "--url",
            "https://bot.example.org",
        ],
        env=PACKAGE_ENV,
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        data = json.loads(archive.read("manifest.json"))
        colour, outline = archive.read("color.png"), archive.read("outline.png")
    assert float(data["manifestVersion"]) >= 1.16 and data["id"] == APP_ID
    [bot] = data["bots"]
    # Where the bot answers (activities.py): 1:1 chats, team channels and group chats.
    assert bot["botId"] == APP_ID and sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    personal = next(c for c in bot["commandLists"] if c["scopes"] == ["personal"])
    assert [c["title"] for c in personal["commands"]] == [
        "pledge",
        "commitments",
        "awareness",
        "report",
        "volunteer",
        "volunteers",
        "dashboard",
    ]
    assert all(len(c["description"]) <= 128 for c in personal["commands"])
    assert data["validDomains"] == ["bot.example.org"]
    assert data["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert len(data["name"]["short"]) <= 30 and len(data["description"]["short"]) <= 80
    assert data["developer"]["privacyUrl"] == PACKAGE_ENV["TEAMS_PRIVACY_URL"]
    assert data["developer"]["termsOfUseUrl"] == PACKAGE_ENV["TEAMS_TERMS_URL"]
    assert png_size(colour) == (192, 192, 6) and png_size(outline) == (32, 32, 6)
    # The outline icon is white on transparent only, as Teams requires.
    pixels = zlib.decompress(outline[outline.index(b"IDAT") + 4 : -16])
    rows = [pixels[r * (1 + 32 * 4) + 1 : (r + 1) * (1 + 32 * 4)] for r in range(32)]
    rgba = {tuple(row[i : i + 4]) for row in rows for i in range(0, 32 * 4, 4)}
    assert rgba == {(255, 255, 255, 255), (255, 255, 255, 0)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--app-id", "not-a-guid"], "is not an app id"),
        (["--app-id", APP_ID, "--url", "http://bot.example.org"], "must be an https:// URL"),
    ],
)
def test_teams_package_refuses_what_teams_would(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main, ["teams", "package", *args, "--out", str(tmp_path / "a.zip")], env=PACKAGE_ENV
    )
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "a.zip").exists()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "Set TEAMS_PRIVACY_URL and TEAMS_TERMS_URL to"),
        ({"TEAMS_PRIVACY_URL": "https://example.org/p"}, "Set TEAMS_TERMS_URL to"),
    ],
)
def test_teams_package_refuses_without_the_organisations_notices(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    out = tmp_path / "a.zip"
    result = CliRunner().invoke(
        main,
        ["teams", "package", "--app-id", APP_ID, "--out", str(out)],
        env={"TEAMS_PRIVACY_URL": None, "TEAMS_TERMS_URL": None, **env},
    )
    assert result.exit_code == 1 and not out.exists()
    assert result.output.startswith(f"Error: {named}") and len(result.output.splitlines()) == 1


def test_teams_users_lists_who_the_bot_can_reach(
    teams: Teams, database_url: str, tmp_path: Path
) -> None:
    meet(teams, ALICE)
    meet(teams, DINA)
    env = {"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, ["teams", "users"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"teams:{TENANT}:{ALICE}\tAlice Example",
        f"teams:{TENANT}:{DINA}\tDina Lead",
    ]


# --- inclusion-bot run: Teams beside Slack -------------------------------------------------------


def test_inclusion_bot_run_serves_teams_beside_slack(
    loop: Loop, fake: FakeConnector, tmp_path: Path
) -> None:
    """The real command in its own process, on its own embedded database."""
    port = free_port()
    env = clean_environment(
        DATA_DIR=str(tmp_path),
        PORT=str(port),
        LOG_LEVEL="WARNING",
        TEAMS_ALLOW_UNAUTHENTICATED="1",
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="8f742231b10e8888abcd99yyyzzz85a5",
        SLACK_API_URL=f"http://127.0.0.1:{fake.port}/slack/",
    )
    bot = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "run"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert bot.stderr is not None
        logged: list[str] = []
        while not logged or "is serving" not in logged[-1]:  # each readline blocks for a line
            logged.append(bot.stderr.readline())
            assert logged[-1], f"inclusion-bot run stopped: {''.join(logged)}"
        assert f"inclusion-bot is serving on port {port} (slack, teams)" in logged[-1]
        assert any("TEAMS_ALLOW_UNAUTHENTICATED=1" in line for line in logged)
        activity = Teams(loop, fake, Server.__new__(Server), None, port).activity(  # type: ignore[arg-type]
            text="pledge help"
        )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "POST",
            MESSAGES_PATH,
            body=json.dumps(activity),
            headers={"Content-Type": "application/json"},
        )
        assert connection.getresponse().status == 201
        connection.close()
        [answer] = fake.wait_for("reply", timeout=10)
        assert "/pledge progress" in answer.words()
    finally:
        bot.send_signal(signal.SIGTERM)
        _, errors = bot.communicate(timeout=15)
    assert bot.returncode == 0, errors
    assert "Traceback" not in errors


# --- anonymous forms: reports open in a dialog ---------------------------------------------------


def invoke(teams: Teams, name: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """A task module invoke, as Teams sends it when a dialog is opened or submitted."""
    activity = teams.activity("invoke", name=name, value={"data": data}, **kwargs)
    answer = teams.post(activity)
    assert answer.status == 200, answer
    assert teams.fake.invokes[-1].ok, teams.fake.invokes[-1].answer  # Teams would show it
    return answer.json()


def dialog_card(response: dict[str, Any]) -> Call:
    task = response["task"]
    assert task["type"] == "continue"
    return Call("dialog", "", None, {"attachments": [task["value"]["card"]]})


def test_a_report_is_filed_in_a_dialog_and_nothing_of_it_stays_in_the_chat(
    loop: Loop, fake: FakeConnector, runtime: Runtime
) -> None:
    from bot.reports import registry
    from bot.reports.load import load_reports
    from bot.reports.models import ReportCase

    with runtime.store.session() as session:  # someone to receive it, or /report is refused
        registry.add(session, Address.parse(f"teams:{TENANT}:{DINA}"), ["racism"], False, "")
    teams = serve_with(loop, fake, runtime, reports=load_reports(runtime.settings))
    try:
        [launcher] = teams.say("report")
        opener = launcher.actions()[0]
        assert opener["data"]["msteams"] == {"type": "task/fetch"}
        assert "not kept in this chat" in launcher.words()
        assert launcher.inputs() == {}  # the form itself is not in the chat
        # The reporter's message did not even record when they last wrote to the bot.
        assert count(teams, ConversationReference) == 0
        fake.clear()
        form = dialog_card(invoke(teams, "task/fetch", opener["data"]))
        assert "\nReport racism\n" in form.words()  # the one kind offered
        assert form.inputs()["what"]["isMultiline"] is True
        data = form.submit()
        assert set(data) == {"form_id", "context", "lists", "card"}  # nothing identifying
        values = {name: element.get("value", "") for name, element in form.inputs().items()}
        errors = dialog_card(invoke(teams, "task/submit", {**data, **values, "category": "racism"}))
        assert "Some answers need another look" in errors.words()
        assert errors.inputs()["category"]["value"] == "racism"
        answers = {**values, "category": "racism", "what": "It happened.", "role": "witness"}
        receipt = dialog_card(invoke(teams, "task/submit", {**data, **answers}))
        assert "Your report has been received." in receipt.words()
        assert "Passphrase:" in receipt.words()
        assert fake.calls == []  # no receipt, no trace in the chat
        assert count(teams, ConversationReference) == 0 and count(teams, ReportCase) == 1
        # A stale dialog (the bot restarted) says so instead of failing.
        stale = invoke(teams, "task/fetch", {"msteams": {"type": "task/fetch"}, "form_token": "x"})
        assert stale["task"]["type"] == "message" and "expired" in stale["task"]["value"]
    finally:
        for hook in teams.server.on_stop:
            loop.run(hook())


# --- the worst real cases: everything fits, nothing is lost ------------------------------------

#: 300 characters of what people really type, Markdown and markup included.
MARKUP = "* _ ~ ` > < & @ [x](http://e) \\ "


def typed(length: int, label: str) -> str:
    """``length`` characters starting with ``label``, then markup and words to the end."""
    text = f"{label} " + (MARKUP + "lorem ipsum ") * (length // len(MARKUP))
    return text[:length].rstrip() or text[:length]


def all_ok(calls: list[Call]) -> list[Call]:
    """Every call accepted by the fake Teams (it enforces the documented rules)."""
    for call in calls:
        assert call.ok and not call.answer.get("problems"), call.answer
        if call.kind != "create":
            check_card(call)
    return calls


def everything(calls: list[Call]) -> tuple[str, list[dict[str, Any]]]:
    """All the words and all the buttons of the latest version of each card among ``calls``."""
    latest: dict[str, Call] = {}
    for call in calls:
        key = str(call.activity_id if call.kind == "update" else call.answer.get("id"))
        latest[key] = call
    words = "\n".join(c.words() for c in latest.values())
    return words, [a for c in latest.values() for a in c.actions()]


def test_sixteen_steps_answered_with_long_notes_fit_and_every_button_is_reachable(
    teams: Teams,
) -> None:
    form = open_sign_form(teams)
    answers = sign_up_answers(form)
    for number in range(1, 9):  # a suggestion and a 300-character own step for each
        choices = form.inputs()[f"steps_{number}"]["choices"]
        answers[f"steps_{number}"] = [choices[0]["value"]]
        answers[f"own_{number}"] = typed(300, f"own-step-{number}")
    all_ok(teams.submit(form, answers))
    checkin = deliver_checkin(teams)
    [notes_form] = all_ok(teams.press(checkin.button("pledge.notes"), checkin))
    notes = {}
    for name in notes_form.inputs():
        if name.startswith("status_"):
            notes[name] = "done"
        elif name.startswith("note_"):
            notes[name] = typed(500, f"note-{name}")
    assert len([n for n in notes if n.startswith("note_")]) == 16
    replies = all_ok(teams.submit(notes_form, notes))
    words, buttons = everything([checkin, *replies])
    for number in range(1, 9):
        assert typed(300, f"own-step-{number}") in words
    for name, note in notes.items():
        if name.startswith("note_"):
            assert note in words  # verbatim, markup and all
    statuses = [b for b in buttons if (b.get("data") or {}).get("action_id") == "pledge.status"]
    assert len({b["data"]["value"] for b in statuses}) == 16 * 4 + 11  # 11 offer Ongoing
    for action_id in ("pledge.notes", "pledge.skip", "pledge.away"):
        assert any((b.get("data") or {}).get("action_id") == action_id for b in buttons)
    [progress, *more] = all_ok(teams.say("pledge progress"))
    assert typed(300, "own-step-8") in "\n".join(c.words() for c in [progress, *more])


def test_the_summary_for_500_leaders_is_sent_in_parts_that_each_fit(teams: Teams) -> None:
    """500 leaders with 200-character names (markup in them), every one not heard from: the
    summary's longest form. Their rows are written as sign-ups and missed weeks leave them."""
    from bot.pledge.models import Checkin

    now = teams.clock.now()
    with teams.runtime.store.session() as session:
        for n in range(500):
            person = Person(
                platform="teams",
                tenant=TENANT,
                user_id=f"29:l{n}",
                display_name=typed(200, f"L{n}"),
            )
            leader = Leader(
                person=person,
                status="active",
                weekday=0,
                local_time="09:00",
                timezone="Europe/London",
                signed_at=now - timedelta(weeks=6),
            )
            session.add(leader)
            session.flush()
            for week in range(1, 5):
                monday = now.date() - timedelta(days=now.weekday(), weeks=week)
                due = datetime.combine(monday, datetime.min.time(), tzinfo=UTC)
                session.add(
                    Checkin(leader_id=leader.id, week_of=monday, due_at=due, status="missed")
                )
    meet(teams, DINA)
    teams.fake.clear()
    calls = all_ok(teams.say("pledge summary", user=DINA, user_name="Dina Lead"))
    assert len(calls) > 1
    words = "\n".join(c.words() for c in calls)
    for n in range(500):
        assert f"{typed(200, f'L{n}')}: 4 missed" in words
    count = len(calls)
    assert f"Continued: part {count} of {count}." in calls[-1].words()
    for call in calls[:-1]:
        assert "More in the next message" in call.texts()[-1]


def dialog_pages(teams: Teams, first: Call, user: str) -> list[Call]:
    """Every page of a dialog from ``first`` on, by its Later buttons; each page Teams would
    show (``invoke`` checks), each saying where it is."""
    pages = [first]
    while later := [a for a in pages[-1].actions() if a["title"] == "Later"]:
        pages.append(dialog_card(invoke(teams, "task/submit", later[0]["data"], user=user)))
        assert f"Part {len(pages)} of" in pages[-1].words() and len(pages) < 30
    return pages


def test_a_case_with_a_long_history_reaches_its_handler_whole_in_a_dialog(
    loop: Loop, fake: FakeConnector, runtime: Runtime
) -> None:
    """A 3,000-character report and 25 messages of 3,000 characters, opened by a handler: all
    of it in the dialog, none of it in the chat."""
    from bot.reports import registry
    from bot.reports.load import load_reports
    from bot.reports.models import ReportCase

    teams = serve_with(loop, fake, runtime, reports=load_reports(runtime.settings))
    try:
        with runtime.store.session() as session:
            registry.add(session, Address.parse(f"teams:{TENANT}:{DINA}"), ["racism"], False, "D")
        [launcher] = teams.say("report")
        form = dialog_card(invoke(teams, "task/fetch", launcher.actions()[0]["data"]))
        values = {name: element.get("value", "") for name, element in form.inputs().items()}
        report = typed(3000, "the-report")
        answers = {**values, "category": "racism", "what": report, "role": "witness"}
        receipt = dialog_card(invoke(teams, "task/submit", {**form.submit(), **answers}))
        assert "Your report has been received." in receipt.words()
        assert teams_card_problems(receipt.card()) == []
        with runtime.store.session() as session:
            case = session.scalars(select(ReportCase)).one()
            case.alerted = True  # the delayed alert has gone out: handlers may open it now
            case_id = str(case.id)
        meet(teams, DINA)
        fake.clear()
        opener = {"msteams": {"type": "task/fetch"}, "action_id": "report.open", "value": case_id}
        for number in range(25):
            opened = dialog_card(invoke(teams, "task/fetch", opener, user=DINA))
            press = dialog_pages(teams, opened, DINA)[-1].button("report.message")["data"]
            text_form = dialog_card(invoke(teams, "task/submit", press, user=DINA))
            answer = {**text_form.submit(), "text": typed(3000, f"message-{number}")}
            saved = dialog_card(invoke(teams, "task/submit", answer, user=DINA))
            assert f"message-{number}" in saved.words()
        view = dialog_card(invoke(teams, "task/fetch", opener, user=DINA))
        pages = dialog_pages(teams, view, DINA)
        assert len(pages) > 1 and "Part 1 of" in view.words()
        words = "\n".join(page.words() for page in pages)
        assert report in words
        for number in range(25):
            assert typed(3000, f"message-{number}") in words
        labels = [a["title"] for page in pages for a in page.actions()]
        for label in ("Assign to me", "Message the reporter", "Add a private note", "Set status"):
            assert label in labels
        assert fake.calls == []  # nothing of the case reached the chat
    finally:
        for hook in teams.server.on_stop:
            loop.run(hook())


# --- refusals are never silent; forms survive a restart -------------------------------------------


def test_a_refused_reply_is_logged_and_the_person_gets_a_short_note(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    teams.fake.fail_next("reply", status=413, code="MessageSizeTooBig")
    refused, note = teams.say("pledge help")
    assert (refused.answer["status"], note.ok) == (413, True)
    assert "Teams would not show a message I sent you: HTTP 413 from Teams" in note.words()
    assert "Teams refused a reply: HTTP 413 from Teams (MessageSizeTooBig)" in caplog.text
    teams.fake.fail_next("update", status=400, code="BadArgument")
    checkin_form = open_sign_form(teams)
    answers = {**sign_up_answers(checkin_form), "timezone": "Mars/Olympus_Mons"}
    refused, note = teams.submit(checkin_form, answers)  # the redraw was refused
    assert (refused.kind, refused.answer["status"], note.kind) == ("update", 400, "reply")
    assert "HTTP 400 from Teams (BadArgument)" in note.words()
    assert "Teams refused a card update: HTTP 400 from Teams (BadArgument)" in caplog.text


def test_a_refused_proactive_message_is_recorded_and_the_person_gets_a_note(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    meet(teams)
    meet(teams, DINA)
    queue_hellos(teams, ALICE, 1)
    teams.fake.fail_next("send", status=413, code="MessageSizeTooBig")
    assert teams.run_due()[1].dead == 1
    row, _alert = outbox(teams)  # the admin hears of the dead letter too
    assert row.last_error == "HTTP 413 from Teams (MessageSizeTooBig)"
    refused, note = teams.fake.to(f"a:chat-{ALICE}")
    assert not refused.ok and note.ok and "HTTP 413" in note.words()
    assert f"Teams refused a message to teams:{TENANT}:{ALICE}: HTTP 413" in caplog.text


def test_a_form_token_is_served_by_another_instance_of_the_adapter(
    loop: Loop, fake: FakeConnector, runtime: Runtime, teams: Teams
) -> None:
    """A form card and a dialog opened on one server work on another (a replica, or the same
    bot after a restart): their tokens are in the database, not in the process."""
    from bot.reports import registry
    from bot.reports.load import load_reports

    with runtime.store.session() as session:  # someone to receive a report
        registry.add(session, Address.parse(f"teams:{TENANT}:{DINA}"), ["racism"], False, "")
    form = open_sign_form(teams)
    other = serve_with(loop, fake, runtime, reports=load_reports(runtime.settings))
    try:
        answers = {**sign_up_answers(form), "timezone": "Mars/Olympus_Mons"}
        [redrawn] = other.submit(form, answers)
        assert (redrawn.kind, redrawn.activity_id) == ("update", form.answer["id"])
        assert redrawn.inputs()["timezone"]["value"] == "Mars/Olympus_Mons"
        [launcher] = other.say("report")
    finally:
        for hook in other.server.on_stop:
            loop.run(hook())
    elsewhere = serve_with(loop, fake, runtime, reports=load_reports(runtime.settings))
    try:
        opened = invoke(elsewhere, "task/fetch", launcher.actions()[0]["data"])
        assert "\nReport racism\n" in dialog_card(opened).words()
    finally:
        for hook in elsewhere.server.on_stop:
            loop.run(hook())


def test_a_check_in_that_outgrows_one_message_is_updated_in_parts(teams: Teams) -> None:
    """Notes in a script the SDK sends escaped (six characters for one) make the check-in
    too big for one message: the card pressed shows its first part, the rest follow, and a
    button on a later part refreshes that part in place."""
    form = open_sign_form(teams)
    answers = sign_up_answers(form)
    for number in range(1, 9):
        choices = form.inputs()[f"steps_{number}"]["choices"]
        answers[f"steps_{number}"] = [choices[0]["value"]]
        answers[f"own_{number}"] = typed(300, f"own-step-{number}")
    teams.submit(form, answers)
    checkin = deliver_checkin(teams)
    [notes_form] = teams.press(checkin.button("pledge.notes"), checkin)
    notes = {
        name: ("進捗メモ " * 100)[:499] + str(index % 10)
        for index, name in enumerate(notes_form.inputs())
        if name.startswith("note_")
    }
    # Notes without statuses: the form is too big to redraw with them, so the errors come as a
    # message and the card keeps what was typed.
    [errors] = all_ok(teams.submit(notes_form, notes))
    assert errors.kind == "reply" and "Some answers need another look" in errors.words()
    statuses = {name: "done" for name in notes_form.inputs() if name.startswith("status_")}
    replies = all_ok(teams.submit(notes_form, {**notes, **statuses}))
    updated = [c for c in replies if c.kind == "update" and c.activity_id == checkin.answer["id"]]
    later = [c for c in replies if c.kind == "reply" and "Continued: part" in c.words()]
    assert len(updated) == 1 and later
    assert "More in the next message" in updated[0].texts()[-1]
    words, buttons = everything([checkin, *replies])
    assert all(note in words for note in notes.values())
    statuses = [b for b in buttons if (b.get("data") or {}).get("action_id") == "pledge.status"]
    assert len({b["data"]["value"] for b in statuses}) == 16 * 4 + 11  # 11 offer Ongoing
    last = later[-1]
    pressed = [a for a in last.actions() if a["data"].get("action_id") == "pledge.status"][-1]
    [refreshed] = all_ok(teams.press(pressed, last))
    assert (refreshed.kind, refreshed.activity_id) == ("update", last.answer["id"])
    assert pressed["data"]["value"] in {a["data"].get("value") for a in refreshed.actions()}


def test_dashboard_asked_for_in_a_channel_sends_an_admin_the_link_in_private(
    teams: Teams,
) -> None:
    calls = teams._exchange(teams.activity(channel=GENERAL, user=DINA, **mention("dashboard")))
    private = [c for c in calls if c.conversation == f"a:chat-{DINA}"]
    assert len(private) == 1
    assert "Your dashboard link" in private[0].words()
    assert "/admin/sign-in?token=" in json.dumps(private[0].body)
    shared = [c for c in calls if c.conversation.startswith(GENERAL)]
    assert [c.words() for c in shared] == [ANSWERED_PRIVATELY]
    assert "token=" not in json.dumps([c.body for c in shared])
    refused = teams.say("dashboard")  # Alice, not an admin, in her 1:1 chat
    assert [c.words() for c in refused] == ["Only admins can open the dashboard."]
    with teams.runtime.store.session() as session:
        (link,) = session.scalars(select(DashboardLink)).all()
    assert link.address == f"teams:{TENANT}:{DINA}"


def test_an_admin_changes_an_organisers_dates_from_the_question_card(teams: Teams) -> None:
    """Issue 15: the question about organisers' dates, its buttons and the change-dates form."""
    # Dina's workspace posts UK dates, so she is asked; the bot knows her 1:1 chat.
    teams._exchange(
        teams.activity(
            user=DINA, user_name="Dina Lead", channel=GENERAL, **mention("awareness subscribe uk")
        )
    )
    teams.say("help", user=DINA, user_name="Dina Lead")
    teams.clock.set(datetime(2027, 8, 16, 8, 0, tzinfo=UTC))  # six weeks before, 09:00 London
    teams.run_due()
    [question] = [
        c
        for c in teams.fake.to(f"a:chat-{DINA}")
        if "Please confirm the dates of National Inclusion Week 2027" in c.words()
    ]
    check_card(question)
    assert "Expected: Monday 27 September 2027 to Sunday 3 October 2027." in question.words()
    refused = teams.press(question.button("awareness.organiser.confirm"), question, user=ALICE)
    assert "Only admins can confirm organisers' dates." in refused[-1].words()
    [form] = teams.press(question.button("awareness.organiser.change"), question, user=DINA)
    assert form.inputs()["start"]["type"] == "Input.Date"
    assert form.inputs()["start"]["value"] == "2027-09-27"
    [redrawn] = teams.submit(form, {"start": "2027-10-11", "end": "2027-10-04"}, user=DINA)
    assert "The last day must be on or after the first." in redrawn.words()
    replies = teams.submit(redrawn, {"start": "2027-10-04", "end": "2027-10-10"}, user=DINA)
    assert any(
        "Confirmed: National Inclusion Week 2027, Monday 4 October 2027 to Sunday 10 October"
        in c.words()
        for c in replies
    )
    again = teams.press(question.button("awareness.organiser.confirm"), question, user=DINA)
    assert "was already confirmed for Monday 4 October 2027" in again[-1].words()
