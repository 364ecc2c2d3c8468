"""What people (and stale clients) get wrong: unknown commands, stale or foreign buttons, text
over its limit, control characters, a bad time zone, commands before signing, and a failure
inside the bot. Each answer must be short and helpful, and nothing half-done may be stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.runtime import Runtime
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import (
    ActionEvent,
    Actor,
    CommandEvent,
    Event,
    FormEvent,
    MessageEvent,
    Reply,
    Say,
    TextBlock,
)
from bot.pledge.content import Pledge
from bot.pledge.models import Checkin, Leader, Step, StepUpdate
from bot.router import SORRY, Bot
from bot.store import Store
from bot.store.models import Base, Person
from tests.conftest import SIGN_UP, Harness, sign_up

ALICE = Actor(platform="console", user_id="alice", display_name="alice")
BOB = Actor(platform="console", user_id="bob", display_name="bob")
NOT_SIGNED = "You haven't signed the pledge yet. Type /pledge to sign it."
OWN_STEP_ANSWER = 5  # index in SIGN_UP of the own step for commitment 3
TIMEZONE_ANSWER = -3  # index in SIGN_UP of the time zone
ANSWER_WITH_NOTES = 41  # the console's number for that button on the first check-in
FIELDS_PER_CHECKIN_FORM = 18  # nine steps, each with a status and a note


def count(store: Store, model: type[Base]) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def texts(replies: list[Reply]) -> str:
    """Every text the replies show, one per line."""
    lines = []
    for reply in replies:
        message = getattr(reply, "message", None)
        if message is not None:
            lines.append(message.plain_text())
    return "\n".join(lines)


def handle(runtime: Runtime, event: Event) -> str:
    replies = runtime.bot.handle(event)
    assert replies, "the bot must always answer"
    return texts(replies)


def sign_up_with(harness: Harness, **changes: str) -> str:
    """Sign alice up, with some answers of the sign-up form replaced (by index name)."""
    answers = list(SIGN_UP)
    if "own_step" in changes:
        answers[OWN_STEP_ANSWER] = changes["own_step"]
    if "timezone" in changes:
        answers[TIMEZONE_ANSWER] = changes["timezone"]
    return harness.say("/as alice", "/pledge", *answers)


def first_checkin(harness: Harness) -> tuple[int, list[Step]]:
    """Sign alice up and deliver her first check-in; return its id and her active steps."""
    sign_up(harness)
    printed = harness.say("/clock 2027-03-01T09:00Z")
    assert "Your pledge check-in for the week of Monday 1 March 2027" in printed
    with harness.runtime.store.session() as session:
        checkin_id = session.scalar(select(Checkin.id))
        steps = list(
            session.scalars(
                select(Step).where(Step.active.is_(True)).order_by(Step.commitment, Step.id)
            )
        )
    assert checkin_id is not None
    return checkin_id, steps


def stored_steps(store: Store) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(Step.text).order_by(Step.commitment, Step.id)))


# --- unknown commands --------------------------------------------------------------------------


def test_an_unknown_command_gets_a_pointer_to_pledge_and_stores_nothing(harness: Harness) -> None:
    printed = harness.say("/as alice", "/frobnicate now")
    assert "I don't know the command /frobnicate." in printed
    assert "Type /pledge to sign it" in printed
    assert "Traceback" not in printed
    assert len(printed.splitlines()) < 8
    assert count(harness.runtime.store, Person) == 0


def test_an_unknown_pledge_subcommand_lists_what_the_bot_can_do(harness: Harness) -> None:
    printed = harness.say("/as alice", "/pledge frobnicate")
    assert "I don't know “/pledge frobnicate”. Here is what I can do:" in printed
    assert "/pledge progress:" in printed
    assert "Traceback" not in printed
    assert count(harness.runtime.store, Person) == 0
    assert count(harness.runtime.store, Leader) == 0


def test_a_message_that_is_no_command_gets_the_greeting(runtime: Runtime) -> None:
    said = handle(runtime, MessageEvent(actor=ALICE, text="frobnicate please"))
    assert said.startswith("Hello! I help leaders keep")
    assert count(runtime.store, Person) == 0


# --- stale, garbled and foreign buttons -------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "999:1:done",
        "",
        "abc:1:done",
        "-1:1:done",
        "1.5:1:done",
        "³:1:done",  # a digit to str.isdigit, but no number to int()
        "99999999999999999999999999:1:done",  # larger than any database integer
        "4294967296:1:done",
    ],
)
def test_a_button_for_no_existing_checkin_has_expired(runtime: Runtime, value: str) -> None:
    for action in ("pledge.status", "pledge.notes", "pledge.skip", "pledge.away"):
        said = handle(runtime, ActionEvent(actor=ALICE, action_id=action, value=value))
        assert said == "That check-in no longer exists. Type /pledge progress."
    assert count(runtime.store, StepUpdate) == 0


def test_a_notes_form_for_no_existing_checkin_has_expired(runtime: Runtime) -> None:
    for context in ("999", "", "³", "99999999999999999999999999"):
        event = FormEvent(
            actor=ALICE, form_id="pledge.answer", context=context, values={"status_1": "done"}
        )
        said = handle(runtime, event)
        assert said == "That check-in no longer exists. Type /pledge progress."
    assert count(runtime.store, StepUpdate) == 0


def test_garbled_status_buttons_on_a_real_checkin_have_expired(harness: Harness) -> None:
    checkin_id, steps = first_checkin(harness)
    step = steps[0].id
    for value in (
        f"{checkin_id}",
        f"{checkin_id}:{step}",
        f"{checkin_id}:{step}:finished",
        f"{checkin_id}:x:done",
        f"{checkin_id}:³:done",
        f"{checkin_id}:{step}:done:again",
        f"{checkin_id}::done",
    ):
        event = ActionEvent(actor=ALICE, action_id="pledge.status", value=value)
        assert handle(harness.runtime, event) == "That button has expired. Type /pledge progress."
    assert count(harness.runtime.store, StepUpdate) == 0


def test_unknown_buttons_have_expired(harness: Harness) -> None:
    sign_up(harness)
    said = handle(harness.runtime, ActionEvent(actor=ALICE, action_id="pledge.frobnicate"))
    assert said == "That button has expired. Type /pledge to start again."
    said = handle(harness.runtime, ActionEvent(actor=ALICE, action_id="survey.vote", value="1"))
    assert said == "That has expired. Type /pledge to start again."
    said = handle(harness.runtime, FormEvent(actor=ALICE, form_id="pledge.frobnicate"))
    assert said == "That form has expired. Type /pledge to start again."


def test_a_button_for_a_step_removed_by_edit_is_refused_politely(harness: Harness) -> None:
    first_checkin(harness)
    # Commitment 1 had its first two suggestions; keep only the third instead.
    printed = harness.say("/pledge edit", "3", *[""] * 19)
    assert "Saved. I'll check in on Mondays at 09:00 (Europe/London)." in printed
    printed = harness.say("1")  # "Done" for the step that was removed
    assert "That step is no longer in your pledge (you edited it)." in printed
    assert "Traceback" not in printed
    assert count(harness.runtime.store, StepUpdate) == 0
    printed = harness.say("11")  # "Done" for commitment 2's step, still in the pledge
    assert "bot (updated the message):" in printed
    assert count(harness.runtime.store, StepUpdate) == 1


@pytest.mark.parametrize("bob_signed", [False, True], ids=["bob-not-signed", "bob-signed"])
def test_a_button_on_someone_elses_checkin_is_refused(harness: Harness, bob_signed: bool) -> None:
    checkin_id, steps = first_checkin(harness)
    if bob_signed:
        sign_up(harness, "bob")
    printed = harness.say("/as bob", "1")  # alice's "Done" for her first step
    assert "That check-in belongs to someone else, so I left it alone." in printed
    printed = harness.say(str(ANSWER_WITH_NOTES), "42")  # her "Answer with notes" and "Skip"
    assert printed.count("belongs to someone else") == 2
    assert "one question at a time" not in printed
    form = FormEvent(
        actor=BOB,
        form_id="pledge.answer",
        context=str(checkin_id),
        values={f"status_{steps[0].id}": "done", f"note_{steps[0].id}": "bob was here"},
    )
    replies = harness.runtime.bot.handle(form)
    assert len(replies) == 1
    assert isinstance(replies[0], Say) and replies[0].ephemeral
    assert "belongs to someone else" in texts(replies)
    assert count(harness.runtime.store, StepUpdate) == 0
    with harness.runtime.store.session() as session:
        checkin = session.get(Checkin, checkin_id)
        assert checkin is not None and checkin.status == "open"


# --- text over its limit -----------------------------------------------------------------------


def test_a_note_over_500_characters_is_refused_and_nothing_saved(harness: Harness) -> None:
    first_checkin(harness)
    printed = harness.say(str(ANSWER_WITH_NOTES), "1")  # "Done" for the first step
    assert "Note on “Being personally involved in, and contributing to, D&I…” (optional)" in printed
    assert "up to 500 characters" in printed
    printed = harness.say("n" * 501, *[""] * (FIELDS_PER_CHECKIN_FORM - 2))
    assert "That is 501 characters; the limit is 500. Please shorten it." in printed
    assert "Saved" not in printed
    assert count(harness.runtime.store, StepUpdate) == 0
    # Only the note is asked again; the status chosen before is kept.
    printed = harness.say("n" * 500)
    assert "Saved 1 answer(s) for the week of Monday 1 March 2027." in printed
    with harness.runtime.store.session() as session:
        update = session.scalars(select(StepUpdate)).one()
        assert (update.status, update.note) == ("done", "n" * 500)


def test_an_own_step_over_300_characters_is_refused_and_nothing_saved(harness: Harness) -> None:
    printed = sign_up_with(harness, own_step="s" * 301)
    assert "That is 301 characters; the limit is 300. Please shorten it." in printed
    assert "Thank you for signing" not in printed
    assert count(harness.runtime.store, Leader) == 0
    assert count(harness.runtime.store, Step) == 0
    printed = harness.say("s" * 300)
    assert "Thank you for signing" in printed
    assert "s" * 300 in stored_steps(harness.runtime.store)


def test_a_note_sent_straight_to_the_core_is_checked_too(harness: Harness) -> None:
    """A JSON-lines script or a stale modal can skip every adapter-side limit."""
    checkin_id, steps = first_checkin(harness)
    event = FormEvent(
        actor=ALICE,
        form_id="pledge.answer",
        context=str(checkin_id),
        values={f"status_{steps[0].id}": "done", f"note_{steps[0].id}": "x" * 5000},
    )
    replies = harness.runtime.bot.handle(event)
    assert [r.type for r in replies] == ["form_errors"]
    assert replies[0].errors == {  # type: ignore[union-attr]
        f"note_{steps[0].id}": "Note on “Being personally involved in, and contributing to, "
        "D&I…”: That is 5000 characters; the limit is 500. Please shorten it."
    }
    assert count(harness.runtime.store, StepUpdate) == 0


# --- control characters and markup-looking text ------------------------------------------------


def test_control_characters_and_bidi_overrides_are_stripped_before_storage(
    harness: Harness,
) -> None:
    printed = sign_up_with(harness, own_step="\x1b[31mred\u202e\x07")
    assert "Thank you for signing" in printed
    assert "red" in stored_steps(harness.runtime.store)
    printed = harness.say("/clock 2027-03-01T09:00Z", str(ANSWER_WITH_NOTES))
    answers = ["1", "\u2066fine\u2069 so \x1b]0;pwned\x07far\x00\x1b[0m"]
    printed = harness.say(*answers, *[""] * (FIELDS_PER_CHECKIN_FORM - 2))
    assert "Saved 1 answer(s)" in printed
    with harness.runtime.store.session() as session:
        assert session.scalars(select(StepUpdate.note)).one() == "fine so far"
    for text in stored_steps(harness.runtime.store):
        assert not any(c in text for c in "\x1b\x07\x00\u202e\u2066\u2069"), text


def test_mentions_and_markup_are_stored_and_shown_back_verbatim(harness: Harness) -> None:
    words = "<!channel> <@U123> *bold* <https://example.com|click>"
    printed = sign_up_with(harness, own_step=words)
    assert "Thank you for signing" in printed
    assert words in stored_steps(harness.runtime.store)
    replies = harness.runtime.bot.handle(CommandEvent(actor=ALICE, name="pledge", args="progress"))
    blocks = [b for r in replies for b in r.message.blocks]  # type: ignore[union-attr]
    assert TextBlock(text=words) in blocks
    assert words in harness.say("/pledge progress")


# --- the sign-up form --------------------------------------------------------------------------


def test_an_unknown_time_zone_is_asked_again_and_the_other_answers_kept(harness: Harness) -> None:
    printed = sign_up_with(harness, timezone="Mars/Base")
    assert "'Mars/Base' is not a time zone I know." in printed
    assert "Europe/London, America/New_York, Asia/Kolkata" in printed
    assert "Thank you for signing" not in printed
    assert count(harness.runtime.store, Leader) == 0
    after_error = printed.split("a few answers need another look:")[1]
    assert "Your time zone" in after_error
    assert "Check-in day" not in after_error
    assert "Providing visible and proactive leadership" not in after_error
    printed = harness.say("Asia/Kolkata")
    assert "Thank you for signing" in printed
    assert "(Asia/Kolkata)" in printed
    with harness.runtime.store.session() as session:
        leader = session.scalars(select(Leader)).one()
        assert (leader.weekday, leader.local_time, leader.timezone) == (0, "09:00", "Asia/Kolkata")
    steps = stored_steps(harness.runtime.store)
    assert len(steps) == 9
    assert "Hosting a monthly D&I lunch" in steps


# --- who may do what ---------------------------------------------------------------------------


def test_the_summary_is_for_admins_only(harness: Harness) -> None:
    sign_up(harness)
    printed = harness.say("/as alice", "/pledge summary")
    assert "The summary is for your organisation's D&I lead." in printed
    assert "Pledge summary" not in printed
    said = handle(harness.runtime, MessageEvent(actor=ALICE, text="pledge summary"))
    assert said.startswith("The summary is for your organisation's D&I lead.")
    printed = harness.say("/as dina", "/pledge summary")  # dina is in the ADMINS setting
    assert "Pledge summary" in printed
    assert "1 leader(s) active, 0 paused, 0 left." in printed


@pytest.mark.parametrize(
    "args", ["progress", "pause", "resume", "leave", "skip", "edit", "away 2027-04-14", "back"]
)
def test_leader_commands_before_signing_say_so(runtime: Runtime, args: str) -> None:
    said = handle(runtime, CommandEvent(actor=ALICE, name="pledge", args=args))
    assert said == NOT_SIGNED
    said = handle(runtime, MessageEvent(actor=ALICE, text=f"pledge {args}"))
    assert said == NOT_SIGNED
    assert count(runtime.store, Person) == 0
    assert count(runtime.store, Leader) == 0


@pytest.mark.parametrize(
    "action", ["pledge.progress", "pledge.pause", "pledge.leave", "pledge.leave.confirm"]
)
def test_leader_buttons_before_signing_say_so(runtime: Runtime, action: str) -> None:
    assert handle(runtime, ActionEvent(actor=ALICE, action_id=action)) == NOT_SIGNED
    assert count(runtime.store, Leader) == 0


def test_leader_commands_after_leaving_say_so(harness: Harness) -> None:
    sign_up(harness)
    printed = harness.say("/pledge leave", "1")  # "Yes, leave"
    assert "You have left the pledge." in printed
    for args in ("progress", "pause", "leave"):
        assert handle(harness.runtime, CommandEvent(actor=ALICE, name="pledge", args=args)) == (
            "You left the pledge on Monday 1 March 2027. Your history is kept; "
            "type /pledge to sign again."
        )


# --- a failure inside the bot ------------------------------------------------------------------


def test_a_failure_inside_the_bot_becomes_a_short_apology(
    tmp_path: Path,
    clock: ManualClock,
    settings: Settings,
    pledge: Pledge,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A database without its tables makes every query fail; the user only hears sorry."""
    broken = Store(f"sqlite:///{tmp_path / 'never-migrated.db'}")
    bot = Bot(broken, clock, settings, pledge)
    try:
        for event in (
            CommandEvent(actor=ALICE, name="pledge", args="progress"),
            FormEvent(actor=ALICE, form_id="pledge.sign", values={"timezone": "UTC"}),
            ActionEvent(actor=ALICE, action_id="pledge.status", value="1:1:done"),
        ):
            replies = bot.handle(event)
            assert len(replies) == 1
            reply = replies[0]
            assert isinstance(reply, Say) and reply.ephemeral
            assert reply.message.plain_text() == SORRY
            assert "Traceback" not in SORRY and "no such table" not in SORRY
    finally:
        broken.dispose()
    failures = [r for r in caplog.records if r.name == "bot.router"]
    assert len(failures) == 3
    assert all(r.exc_info is not None for r in failures)
