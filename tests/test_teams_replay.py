# ruff: noqa: F811 (the fixtures of tests/test_teams.py are imported, and used as arguments)
"""Teams replayed: every shape of activity Teams sends, each answered in the right place.

The activities below are written for this project after the shapes the Bot Framework and Teams
document ("Conversation basics", "Channel and group chat conversations with a bot", "Send
proactive installation messages", "Task modules", "Universal Actions for Adaptive Cards") and
that live Teams clients were recorded sending: channel messages with and without
``conversationType``, group chats whose ids end in ``@thread.v2`` or ``@thread.skype``,
installations, dialogs, Universal Actions and strays. Each test says where the answer went
(which conversation, private or not), and every test checks that the bot never answered itself.

They run through the real server, CloudAdapter and botbuilder client, against the fake Bot
Connector of tests/fake_connector.py, as tests/test_teams.py does.

The tests of the break-it review (bots in any case, chats that only say they are personal,
dialogs over Teams' budget) failed before it was fixed, as did every other test before issues
11 and 18 were fixed, except these controls, kept so the fix
cannot over-correct: a channel and a group chat that state their ``conversationType``, a 1:1
chat without one, someone else joining a channel, and the reporter's follow-up (already in a
dialog).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.runtime import Runtime
from bot.conversation import Address
from bot.reports import registry
from bot.reports.load import load_reports
from bot.reports.models import CaseMessage, ReportCase
from bot.store.models import ConversationReference, Person
from tests.event_loop import Loop
from tests.fake_connector import Call, FakeConnector
from tests.platform_rules import teams_invoke_problems
from tests.test_teams import (  # noqa: F401 (pytest fixtures)
    ALICE,
    BOT,
    DINA,
    TENANT,
    Teams,
    count,
    dialog_card,
    dialog_pages,
    fake,
    invoke,
    meet,
    runtime,
    serve_with,
    settings,
    teams,
)

ALICE_CHAT = f"a:chat-{ALICE}"  # the 1:1 chat the fake connector opens for Alice
CHANNEL = "19:3f1c0a2b9d8e4f6a@thread.tacv2"
OLD_CHANNEL = "19:aa11bb22cc33@thread.skype"
GROUP = "19:group-7c1e5d@thread.v2"
OLD_GROUP = "19:oldgroup-5b2a@thread.skype"
TEAM = {"id": "19:team-general@thread.tacv2", "name": "Everyone", "aadGroupId": "gid-1"}


def in_channel(conversation_type: str | None, *, team: bool = True) -> dict[str, Any]:
    """A channel post's conversation and channelData, as Teams sends them (a thread's id)."""
    conversation: dict[str, Any] = {"id": f"{CHANNEL};messageid=1700000000001", "isGroup": True}
    if conversation_type:
        conversation["conversationType"] = conversation_type
    data: dict[str, Any] = {"tenant": {"id": TENANT}}
    if team:
        data.update(team=TEAM, channel={"id": CHANNEL, "name": "General"}, teamsTeamId=TEAM["id"])
    return {"conversation": {**conversation, "tenantId": TENANT}, "channelData": data}


def in_group(ident: str, conversation_type: str | None, *, is_group: bool = True) -> dict[str, Any]:
    """A group chat's conversation: no team, no channel."""
    conversation: dict[str, Any] = {"id": ident, "tenantId": TENANT}
    if is_group:
        conversation["isGroup"] = True
    if conversation_type:
        conversation["conversationType"] = conversation_type
    return {"conversation": conversation, "channelData": {"tenant": {"id": TENANT}}}


#: Every shared conversation, as the different clients send it.
SHARED = {
    "channel": in_channel("channel"),
    "channel, no conversationType": in_channel(None),
    "channel, id alone": {
        "conversation": {"id": f"{CHANNEL};messageid=1700000000002"},
        "channelData": {"tenant": {"id": TENANT}},
    },
    "old channel, team alone": {
        "conversation": {"id": OLD_CHANNEL, "isGroup": True},
        "channelData": {"tenant": {"id": TENANT}, "team": {"id": OLD_CHANNEL}},
    },
    "group chat": in_group(GROUP, "groupChat"),
    "group chat, no conversationType": in_group(GROUP, None),
    "old group chat, id alone": in_group(OLD_GROUP, None, is_group=False),
    "group chat, says personal": in_group(GROUP, "personal"),
    "unknown kind": {
        "conversation": {"id": "conv-0001", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
    },
}


def mentioned(text: str) -> dict[str, Any]:
    return {
        "text": f"<at>inclusion-bot</at> {text}",
        "textFormat": "plain",
        "entities": [{"type": "mention", "text": "<at>inclusion-bot</at>", "mentioned": BOT}],
    }


def post(teams: Teams, activity: dict[str, Any]) -> list[Call]:
    start = len(teams.fake.calls)
    answer = teams.post(activity)
    assert answer.status in (200, 201), answer
    return never_to_itself(teams.fake.calls[start:])


def never_to_itself(calls: list[Call]) -> list[Call]:
    """Nothing the bot sent was addressed to the bot."""
    for call in calls:
        assert (call.body.get("recipient") or {}).get("id") != BOT["id"], call.body
    return calls


def stored(teams: Teams) -> list[tuple[str, str, str]]:
    """Every stored reference: (kind, address id, the conversation id it reaches)."""
    with teams.runtime.store.session() as session:
        return [
            (row.kind, row.address_id, row.reference["conversation"]["id"])
            for row in session.scalars(select(ConversationReference))
        ]


def private_chats_are_private(teams: Teams) -> None:
    """No person's stored chat is a group's or a channel's."""
    for kind, _, conversation in stored(teams):
        if kind == "user":
            assert conversation.startswith("a:"), conversation


@pytest.fixture
def reporting(loop: Loop, fake: FakeConnector, runtime: Runtime) -> Iterator[Teams]:
    """A server with reports on, and Dina receiving racism reports."""
    with runtime.store.session() as session:
        registry.add(session, Address.parse(f"teams:{TENANT}:{DINA}"), ["racism"], False, "D")
    served = serve_with(loop, fake, runtime, reports=load_reports(runtime.settings))
    yield served
    for hook in served.server.on_stop:
        loop.run(hook())
    for answer in fake.invokes:  # every dialog shown, as Teams would show it
        assert not answer.answer.get("problems"), answer.answer


# --- 18.1: the kind of conversation, from every signal ------------------------------------------


@pytest.mark.parametrize("shape", SHARED)
def test_a_personal_answer_asked_for_in_a_shared_conversation_goes_to_the_1to1_chat(
    teams: Teams,
    shape: str,
) -> None:
    activity = {**teams.activity(**mentioned("pledge")), **SHARED[shape]}
    calls = post(teams, activity)
    place = SHARED[shape]["conversation"]["id"]
    forms = [c for c in calls if c.kind != "create" and c.inputs()]
    assert [c.conversation for c in forms] == [ALICE_CHAT]  # the form: privately, only there
    [note] = [c for c in calls if c.conversation == place]
    assert note.words() == "I've answered you in our private chat."
    assert not [c for c in calls if c.conversation not in (place, ALICE_CHAT, "")]
    private_chats_are_private(teams)
    # Later private answers (an outbox message to Alice) reach her chat, not the group.
    meet_again = post(teams, {**teams.activity(**mentioned("pledge progress")), **SHARED[shape]})
    assert all(c.conversation in (place, ALICE_CHAT) for c in meet_again)
    assert not [c for c in meet_again if c.conversation == place and "progress" in c.words()]


def test_a_personal_chat_without_conversation_type_is_answered_in_place(
    teams: Teams,
) -> None:
    activity = teams.activity(text="pledge", textFormat="plain")
    activity["conversation"] = {"id": "a:1personal-xyz", "tenantId": TENANT}
    [form] = post(teams, activity)
    assert form.conversation == "a:1personal-xyz" and form.inputs()
    assert stored(teams) == [("user", ALICE, "a:1personal-xyz")]


# --- issue 11, finding 6: a report asked for where others read ------------------------------------


@pytest.mark.parametrize("shape", SHARED)
def test_report_in_a_shared_conversation_says_how_to_start_privately_and_keeps_nothing(
    reporting: Teams, shape: str
) -> None:
    calls = post(reporting, {**reporting.activity(**mentioned("report")), **SHARED[shape]})
    place = SHARED[shape]["conversation"]["id"]
    [answer] = calls  # no 1:1 chat opened, no launcher anywhere
    assert answer.conversation == place and answer.kind in ("reply", "send")
    assert "Message me privately" in answer.words() and "type report" in answer.words()
    assert answer.actions() == []
    assert stored(reporting) == []  # nothing about the asker: no reference, no time


def test_report_followup_in_a_channel_is_refused_the_same_way(reporting: Teams) -> None:
    [answer] = post(
        reporting,
        {
            **reporting.activity(**mentioned("report followup")),
            **SHARED["channel, no conversationType"],
        },
    )
    assert "Message me privately" in answer.words() and stored(reporting) == []


# --- 18.5: the bot's own messages, Universal Actions, strays --------------------------------------


@pytest.mark.parametrize("shape", ["personal", "channel, no conversationType", "group chat"])
def test_a_message_from_the_bots_own_id_is_not_answered(teams: Teams, shape: str) -> None:
    activity = teams.activity(text="pledge", textFormat="plain", user=BOT["id"], user_name="bot")
    if shape != "personal":
        activity.update(SHARED[shape])
    assert post(teams, activity) == []
    assert stored(teams) == []


def test_a_message_from_the_bots_app_id_is_not_answered(
    loop: Loop,
    fake: FakeConnector,
    runtime: Runtime,
) -> None:
    """With an app id, Teams writes the bot's id as 28:APP_ID, whatever the recipient says."""
    from adapters.teams.app import TeamsBot

    app_id = "00000000-0000-0000-0000-00000000b07"
    bot = TeamsBot(runtime.bot, None, app_id, None)  # type: ignore[arg-type]
    from botbuilder.schema import Activity

    def sent(sender: str) -> Activity:
        return Activity().deserialize(
            {"type": "message", "from": {"id": sender}, "recipient": {"id": f"28:{app_id}"}}
        )

    assert bot._from_a_bot(sent(f"28:{app_id}")) and bot._from_a_bot(sent(f"28:{app_id.upper()}"))
    assert bot._from_a_bot(sent(app_id.upper()))  # the bare app id, in another case
    assert not bot._from_a_bot(sent(ALICE))


#: Bots as Teams' activities name them: no recipient to compare with, the bot's own id in
#: another case, another bot altogether.
BOTS = {
    "own id, no recipient": (BOT["id"], False),
    "own id upper-cased": ("28:INCLUSION-BOT", True),
    "another bot": ("28:f00dfeed-0000-4000-8000-000000000001", True),
}


@pytest.mark.parametrize("shape", BOTS)
@pytest.mark.parametrize("where", ["personal", "channel, no conversationType"])
def test_no_bot_is_ever_answered_or_stored(teams: Teams, shape: str, where: str) -> None:
    sender, with_recipient = BOTS[shape]
    activity = teams.activity(text="pledge help", textFormat="plain", user=sender, user_name="b")
    activity["conversation"]["id"] = f"a:chat-{sender}"
    if where != "personal":
        activity.update(SHARED[where])
    if not with_recipient:
        del activity["recipient"]
    assert post(teams, activity) == []
    press = {**activity, "value": {"action_id": "pledge.progress", "value": ""}}
    assert post(teams, press) == []
    fetch = teams.activity("invoke", name="task/fetch", value={"data": press["value"]}, user=sender)
    answer = teams.post(fetch)
    assert answer.status == 400 and "from a bot" in answer.json()["value"]["message"]
    assert stored(teams) == [] and count(teams, Person) == 0


# --- issue 18 (break-it, 2): a person's private chat is only ever a 1:1 chat ---------------------


#: Conversations that say "personal" but whose id is not a 1:1 chat's (a:…).
NOT_ONE_TO_ONE = {
    "group chat id URL-encoded": "19%3Ag2%40thread.v2",
    "meeting chat": "19:meeting_abc@thread.v2",
    "opaque id": "conv-xyz",
    "a user's id": "29:bob",
    "an org id": "8:orgid:1234",
    "1:1 form with a thread in it": "a:x;messageid=1",
}


@pytest.mark.parametrize("shape", NOT_ONE_TO_ONE)
def test_a_stored_private_chat_is_never_replaced_by_a_conversation_of_another_form(
    teams: Teams, shape: str
) -> None:
    post(teams, teams.activity(text="pledge help", textFormat="plain"))
    assert stored(teams) == [("user", ALICE, ALICE_CHAT)]
    place = NOT_ONE_TO_ONE[shape]
    activity = teams.activity(text="pledge progress", textFormat="plain")
    activity["conversation"] = {"id": place, "conversationType": "personal", "tenantId": TENANT}
    calls = post(teams, activity)
    assert [s for s in stored(teams) if s[0] == "user"] == [("user", ALICE, ALICE_CHAT)]
    [answer] = [c for c in calls if c.conversation == ALICE_CHAT]  # the answer: privately
    assert "You haven't signed the pledge yet" in answer.words()
    assert [c.words() for c in calls if c.conversation == place] == [
        "I've answered you in our private chat."
    ]
    # The same from a 1:1 chat Teams gave anew (the app reinstalled) does replace it.
    activity["conversation"]["id"] = "a:1new-chat-xyz"
    [answer] = post(teams, activity)
    assert answer.conversation == "a:1new-chat-xyz"
    assert ("user", ALICE, "a:1new-chat-xyz") in stored(teams)


def test_universal_actions_get_a_message_not_null(teams: Teams) -> None:
    value = {
        "action": {"type": "Action.Execute", "verb": "refresh", "data": {"x": 1}},
        "trigger": "manual",
    }
    for shape in ("personal", "group chat"):
        activity = teams.activity("invoke", name="adaptiveCard/action", value=value)
        if shape != "personal":
            activity.update(SHARED[shape])
        answer = teams.post(activity)
        assert answer.status == 200
        body = answer.json()
        assert body["statusCode"] == 200
        assert body["type"] == "application/vnd.microsoft.activity.message"
        assert isinstance(body["value"], str) and body["value"]
    assert never_to_itself(teams.fake.calls) == []  # answered in the invoke, nothing posted


def test_a_task_submit_without_from_is_refused_with_400(teams: Teams) -> None:
    activity = teams.activity("invoke", name="task/submit", value={"data": {"form_id": "x"}})
    del activity["from"]
    answer = teams.post(activity)
    assert answer.status == 400
    assert "no sender" in answer.json()["value"]["message"]
    assert teams.fake.calls == [] and stored(teams) == []


# --- 18.4: an introduction, once per conversation -------------------------------------------------


def test_added_to_a_team_the_bot_introduces_itself_once(teams: Teams) -> None:
    team = {**SHARED["channel, no conversationType"]}
    team["conversation"] = {"id": CHANNEL, "isGroup": True, "tenantId": TENANT}
    installed = {**teams.activity("installationUpdate", action="add"), **team}
    [hello] = post(teams, installed)
    assert hello.conversation == CHANNEL
    assert "Reports are private" in hello.words() and "weekly check-ins" in hello.words()
    added = {**teams.activity("conversationUpdate", membersAdded=[dict(BOT)]), **team}
    assert post(teams, added) == []  # the same installation: said once
    assert [k for k, *_ in stored(teams)] == ["channel"]


def test_added_to_a_group_chat_without_conversation_type_it_introduces_itself_there(
    teams: Teams,
) -> None:
    added = {
        **teams.activity("conversationUpdate", membersAdded=[{"id": ALICE}, dict(BOT)]),
        **SHARED["group chat, no conversationType"],
    }
    [hello] = post(teams, added)
    assert hello.conversation == GROUP and "Reports are private" in hello.words()
    assert post(teams, added) == []
    private_chats_are_private(teams)


def test_installed_for_a_person_it_greets_them_once(teams: Teams) -> None:
    [hello] = post(teams, teams.activity("installationUpdate", action="add"))
    assert hello.conversation == ALICE_CHAT and "/report" in hello.words()
    assert post(teams, teams.activity("conversationUpdate", membersAdded=[dict(BOT)])) == []


def test_someone_else_joining_is_not_an_introduction(teams: Teams) -> None:
    joined = {
        **teams.activity("conversationUpdate", membersAdded=[{"id": "29:zoe"}]),
        **SHARED["channel"],
    }
    assert post(teams, joined) == [] and stored(teams) == []


# --- issue 11: case content only in dialogs; a replayed dialog files once ------------------------


def file_report(teams: Teams, what: str) -> dict[str, Any]:
    [launcher] = post(teams, teams.activity(text="report", textFormat="plain"))
    form = dialog_card(invoke(teams, "task/fetch", launcher.actions()[0]["data"]))
    values = {name: element.get("value", "") for name, element in form.inputs().items()}
    answers = {**values, "category": "racism", "what": what, "role": "witness"}
    return {**form.submit(), **answers}


def test_a_case_opens_in_a_dialog_and_its_words_never_reach_a_chat(reporting: Teams) -> None:
    words = "The words of the report, never in a chat."
    invoke(reporting, "task/submit", file_report(reporting, words))
    meet(reporting, DINA)
    reporting.clock.set(reporting.clock.now() + timedelta(minutes=31))
    reporting.run_due()
    [alert] = never_to_itself(reporting.fake.calls)
    assert alert.conversation == f"a:chat-{DINA}" and words not in alert.words()
    opener = alert.button("report.open")["data"]
    assert opener["msteams"] == {"type": "task/fetch"}  # one press opens the dialog
    view = dialog_card(invoke(reporting, "task/fetch", opener, user=DINA))
    assert words in view.words()
    note = view.button("report.note")["data"]
    form = dialog_card(invoke(reporting, "task/submit", note, user=DINA))
    saved = dialog_card(
        invoke(reporting, "task/submit", {**form.submit(), "text": "A private note."}, user=DINA)
    )
    assert "A private note." in saved.words() and words in saved.words()
    # An alert sent before buttons opened dialogs: pressed, it offers the dialog instead.
    old = {"action_id": "report.open", "value": opener["value"]}
    [offer] = post(reporting, reporting.activity(value=old, replyToId="alert1", user=DINA))
    assert offer.conversation == f"a:chat-{DINA}" and words not in offer.words()
    assert offer.actions()[0]["data"]["msteams"] == {"type": "task/fetch"}
    # The same press from a channel (the alert forwarded there): the offer goes privately.
    pressed = {**reporting.activity(value=old, replyToId="post1", user=DINA), **SHARED["channel"]}
    launcher, note = post(reporting, pressed)
    assert (launcher.conversation, launcher.kind) == (f"a:chat-{DINA}", "send")
    assert launcher.actions()[0]["data"] == {**old, "msteams": {"type": "task/fetch"}}
    assert (note.conversation.split(";")[0], note.kind) == (CHANNEL, "reply")
    assert note.words() == "I've answered you in our private chat."
    for call in reporting.fake.calls:
        assert words not in call.words() and "A private note." not in call.words()


def test_the_reporters_follow_up_is_in_a_dialog(reporting: Teams) -> None:
    receipt = dialog_card(invoke(reporting, "task/submit", file_report(reporting, "It happened.")))
    lines = receipt.words()
    reference = next(w for w in lines.split() if w.startswith("R-")).strip(".,")
    passphrase = lines.split("Passphrase:")[1].split()[0]
    [launcher] = post(reporting, reporting.activity(text="report followup", textFormat="plain"))
    assert launcher.conversation == ALICE_CHAT and launcher.inputs() == {}
    form = dialog_card(invoke(reporting, "task/fetch", launcher.actions()[0]["data"]))
    answers = {"reference": reference, "passphrase": passphrase, "reply": "More detail."}
    view = dialog_card(invoke(reporting, "task/submit", {**form.submit(), **answers}))
    assert "More detail." in view.words()
    assert not [c for c in reporting.fake.calls if "More detail." in c.words()]


def test_a_replayed_dialog_submission_files_one_case_and_says_so(reporting: Teams) -> None:
    submitted = file_report(reporting, "Replayed report.")
    activity = reporting.activity("invoke", name="task/submit", value={"data": submitted})
    first = reporting.post(activity)
    again = reporting.post(activity)  # the same signed request, sent again
    assert first.status == again.status == 200
    assert "Your report has been received." in str(first.json())
    assert "received once" in str(again.json())  # not "expired": the reporter is not misled
    assert count(reporting, ReportCase) == 1
    assert never_to_itself(reporting.fake.calls)


# --- break-it review 4 and 6: a dialog is held to Teams' budget, and paged -----------------------


def test_the_fake_refuses_a_dialog_teams_would_not_show() -> None:
    card = {"type": "AdaptiveCard", "version": "1.4", "body": []}
    attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
    fits = {"task": {"type": "continue", "value": {"title": "Case", "card": attachment}}}
    assert teams_invoke_problems("task/fetch", json.dumps(fits)) == []
    card["body"] = [
        {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "😀" * 5000}]}
    ]
    [too_big] = teams_invoke_problems("task/fetch", json.dumps(fits))
    assert too_big.startswith("MessageSizeTooBig")
    empty = {"task": {"type": "message", "value": ""}}
    assert teams_invoke_problems("task/submit", json.dumps(empty)) != []
    card.update(version="1.6", body=[])
    assert teams_invoke_problems("task/fetch", json.dumps(fits)) != []


def whole(words: str) -> str:
    """Words with the cuts of a line too long for one text run joined again: a line cut inside
    a word ends in " …" and goes on in the next, which starts with "… " (cards._pieces)."""
    return words.replace(" …\n… ", "")


def test_a_case_too_big_for_one_dialog_is_shown_in_pages_that_each_fit(reporting: Teams) -> None:
    """The worst case: a report of 2,999 emoji and 25 notes of 2,999 "𝒜" (each a surrogate
    pair the SDK sends as two six-character escapes). Every dialog answer fits Teams' budget,
    the pages hold all of it, and paging repeats nothing that was done."""
    report = "😀" * 2999
    invoke(reporting, "task/submit", file_report(reporting, report))
    meet(reporting, DINA)
    reporting.clock.set(reporting.clock.now() + timedelta(minutes=31))
    reporting.run_due()
    [alert] = [c for c in reporting.fake.calls if c.conversation == f"a:chat-{DINA}"]
    opener = alert.button("report.open")["data"]
    view = dialog_card(invoke(reporting, "task/fetch", opener, user=DINA))
    notes = [f"note-{n:02d}-" + "𝒜" * 2990 for n in range(25)]
    for note in notes:
        press = view.button("report.note")["data"]
        form = dialog_card(invoke(reporting, "task/submit", press, user=DINA))
        view = dialog_card(
            invoke(reporting, "task/submit", {**form.submit(), "text": note}, user=DINA)
        )
        assert note in whole(view.words())  # the page that shows what was just added: the last
    assert "Part 1 of" not in view.words() and not view.button("report.note")["data"].get(
        "dialog_page"
    )
    # From the last page back to the first, and on again: all of the case, nothing twice.
    while earlier := [a for a in view.actions() if a["title"] == "Earlier"]:
        assert earlier[0]["data"]["action_id"] == "report.open"  # it re-opens; adds nothing
        view = dialog_card(invoke(reporting, "task/submit", earlier[0]["data"], user=DINA))
    assert view.words().startswith("Part 1 of")
    pages = dialog_pages(reporting, view, DINA)
    assert len(pages) > 2
    words = whole("\n".join(page.words() for page in pages))
    assert report in words and all(words.count(note) == 1 for note in notes)
    assert count(reporting, CaseMessage) == 25
    assert [c for c in reporting.fake.calls if report in json.dumps(c.body)] == []


def test_the_report_form_redrawn_with_its_longest_answers_fits_a_dialog(reporting: Teams) -> None:
    [launcher] = post(reporting, reporting.activity(text="report", textFormat="plain"))
    form = dialog_card(invoke(reporting, "task/fetch", launcher.actions()[0]["data"]))
    answers = {
        name: "😀" * int(element.get("maxLength") or 0)
        for name, element in form.inputs().items()
        if element["type"] == "Input.Text"
    }
    assert answers["what"] and len(answers) > 1
    redrawn = dialog_card(invoke(reporting, "task/submit", {**form.submit(), **answers}))
    assert "Some answers need another look" in redrawn.words()
    assert redrawn.inputs()["what"]["value"] == answers["what"]  # nothing typed is lost
