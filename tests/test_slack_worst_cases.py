"""The worst real input, through the real Bolt app, the real slack_sdk and the fake Slack that
refuses what Slack refuses (tests/platform_rules.py): each test asserts that Slack accepted
every payload (the fixture also checks that nothing was refused) and that every step, message
and button can still be reached by the person it was meant for."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

import content
from adapters.slack.blocks import CONTINUES, QUOTE_MARK, home_view, split_text
from app.runtime import Runtime
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import (
    ActionsBlock,
    Actor,
    Address,
    Button,
    FormEvent,
    Message,
    TextBlock,
)
from bot.pledge.content import Pledge
from bot.pledge.models import Checkin, Leader, StepUpdate
from bot.reports import registry
from bot.reports.models import CaseMessage, ReportCase
from bot.reports.resources import Desk, load_categories
from bot.reports.secrets import Vault, new_key
from bot.router import Bot
from bot.store import Store
from tests.fake_slack import TEAM_ID, Call
from tests.platform_rules import (
    SLACK_MESSAGE_BLOCKS_TEXT,
    slack_blocks_text,
    slack_view_problems,
)
from tests.test_slack import (  # noqa: F401  (fixtures, used by name)
    Slack,
    button,
    deliver_checkin,
    elements,
    fake,
    opened,
    plain_texts,
    responses,
    settings,
    slack,
)

#: Every character Slack's mrkdwn or its parser would act on.
MARKUP = "*bold* _it_ ~s~ `code` > quote <@U1> <!here> <#C1> & R&D @channel \\ "


def evil(tag: str, length: int) -> str:
    """``length`` characters of markup, starting with ``tag``-START and ending with ``tag``-END
    (so a test can tell that the whole text, both ends, can be read)."""
    start, end = f"{tag}-START ", f" {tag}-END"
    middle = (MARKUP * (length // len(MARKUP) + 1))[: length - len(start) - len(end)]
    return start + middle.strip().ljust(len(middle), "x") + end


def shown(calls: list[Call]) -> str:
    """All plain text the calls show, parts joined back as a reader would read them (so
    spaces and line breaks count alike: a split falls on one)."""
    text = "\n".join(t for call in calls for t in plain_texts(call))
    return " ".join(text.replace(CONTINUES, "").replace(QUOTE_MARK, "").split())


def read(text: str) -> str:
    """``text`` as ``shown`` gives it back."""
    return " ".join(text.split())


def every_part(app: Slack, response_id: str, skip: int = 0) -> list[Call]:
    """All the messages a reply took (after ``skip`` earlier replies to the same request):
    each part but the last says another follows."""
    parts = responses(app, response_id, skip + 1)[skip:]
    while "continued in the next message" in shown(parts[-1:]):
        parts = responses(app, response_id, skip + len(parts) + 1)[skip:]
    return parts


def accepted(app: Slack) -> None:
    app.idle()
    assert app.fake.refused() == [], [c.answer["refused"] for c in app.fake.refused()]


# --- text splitting --------------------------------------------------------------------------


def test_long_text_splits_at_words_says_it_continues_and_loses_nothing() -> None:
    text = " ".join(f"word{i}&amp;" for i in range(2000))
    parts = split_text(text, 3000)
    assert len(parts) > 1 and all(len(p) <= 3000 for p in parts)
    assert all(p.endswith(CONTINUES) for p in parts[:-1]) and not parts[-1].endswith(CONTINUES)
    assert " ".join(p.removesuffix(CONTINUES) for p in parts).split() == text.split()
    word = "x" * 7000  # no space to cut at: cut inside, still marked, still complete
    assert "".join(p.removesuffix(CONTINUES) for p in split_text(word, 3000)) == word


def test_a_home_tab_past_100_blocks_pages_with_every_block_and_button_reachable() -> None:
    paragraphs = [TextBlock(text=f"Paragraph {n}") for n in range(250)]
    buttons = ActionsBlock(buttons=[Button(action_id="pledge.pause", label="Pause check-ins")])
    page_of = Message(blocks=[*paragraphs, buttons])
    views, page = [], 0
    while True:
        views.append(home_view(page_of, page))
        assert slack_view_problems(views[-1]) == []
        more = [e for e in elements(views[-1]["blocks"]) if e["text"]["text"] == "More"]
        if not more:
            break
        page = int(more[0]["value"])
    assert len(views) == 3
    texts = [b["text"]["text"] for v in views for b in v["blocks"] if b["type"] == "section"]
    assert texts == [f"Paragraph {n}" for n in range(250)]
    assert any(e["action_id"].startswith("pledge.pause") for e in elements(views[-1]["blocks"]))
    earlier = [e for e in elements(views[-1]["blocks"]) if e["text"]["text"] == "Earlier"]
    assert earlier and earlier[0]["value"] == "1"


# --- a leader with sixteen steps -------------------------------------------------------------


def sixteen_step_answers(view: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    answers: dict[str, Any] = {
        "weekday": "1",
        "time": "09:00",
        "timezone": "Europe/London",
        "announce": "no",
    }
    own = [evil(f"OWN{n}", 300) for n in range(1, 9)]
    for block in view["blocks"]:
        if block["type"] == "input" and block["block_id"].startswith("steps_"):
            n = int(block["block_id"].removeprefix("steps_"))
            answers[block["block_id"]] = [block["element"]["options"][0]["value"]]
            answers[f"own_{n}"] = own[n - 1]
    return answers, own


def test_sixteen_steps_of_markup_with_long_notes_all_reachable(slack: Slack) -> None:  # noqa: F811
    view = opened(slack, slack.command("").response_id)
    answers, own = sixteen_step_answers(view)
    assert all(len(step) == 300 for step in own)
    assert slack.submit(view, answers).body == b""
    accepted(slack)

    checkin = deliver_checkin(slack, "U1")
    text = shown([checkin])
    for step in own:  # every own step, whole and as typed (plain_text: nothing is markup)
        assert read(step) in text
    rows = [b for b in checkin.blocks() if b["type"] == "actions"]
    assert len(rows) == 17  # a row of statuses for each of 16 steps, then notes/skip/away

    notes_press = slack.press(button(checkin.blocks(), "pledge.notes"), channel="D1")
    notes_view = opened(slack, notes_press.response_id)
    inputs = [b["block_id"] for b in notes_view["blocks"] if b["type"] == "input"]
    statuses = [i for i in inputs if i.startswith("status_")]
    notes = [i for i in inputs if i.startswith("note_")]
    assert len(statuses) == len(notes) == 16
    written = {note: evil(f"NOTE{n}", 500) for n, note in enumerate(notes)}
    submitted = slack.submit(notes_view, {**dict.fromkeys(statuses, "progressing"), **written})
    assert submitted.body == b""
    said, *_ = responses(slack, notes_press.response_id, 2)
    accepted(slack)
    redrawn = shown(
        slack.fake.calls_to(
            "response", lambda c: c.params["response_id"] == notes_press.response_id
        )
    )
    for note in written.values():
        assert read(note) in redrawn
    assert "Saved 16 answer(s)" in shown([said])

    progress = slack.command("progress")
    pages = every_part(slack, progress.response_id)
    accepted(slack)
    for step in own:
        assert read(step) in shown(pages)

    home = home_pages(slack, "U1")
    for step in own:
        assert read(step) in shown(home)
    assert any(
        e["action_id"].startswith("pledge.pause") for p in home for e in elements(p.blocks())
    )


def home_pages(app: Slack, user: str) -> list[Call]:
    """Every page of the Home tab, following its "More" buttons."""
    before = len(app.fake.calls_to("views.publish"))
    app.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    pages = [app.fake.wait_for("views.publish", before + 1)[-1]]
    while more := [e for e in elements(pages[-1].blocks()) if e["text"]["text"] == "More"]:
        app.press(more[0], user=user, in_home=True)
        pages.append(app.fake.wait_for("views.publish", before + len(pages) + 1)[-1])
    accepted(app)
    return pages


# --- a long case, and 120 handlers -----------------------------------------------------------

HANDLERS = [f"UH{n:03d}" for n in range(120)]


@pytest.fixture
def runtime(store: Store, clock: ManualClock, settings: Settings, pledge: Pledge) -> Runtime:  # noqa: F811
    """The Slack runtime with a reports desk and 120 handlers of racism reports."""
    desk = Desk(
        Vault.from_keys([new_key()]),
        load_categories(content.path("report_categories.yaml")),
        rng=random.Random(7),
    )
    bot = Bot(store, clock, settings, pledge, desk)
    with store.session() as session:
        for n, user in enumerate(HANDLERS):
            who = Address(platform="slack", tenant=TEAM_ID, id=user)
            registry.add(session, who, ["racism"], False, f"Handler {n:03d}")
    return Runtime(settings, store, clock, bot)


def test_a_case_with_a_long_report_and_25_long_messages_opens_whole(slack: Slack) -> None:  # noqa: F811
    reply = slack.command("", user="UREPORTER", command="/report")
    form = opened(slack, reply.response_id)
    [leave_out] = [b["element"] for b in form["blocks"] if b.get("block_id") == "exclude"]
    groups = leave_out.get("option_groups") or [{"options": leave_out.get("options", [])}]
    offered = [o for group in groups for o in group["options"]]
    assert [o["text"]["text"] for o in offered] == [f"Handler {n:03d}" for n in range(120)]
    [what] = [b["element"] for b in form["blocks"] if b.get("block_id") == "what"]
    assert what["max_length"] <= 3000

    report = evil("REPORT", 3000)
    last = offered[-1]["value"]  # the 120th handler, reachable and left out
    answers = {"category": "racism", "what": report, "role": "target", "identify": "no"}
    submitted = slack.submit(form, {**answers, "exclude": [last]}, user="UREPORTER").json()
    assert submitted["response_action"] == "update"
    with slack.runtime.store.session() as session:
        case = session.scalars(select(ReportCase)).one()
        assert case.excluded == [f"slack:{TEAM_ID}:{HANDLERS[-1]}"]  # the 120th, left out
        case.alerted = True  # the delayed alert has gone out: handlers may open it now
        desk = slack.runtime.need(Desk)
        assert desk is not None
        messages = [evil(f"MSG{n:02d}", 3000) for n in range(25)]
        for n, text in enumerate(messages):
            kind = "to_reporter" if n % 2 else "from_reporter"
            session.add(
                CaseMessage(
                    case_id=case.id,
                    kind=kind,
                    author_id=None,
                    body=desk.vault.seal(text),
                    sent_on=slack.clock.now().date(),
                )
            )
        case_id = case.id

    handler = "UH000"
    open_case = {"action_id": "report.open#0", "value": str(case_id), "text": {"text": "Open"}}
    pressed = slack.press(open_case, user=handler, channel="D" + handler[1:])
    # The case opens in a modal, never as a message: 100 blocks hold it whole, buttons too.
    pages = [slack.fake.wait_for("views.open", 2)[1]]  # after the report's own form
    case_view = pages[0].answer["view"]["id"]
    accepted(slack)
    assert slack.fake.calls_to("response") == [] and pages[0].params["view"]["type"] == "modal"
    assert pressed.status == 200
    text = shown(pages)
    for whole in [report, *messages]:
        assert read(whole) in text
    labels = [e["text"]["text"] for p in pages for e in elements(p.blocks())]
    assert labels == [
        "Acknowledge",
        "Assign to me",
        "Message the reporter",
        "Add a private note",
        "Set status",
    ]
    message = button(pages[-1].blocks(), "report.message")
    slack.press(message, user=handler, in_modal=case_view)
    [push] = slack.fake.wait_for("views.push")
    modal = push.params["view"]
    assert modal["callback_id"] == "report.message"
    assert all(
        b["element"]["max_length"] <= 3000
        for b in modal["blocks"]
        if b["type"] == "input" and b["element"]["type"] == "plain_text_input"
    )
    accepted(slack)


# --- the summary for 500 leaders -------------------------------------------------------------


def test_the_summary_for_500_leaders_reaches_the_admin_whole(slack: Slack) -> None:  # noqa: F811
    runtime = slack.runtime
    values: dict[str, Any] = {
        "weekday": "1",
        "time": "09:00",
        "timezone": "Europe/London",
        "announce": "no",
    }
    for commitment in runtime.need(Pledge).commitments:
        values[f"steps_{commitment.number}"] = [commitment.steps[0].id]
    names = [f"Leader {n:03d} {MARKUP}"[:60] for n in range(500)]
    for n, name in enumerate(names):
        actor = Actor(platform="slack", tenant=TEAM_ID, user_id=f"UL{n:03d}", display_name=name)
        [said] = runtime.bot.handle(FormEvent(actor=actor, form_id="pledge.sign", values=values))
        assert said.type == "say"
    reply = slack.command("summary", user="UDINA")
    parts = every_part(slack, reply.response_id)
    accepted(slack)
    text = shown(parts)
    assert "500 leader(s) active" in text
    missing = [n for n in names if read(n) not in text]
    assert missing == [] or "Pledge summary" in text  # names need not be listed; counts must


# --- 50 sign-ups at once, users.info slow or failing -----------------------------------------


@pytest.mark.parametrize("trouble", ["slow", "failing"])
def test_fifty_concurrent_sign_ups_each_get_the_form(slack: Slack, trouble: str) -> None:  # noqa: F811
    users = [f"UNEW{n:02d}" for n in range(50)]
    for user in users:
        slack.fake.users[user] = {"tz": "Asia/Tokyo", "display_name": user.lower()}
    if trouble == "slow":
        slack.fake.delays["users.info"] = 2.0  # longer than a request can wait for it
    else:
        slack.fake.fail_next("users.info", times=25, status=500)
        slack.fake.fail_next("users.info", times=25, error="fatal_error")
    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(
            pool.map(lambda user: slack.command("", user=user, channel="D" + user), users)
        )
    assert all((r.status, r.body) == (200, b"") for r in replies)
    slack.idle()
    forms: dict[str, dict[str, Any]] = {}
    offers: dict[str, dict[str, Any]] = {}
    for user, reply in zip(users, replies, strict=True):
        label = f".trigger-{reply.response_id}"
        openings = [
            c for c in slack.fake.calls_to("views.open") if c.params["trigger_id"].endswith(label)
        ]
        assert len(openings) <= 1
        if openings and openings[0].answer.get("ok"):
            forms[user] = openings[0].params["view"]
        else:  # Slack said the trigger expired, or the bot knew it was too old to try
            assert not openings or openings[0].answer["error"] == "expired_trigger_id"
            [offer] = responses(slack, reply.response_id)
            offers[user] = button(offer.blocks(), "slack.open_form")
    for user, offer in offers.items():  # a working button for whoever's trigger expired
        forms[user] = opened(slack, slack.press(offer, user=user, channel="D" + user).response_id)
    assert sorted(forms) == users  # nobody left with nothing
    for view in forms.values():  # users.info gave no zone in time: DEFAULT_TIMEZONE
        [zone] = [b["element"] for b in view["blocks"] if b.get("block_id") == "timezone"]
        assert zone["initial_value"] == "Europe/London"
    accepted(slack)


def test_a_reply_slack_refuses_is_logged_and_answered_plainly(
    slack: Slack,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack.fake.fail_next("views.open", error="invalid_arguments")
    reply = slack.command("", user="U2")
    [sorry] = responses(slack, reply.response_id)
    assert sorry.params["response_type"] == "ephemeral"
    assert "Slack would not show my answer" in sorry.params["text"]
    assert "Slack refused a open_form reply: invalid_arguments" in caplog.text


def test_a_listener_survives_a_slack_5xx_with_an_html_body(slack: Slack) -> None:  # noqa: F811
    slack.fake.fail_next("users.info", status=502)
    reply = slack.command("help", user="U2")
    [answer] = responses(slack, reply.response_id)
    assert "/pledge progress" in str(answer.params["text"])


# --- issue 10 item 5: no message carries more text than Slack takes ---------------------------


def longest_step_answers(view: dict[str, Any]) -> dict[str, Any]:
    """Sign-up answers with the most text: each commitment's longest listed step and an own
    step of 300 characters of markup."""
    answers: dict[str, Any] = {
        "weekday": "1",
        "time": "09:00",
        "timezone": "Europe/London",
        "announce": "no",
    }
    for block in view["blocks"]:
        if block["type"] == "input" and block["block_id"].startswith("steps_"):
            n = int(block["block_id"].removeprefix("steps_"))
            element = block["element"]
            grouped = [o for g in element.get("option_groups", []) for o in g["options"]]
            longest = max(
                element.get("options", []) + grouped, key=lambda o: len(o["text"]["text"])
            )
            answers[block["block_id"]] = [longest["value"]]
            answers[f"own_{n}"] = evil(f"OWN{n}", 300)
    return answers


def lines(tag: str, length: int) -> str:
    """``length`` characters of one-character lines of markup after ``tag``: the note that
    shows longest (each line of a quote is marked)."""
    return (tag + "\n*" * length)[:length]


def test_progress_with_the_most_text_comes_in_parts_slack_accepts(slack: Slack) -> None:  # noqa: F811
    """Sixteen of the longest steps, each with six weeks of answers and a 500-character note
    of short lines: more text than Slack takes in one message (msg_blocks_too_long), even in
    fewer than 50 blocks."""
    view = opened(slack, slack.command("").response_id)
    assert slack.submit(view, longest_step_answers(view)).body == b""
    accepted(slack)
    notes = []
    with slack.runtime.store.session() as session:
        leader = session.scalars(select(Leader)).one()
        steps = [s for s in leader.steps if s.active]
        assert len(steps) == 16
        for week in range(6):
            due = slack.clock.now() - timedelta(weeks=week + 1)
            checkin = Checkin(
                leader_id=leader.id, week_of=due.date(), due_at=due, status="answered"
            )
            session.add(checkin)
            session.flush()
            for n, step in enumerate(steps):
                note = lines(f"NOTE{week}.{n}", 500)
                if week == 0:  # the latest note of each step is shown
                    notes.append(note)
                session.add(
                    StepUpdate(
                        checkin_id=checkin.id,
                        step_id=step.id,
                        status="progressing",
                        note=note,
                        answered_at=due,
                    )
                )
    progress = slack.command("progress")
    pages = every_part(slack, progress.response_id)
    accepted(slack)  # Slack took every part
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert slack_blocks_text(page.blocks()) <= SLACK_MESSAGE_BLOCKS_TEXT
        assert f"Part {n} of {len(pages)}" in shown([page])
    text = shown(pages)
    for note in notes:
        assert read(note) in text
    assert "Streak:" in text
