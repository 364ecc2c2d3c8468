"""Issue 12, the leader's side: what a new leader hit in the console, each fixed.

Every test drives the real console (or JSON lines) on SQLite, or PostgreSQL with
TEST_DATABASE_URL, and failed before its fix.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from adapters.console.jsonl import JsonLinesChat
from bot.conversation import ActionEvent
from bot.pledge.content import Pledge
from bot.pledge.models import Checkin, Leader, Step, StepUpdate
from tests.conftest import SIGN_UP, Harness, sign_up


def say(harness: Harness, *lines: str) -> str:
    """What the console printed for ``lines``, with line wrapping undone."""
    return " ".join(harness.say(*lines).split())


def _updates(harness: Harness) -> list[tuple[str, str]]:
    with harness.runtime.store.session() as session:
        rows = session.execute(
            select(Checkin.week_of, StepUpdate.status)
            .join(Checkin, Checkin.id == StepUpdate.checkin_id)
            .order_by(StepUpdate.id)
        ).all()
    return [(row.week_of.isoformat(), row.status) for row in rows]


# --- item 4: a form re-asks after an error ----------------------------------------------------


def test_away_with_a_past_date_re_asks_and_keeps_the_form_open(harness: Harness) -> None:
    sign_up(harness)
    printed = say(harness, "/pledge away", "2027-02-01")
    assert "Monday 1 February 2027 has passed; give today or a later date." in printed
    assert "Away until (the last day you are away)" in printed.split("has passed")[1]
    printed = say(harness, "2027-03-14")
    assert "Noted: no check-ins or reminders until Sunday 14 March 2027" in printed
    assert "Hello!" not in printed
    with harness.runtime.store.session() as session:
        assert session.scalar(select(Leader.away_until)).isoformat() == "2027-03-14"


def test_a_command_typed_in_a_form_runs_and_the_form_stays_open(harness: Harness) -> None:
    sign_up(harness)
    printed = say(harness, "/pledge away", "/pledge progress")
    assert "Your pledge progress" in printed
    assert "(the form is still open; /cancel to stop it)" in printed
    printed = say(harness, "2027-03-14")
    assert "Noted: no check-ins or reminders until Sunday 14 March 2027" in printed


# --- item 5: clearing an own step in /pledge edit ---------------------------------------------


def test_an_own_step_can_be_cleared_in_pledge_edit(harness: Harness) -> None:
    sign_up(harness)
    answers = [""] * 20  # 8 x (steps, own step), then day, time, zone and workplace: all kept
    answers[4], answers[5] = "1", "-"  # commitment 3: a suggested step; clear the own step
    printed = say(harness, "/pledge edit", *answers[:5])
    assert "Enter keeps Hosting a monthly D&I lunch; - clears it." in printed
    printed = say(harness, *answers[5:])
    assert "Saved. I'll check in on Mondays at 09:00 (Europe/London)." in printed
    with harness.runtime.store.session() as session:
        own = session.scalars(
            select(Step.active).where(Step.text == "Hosting a monthly D&I lunch")
        ).all()
        commitment_3 = session.scalars(
            select(Step.suggestion_id).where(Step.commitment == 3, Step.active.is_(True))
        ).all()
    assert own == [False]
    assert len(commitment_3) == 1 and commitment_3[0] is not None


# --- item 6: progress and the pledge card while away ------------------------------------------


def test_progress_and_the_card_name_the_first_checkin_after_being_away(harness: Harness) -> None:
    sign_up(harness)  # Monday 1 March 2027 08:00 UTC; check-ins on Mondays at 09:00 London
    say(harness, "/pledge away 2027-03-14")
    progress = say(harness, "/pledge progress")
    assert "next on Monday 15 March 2027" in progress
    assert "next on Monday 1 March" not in progress
    assert "You are away until Sunday 14 March 2027" in progress
    card = say(harness, "/pledge")
    assert "You are away until Sunday 14 March 2027: check-ins resume on Monday 15 March" in card


# --- item 7: old buttons ------------------------------------------------------------------------


def test_pressing_done_twice_records_one_answer(harness: Harness) -> None:
    sign_up(harness)
    say(harness, "/clock 2027-03-01T09:00Z")  # the check-in: button [1] is the first Done
    say(harness, "1", "1")
    assert _updates(harness) == [("2027-03-01", "done")]


def test_a_button_from_a_replaced_checkin_changes_nothing(harness: Harness) -> None:
    sign_up(harness)
    say(harness, "/clock 2027-03-01T09:00Z")
    say(harness, "/clock 2027-03-08T09:00Z")  # the next week's check-in replaces it
    printed = say(harness, "1")  # Done, on the week of 1 March's message
    assert (
        "That check-in, for the week of Monday 1 March 2027, was replaced by the one for the "
        "week of Monday 8 March 2027, so I left it alone." in printed
    )
    printed += say(harness, "/pledge skip")  # the current week is still open to skip
    assert "You skipped this week" in printed
    assert _updates(harness) == []
    with harness.runtime.store.session() as session:
        statuses = session.execute(select(Checkin.week_of, Checkin.status)).all()
    assert sorted((w.isoformat(), s) for w, s in statuses) == [
        ("2027-03-01", "missed"),
        ("2027-03-08", "skipped"),
    ]


# --- item 8: the console's clock ---------------------------------------------------------------


def test_a_clock_beyond_the_calendars_is_one_line(harness: Harness) -> None:
    for when in ("+99999d", "+999999999d", "2090-01-01T00:00"):
        printed = say(harness, f"/clock {when}")
        assert len(printed.strip().splitlines()) == 1, printed
        assert "outside the range" in printed or "beyond the range" in printed
        assert "(2001 to 2035)" in printed
    assert harness.clock.now().year == 2027
    assert "(the time is Monday 01 March 2027 08:00 UTC)" in say(harness, "/clock")


# --- item 9: messages that misled --------------------------------------------------------------


def test_pledge_back_when_not_away_says_so(harness: Harness) -> None:
    sign_up(harness)
    printed = say(harness, "/pledge back")
    assert "You are not away: check-ins continue on Mondays at 09:00" in printed
    assert "Welcome back" not in printed


def test_after_leaving_the_bot_says_when_and_how_to_rejoin(harness: Harness) -> None:
    sign_up(harness)
    printed = say(harness, "/pledge leave")
    assert "[" in printed and "Cancel" in printed
    say(harness, "/clock 2027-03-03T10:00Z")
    printed = say(harness, "/pledge leave")
    number = printed.split("] Yes, leave")[0].rsplit("[", 1)[1]
    say(harness, number)
    printed = say(harness, "/pledge progress")
    assert (
        "You left the pledge on Wednesday 3 March 2027. Your history is kept; "
        "type /pledge to sign again." in printed
    )


def test_leave_can_be_cancelled(harness: Harness) -> None:
    sign_up(harness)
    printed = say(harness, "/pledge leave")
    number = printed.split("] Cancel")[0].rsplit("[", 1)[1]
    assert "You are still in the pledge; nothing changed." in say(harness, number)
    assert "I check in with you on Mondays" in say(harness, "/pledge")


def test_a_non_admin_is_told_the_command_with_their_own_address(harness: Harness) -> None:
    printed = say(harness, "/as bob", "/pledge summary")
    assert "inclusion-bot admins add console:bob" in printed


# --- JSON lines ----------------------------------------------------------------------------------


def _jsonl(harness: Harness, *lines: str) -> list[dict[str, object]]:
    out = io.StringIO()
    chat = JsonLinesChat(harness.runtime.bot.handle, harness.run_due, harness.clock, out)
    harness.senders["console"] = chat  # type: ignore[assignment]
    for line in lines:
        chat.feed(line)
    return [json.loads(line) for line in out.getvalue().splitlines()]


ALICE = {"platform": "console", "user_id": "alice"}


def test_jsonl_echoes_the_id_of_the_line_each_output_answers(harness: Harness) -> None:
    out = _jsonl(
        harness,
        json.dumps({"id": "c1", "type": "clock", "set": "2027-03-01T08:00:00.123456Z"}),
        json.dumps({"id": 7, "type": "command", "actor": ALICE, "name": "pledge", "args": "help"}),
        json.dumps({"type": "clock", "advance": "+99999d", "id": "far"}),
        json.dumps({"type": "clock", "set": "teatime"}),
        json.dumps({"type": "clock"}),
    )
    assert out[0] == {"id": "c1", "type": "clock", "now": "2027-03-01T08:00:00+00:00"}
    assert out[1]["id"] == 7 and out[1]["type"] == "reply"
    assert out[2]["id"] == "far" and out[2]["type"] == "error"
    assert "(2001 to 2035)" in str(out[2]["error"])
    assert "id" not in out[3]
    assert '{"type": "clock", "set": "2027-03-08T09:00:00Z"}' in str(out[3]["error"])
    assert out[4] == {"type": "clock", "now": "2027-03-01T08:00:00+00:00"}


def test_jsonl_away_form_with_a_past_date_gets_form_errors(harness: Harness) -> None:
    sign_up(harness)
    away = {"type": "form", "actor": ALICE, "form_id": "pledge.away", "values": {}}
    out = _jsonl(
        harness,
        json.dumps({**away, "id": 1, "values": {"until": "2027-02-01"}}),
        json.dumps({**away, "id": 2, "values": {"until": "2027-03-14"}}),
    )
    assert out[0]["id"] == 1
    assert out[0]["reply"] == {
        "type": "form_errors",
        "form_id": "pledge.away",
        "errors": {"until": "Monday 1 February 2027 has passed; give today or a later date."},
    }
    assert out[1]["reply"]["type"] == "say"  # type: ignore[index]


# --- friction: one /help -------------------------------------------------------------------------


def test_help_lists_every_command_a_person_may_use_and_admins_see_theirs(harness: Harness) -> None:
    printed = say(harness, "/help")
    assert "/as NAME" in printed  # the console's own commands first
    printed = printed.split("What I can do:")[1]
    for command in ("/pledge progress", "/awareness upcoming", "/report followup"):
        assert command in printed
    for admins_only in ("/pledge summary", "/awareness subscribe", "/report trends"):
        assert admins_only not in printed
    printed = say(harness, "/as dina", "/help").split("What I can do:")[1]
    for admins_only in ("/pledge summary", "/awareness subscribe", "/report trends"):
        assert admins_only in printed
    greeting = say(harness, "hello")
    assert "/report" in greeting and "/awareness" in greeting and "/help" in greeting


def test_the_readmes_json_lines_example_runs_as_written(harness: Harness) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## JSON lines", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    out = _jsonl(harness, *section.strip().splitlines())
    assert [o["type"] for o in out if o["type"] == "error"] == []
    replies = [json.dumps(o["reply"]) for o in out if o["type"] == "reply"]
    assert "Thank you for signing" in replies[0]
    assert [o["id"] for o in out if "id" in o] == ["q1"]
    assert '"type": "update"' in replies[-1] and "Your answer: Done" in replies[-1]


# --- review leftover 7: /pledge skip before the check-in -----------------------------------------


def test_skip_before_the_checkin_skips_the_coming_one(harness: Harness) -> None:
    harness.clock.set(datetime(2027, 3, 1, 12, 20, tzinfo=UTC))  # Monday 12:20 London
    answers = list(SIGN_UP)
    answers[-4] = "16:00"  # check-ins on Mondays at 16:00
    printed = say(harness, "/as alice", "/pledge", *answers)
    assert "Your first check-in arrives on Monday 1 March 2027 at 16:00" in printed
    printed = say(harness, "/pledge skip")
    assert (
        "Skipped: there will be no check-in on Monday 1 March 2027. "
        "The next one is on Monday 8 March 2027." in printed
    )
    assert "next on Monday 8 March 2027" in say(harness, "/pledge progress")
    again = say(harness, "/pledge skip")  # the one after: skipping is one week at a time
    assert "no check-in on Monday 8 March 2027. The next one is on Monday 15 March" in again
    printed = say(harness, "/clock 2027-03-01T16:00Z", "/clock 2027-03-08T16:00Z")
    assert "Your pledge check-in" not in printed  # neither week's check-in is sent
    printed = say(harness, "/clock 2027-03-15T16:00Z")
    assert "Your pledge check-in for the week of Monday 15 March 2027" in printed
    with harness.runtime.store.session() as session:
        statuses = session.execute(select(Checkin.week_of, Checkin.status)).all()
    assert sorted((w.isoformat(), s) for w, s in statuses) == [
        ("2027-03-01", "skipped"),
        ("2027-03-08", "skipped"),
        ("2027-03-15", "open"),
    ]


def test_skip_while_paused_says_there_is_none_to_skip(harness: Harness) -> None:
    sign_up(harness)
    printed = say(harness, "/pledge pause", "/pledge skip")
    assert "Your check-ins are paused, so there is none to skip." in printed


# --- review leftover 6: the sign-up form says its rules first and re-asks with the own step -----


def test_signing_says_the_rules_first_and_re_asks_a_missing_step_with_the_own_step(
    harness: Harness,
) -> None:
    answers = list(SIGN_UP)
    answers[4], answers[5] = "", ""  # commitment 3: no suggested step and no own step
    opened = say(harness, "/as alice", "/pledge")
    before_first = opened.split("1. Providing visible and proactive leadership")[0]
    assert "needs one or two practical steps" in before_first
    assert "your own step counts toward the two" in before_first
    printed = harness.say(*answers)
    assert "Thank you for signing" not in printed
    again = printed.split("a few answers need another look:")[1]
    title = harness.runtime.need(Pledge).commitment(3).title
    problem = f"{title}: Choose a step, or write your own below."
    assert " ".join(again.split()).count(problem) == 1  # one problem on two fields: said once
    lines = again.splitlines()
    asked = [line.strip() for line in lines if line.startswith("  ") and line[2] != " "]
    assert asked[-1] == f"3. {title}"  # the question asked again: the one that was wrong
    printed = say(harness, "")
    assert "Your own step for commitment 3 (optional)" in printed  # ... with its own step
    assert "Check-in day" not in printed  # and nothing else
    printed = say(harness, "Hosting a monthly D&I lunch")
    assert "Thank you for signing" in printed
    with harness.runtime.store.session() as session:
        own = session.scalars(select(Step.commitment).where(Step.suggestion_id.is_(None))).all()
    assert own == [3]


def test_too_many_steps_names_the_commitment_and_counts_the_own_step(harness: Harness) -> None:
    answers = list(SIGN_UP)
    answers[4] = "1,2"  # commitment 3: two suggestions and the own step
    printed = say(harness, "/as alice", "/pledge", *answers)
    title = harness.runtime.need(Pledge).commitment(3).title
    assert f"{title}: That is 3 steps; choose at most 2, your own step included." in printed
    printed = say(harness, "1", "")  # one suggestion, and Enter keeps the own step
    assert "Thank you for signing" in printed


# --- friction: form errors name the field, and for notes the step ------------------------------


def test_jsonl_form_errors_name_the_field_and_a_notes_step(harness: Harness) -> None:
    sign_up(harness)
    say(harness, "/clock 2027-03-01T09:00Z")
    with harness.runtime.store.session() as session:
        checkin = session.scalar(select(Checkin.id))
        step = session.scalar(select(Step.id).where(Step.text == "Hosting a monthly D&I lunch"))
    answer = {"type": "form", "actor": ALICE, "form_id": "pledge.answer", "context": str(checkin)}
    out = _jsonl(
        harness,
        json.dumps({**answer, "values": {f"note_{step}": "x" * 501}}),
        json.dumps({**answer, "values": {f"note_{step}": "Booked the room"}}),
        json.dumps({**answer, "form_id": "pledge.away", "context": "", "values": {}}),
    )
    errors = [o["reply"]["errors"] for o in out]  # type: ignore[index]
    assert errors[0] == {
        f"note_{step}": "Note on “Hosting a monthly D&I lunch”: That is 501 characters; "
        "the limit is 500. Please shorten it."
    }
    assert errors[1] == {
        f"status_{step}": "3. Hosting a monthly D&I lunch: Give a status with your note."
    }
    assert errors[2] == {"until": "Away until (the last day you are away): This is required."}


# --- friction: JSON lines numbers weekdays as the console does -----------------------------------


def test_jsonl_and_the_console_number_the_weekdays_alike(harness: Harness) -> None:
    answers = list(SIGN_UP)
    answers[-5] = "3"  # the console's third day
    printed = say(harness, "/as alice", "/pledge", *answers)
    assert "1) Monday" in printed and "3) Wednesday" in printed
    assert "Your first check-in arrives on Wednesday 3 March 2027" in printed
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## JSON lines", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    sign = json.loads(section.strip().splitlines()[1])
    sign["actor"] = {"platform": "console", "user_id": "bob"}
    sign["values"]["weekday"] = "3"
    [out] = _jsonl(harness, json.dumps(sign))
    assert "Your first check-in arrives on Wednesday 3 March 2027" in json.dumps(out)
    with harness.runtime.store.session() as session:
        assert session.scalars(select(Leader.weekday)).all() == [2, 2]  # stored from 0, Monday


# --- review leftover 4: a button from an answered or replaced message does nothing --------------


def _number(printed: str, label: str) -> str:
    """The number of the last button shown with ``label``."""
    return printed.split(f"] {label}")[-2].rsplit("[", 1)[1]


def test_yes_leave_after_cancel_does_nothing_and_says_so(harness: Harness) -> None:
    sign_up(harness)
    question = say(harness, "/pledge leave")
    yes, cancel = _number(question, "Yes, leave"), _number(question, "Cancel")
    assert "You are still in the pledge; nothing changed." in say(harness, cancel)
    for press in (yes, cancel):
        printed = say(harness, press)
        assert "(only you can see this): You already answered that question" in printed
        assert "You have left the pledge" not in printed
    with harness.runtime.store.session() as session:
        assert session.scalar(select(Leader.status)) == "active"
    question = say(harness, "/pledge leave")  # a new question is answered afresh
    assert "You have left the pledge." in say(harness, _number(question, "Yes, leave"))
    assert "You already answered that question" in say(harness, _number(question, "Cancel"))


def test_a_forged_or_expired_leave_button_does_nothing(harness: Harness) -> None:
    sign_up(harness)
    alice = harness.chat.speaker
    for value in ("", "not-a-token", "99999999999999999999.ab", "1700000000.abcd"):
        event = ActionEvent(actor=alice, action_id="pledge.leave.confirm", value=value)
        [reply] = harness.runtime.bot.handle(event)
        assert reply.message.plain_text().startswith("That question has expired")  # type: ignore[union-attr]
    question = say(harness, "/pledge leave")
    say(harness, "/clock +8d")  # a week later the question has expired
    printed = say(harness, _number(question, "Yes, leave"))
    assert "That question has expired, so I left everything as it is." in printed
    with harness.runtime.store.session() as session:
        assert session.scalar(select(Leader.status)) == "active"


def test_repeated_checkin_presses_change_nothing_and_say_so_privately(harness: Harness) -> None:
    sign_up(harness)
    checkin = say(harness, "/clock 2027-03-01T09:00Z")
    done = checkin.split("] Done")[0].rsplit("[", 1)[1]  # the first step's Done
    say(harness, done)
    printed = say(harness, done)
    assert "bot (only you can see this): You already answered Done for that step." in printed
    assert "updated the message" not in printed
    skip = _number(checkin, "Skip this week")
    say(harness, skip)
    printed = say(harness, skip)
    assert "You've already answered this check-in; nothing to skip." in printed
    assert _updates(harness) == [("2027-03-01", "done")]


def test_a_status_button_from_before_a_skip_does_nothing(harness: Harness) -> None:
    sign_up(harness)
    checkin = say(harness, "/clock 2027-03-01T09:00Z")
    skip = _number(checkin, "Skip this week")
    assert "You skipped this week" in say(harness, skip)
    printed = say(harness, skip)
    assert "(only you can see this): You already skipped this check-in; nothing changed." in printed
    done = checkin.split("] Done")[0].rsplit("[", 1)[1]
    printed = say(harness, done)
    assert "(only you can see this): You skipped this check-in, so I left it as it is." in printed
    assert _updates(harness) == []
