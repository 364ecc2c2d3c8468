"""The pledge journey's commands, buttons and forms: ``/pledge`` and everything under it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta
from typing import cast

from sqlalchemy import select

from bot.conversation import (
    ActionEvent,
    ActionsBlock,
    Block,
    Button,
    FormErrors,
    FormEvent,
    Message,
    OpenForm,
    Reply,
    Say,
    TextBlock,
    Update,
    text_message,
)
from bot.dates import long_date
from bot.features import PackSummaries
from bot.forms import validate
from bot.packs.content import NO_PACKS, Packs
from bot.pledge import checkins, closures, leaders, progress, questions, weekly, workdays
from bot.pledge.checkins import ANSWER_FORM, AWAY_FORM, Answer
from bot.pledge.content import PLEDGE_PACK, Pledge
from bot.pledge.models import Checkin, Leader
from bot.pledge.signup import SIGN_FORM, missed_notice, read_choices, sign_form
from bot.pledge.wording import STATUSES, schedule
from bot.timezones import zone
from bot.turn import Turn

HELP = (
    "/pledge: sign the Senior Leaders' Pledge, or see where you are with it\n"
    "/pledge progress: your steps, their latest status, history and streak\n"
    "/pledge edit: change your steps or your check-in day, time and time zone\n"
    "/pledge skip: skip this week's check-in, or the coming one if it has not come yet\n"
    "/pledge away 2027-04-14: no check-ins or reminders until that day; /pledge back to undo\n"
    "/pledge pause, /pledge resume: stop and restart check-ins\n"
    "/pledge dates off, /pledge dates on: stop or bring back check-in lines about awareness "
    "dates your steps relate to\n"
    "/pledge leave: stop every message (your history is kept)\n"
    "/pledge summary [PACK]: the D&I lead's summary, of the pledge or another pack (admins only)\n"
    "/pledge closures: the organisation's closure days, no check-ins on them (admins add them)"
)
ELSEWHERE = "Awareness dates: /awareness help. Anonymous reports: /report. Everything: /help."
NOT_SIGNED = "You haven't signed the pledge yet. Type /pledge to sign it."
SKIPPED = "You skipped this check-in, so I left it as it is."
MAX_AWAY = timedelta(days=366)
MAX_ID = 2**31 - 1  # the largest id a database integer column holds


def _as_id(text: str) -> int | None:
    """A record id from a button or form context, or None when it cannot be one.

    ``str.isdigit`` alone is not enough: it accepts "³", which ``int`` refuses, and a huge
    number makes the database driver overflow; both came from a stale or forged button.
    """
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def _closures(turn: Turn) -> dict[date, str]:
    return workdays.closures(turn.session, turn.settings.content_dir)


def _closed(turn: Turn) -> frozenset[date]:
    return frozenset(_closures(turn))


def _sign_form(turn: Turn, leader: Leader | None) -> OpenForm:
    channel = turn.settings.announcement_channel_for(turn.actor.platform, turn.actor.tenant)
    default_zone = turn.settings.default_timezone
    if turn.actor.timezone:
        # A platform's odd zone name is only a default; the user can still type one.
        with suppress(ValueError):
            default_zone = zone(turn.actor.timezone).key
    return OpenForm(
        form=sign_form(
            turn.need(Pledge),
            default_timezone=default_zone,
            can_announce=channel is not None,
            leader=leader,
            missed_threshold=turn.settings.missed_alert_threshold,
        )
    )


def _status_card(turn: Turn, leader: Leader) -> Message:
    if leader.status == "paused":
        state, toggle = (
            "Your check-ins are paused.",
            Button(action_id="pledge.resume", label="Resume check-ins", style="primary"),
        )
    else:
        state = f"I check in with you on {schedule(leader)}."
        away = leaders.away_until(leader, turn.now)
        resumes = leaders.next_checkin_day(turn.session, leader, _closed(turn))
        if away and resumes:
            state = (
                f"You are away until {long_date(away)}: check-ins resume on "
                f"{long_date(resumes)} (/pledge back if you return early). {state}"
            )
        else:
            coming = progress.next_words(turn.session, leader, _closures(turn))
            state = f"I check in with you on {schedule(leader)}{coming}."
        toggle = Button(action_id="pledge.pause", label="Pause check-ins")
    return Message(
        blocks=[
            TextBlock(text=f"You signed the pledge on {long_date(leader.signed_at.date())}."),
            TextBlock(text=state, style="context"),
            ActionsBlock(
                buttons=[
                    Button(action_id="pledge.progress", label="My progress", style="primary"),
                    Button(action_id="pledge.edit", label="Edit my pledge"),
                    toggle,
                    Button(action_id="pledge.leave", label="Leave the pledge", style="danger"),
                ]
            ),
        ]
    )


def _mine(turn: Turn) -> Leader | None:
    """The actor's pledge, if they have signed and not left."""
    leader = leaders.leader_of(turn.session, turn.actor)
    return leader if leader is not None and leader.status != "left" else None


def _open_checkin(turn: Turn, leader: Leader) -> Checkin | None:
    return turn.session.scalar(
        select(Checkin)
        .where(Checkin.leader_id == leader.id, Checkin.status == "open")
        .order_by(Checkin.week_of.desc())
        .limit(1)
    )


def _away_problem(turn: Turn, leader: Leader, until: date) -> str | None:
    """Why ``until`` cannot be the last day away, or None if it can."""
    today = turn.now.astimezone(zone(leader.timezone)).date()
    if until < today:
        return f"{long_date(until)} has passed; give today or a later date."
    if until > today + MAX_AWAY:
        return "That is more than a year away; /pledge pause suits it better."
    return None


def _away(turn: Turn, leader: Leader, text: str) -> list[Reply]:
    try:
        until = date.fromisoformat(text.strip())
    except ValueError:
        return [turn.say(text_message("Use a date like 2027-04-14: /pledge away 2027-04-14"))]
    problem = _away_problem(turn, leader, until)
    if problem:
        return [turn.say(text_message(problem))]
    return _go_away(turn, leader, until)


def _go_away(turn: Turn, leader: Leader, until: date) -> list[Reply]:
    leaders.go_away(turn.session, leader, until)
    return [
        turn.say(
            text_message(
                f"Noted: no check-ins or reminders until {long_date(until)}. "
                "Type /pledge back if you return early."
            )
        )
    ]


def _summary(turn: Turn, pack_id: str) -> Message:
    """The D&I lead's summary: the pledge's, or with a pack's id that pack's (each pack has
    its own view; the pledge's lists the others)."""
    packs = turn.resources.get(Packs, NO_PACKS)
    if pack_id in ("", PLEDGE_PACK):
        summary = progress.summary(
            turn.session, turn.need(Pledge), turn.now, turn.settings.missed_alert_threshold
        )
        others = [p.id for p in packs if p.id != PLEDGE_PACK]
        if not others:
            return summary
        line = "Other packs: " + ", ".join(others) + ". /pledge summary PACK shows one."
        return Message(blocks=[*summary.blocks, TextBlock(text=line, style="context")])
    found = turn.need(PackSummaries).of(turn, pack_id) if packs.get(pack_id) else None
    if found is None:
        known = ", ".join(p.id for p in packs) or PLEDGE_PACK
        return text_message(f"I don't know the pack “{pack_id}”. The packs are: {known}.")
    return found


def on_command(turn: Turn, args: str) -> list[Reply]:
    word, _, rest = args.strip().partition(" ")
    word = word.lower()
    leader = _mine(turn)
    if word in ("", "sign"):
        if leader is None:
            return [_sign_form(turn, None)]
        return [turn.say(_status_card(turn, leader))]
    if word == "help":
        return [turn.say(text_message(HELP, ELSEWHERE))]
    if word == "closures":
        return closures.on_closures(turn, rest)
    if word == "summary":
        if not turn.is_admin():
            return [
                turn.say(
                    text_message(
                        "The summary is for your organisation's D&I lead. An operator can "
                        "grant you that role with: inclusion-bot admins add "
                        f"{turn.actor.address}"
                    )
                )
            ]
        return [turn.say(_summary(turn, rest.strip().lower()))]
    handler = _LEADER_COMMANDS.get(word)
    if handler is None:
        return [
            turn.say(text_message(f"I don't know “/pledge {word}”. Here is what I can do:", HELP))
        ]
    if leader is None:
        return [turn.say(_not_signed(turn))]
    return handler(turn, leader, rest)


def _not_signed(turn: Turn) -> Message:
    """Why a leader command cannot act: never signed, or left (and when: the history stays)."""
    former = leaders.leader_of(turn.session, turn.actor)
    if former is None:
        return text_message(NOT_SIGNED)
    left = f" on {long_date(former.left_at.date())}" if former.left_at else ""
    return text_message(
        f"You left the pledge{left}. Your history is kept; type /pledge to sign again."
    )


def home(turn: Turn) -> Message:
    """A person's own page (Slack App Home, a Teams personal tab): their pledge and progress,
    and for admins the summary."""
    leader = _mine(turn)
    if leader is None:
        blocks: list[Block] = [
            TextBlock(text=turn.need(Pledge).title, style="heading"),
            TextBlock(
                text="Leaders who sign choose one or two practical steps for each of its eight "
                "commitments, and I check in with them privately each week."
            ),
            ActionsBlock(
                buttons=[Button(action_id="pledge.sign", label="Sign the pledge", style="primary")]
            ),
        ]
    else:
        blocks = [
            *_status_card(turn, leader).blocks,
            *progress.progress(
                turn.session, turn.need(Pledge), leader, turn.now, _closures(turn)
            ).blocks,
        ]
    if turn.is_admin():
        summary = progress.summary(
            turn.session, turn.need(Pledge), turn.now, turn.settings.missed_alert_threshold
        )
        blocks += summary.blocks
    return Message(blocks=blocks)


def _progress(turn: Turn, leader: Leader, _: str) -> list[Reply]:
    return [
        turn.say(
            progress.progress(turn.session, turn.need(Pledge), leader, turn.now, _closures(turn))
        )
    ]


def _edit(turn: Turn, leader: Leader, _: str) -> list[Reply]:
    return [_sign_form(turn, leader)]


def _pause(turn: Turn, leader: Leader, _: str) -> list[Reply]:
    if leader.status == "paused":
        return [turn.say(text_message("Your check-ins are already paused."))]
    leaders.pause(turn.session, leader)
    return [turn.say(text_message("Paused: no check-ins or reminders until you /pledge resume."))]


def _resume(turn: Turn, leader: Leader, _: str) -> list[Reply]:
    if leader.status == "active":
        return [turn.say(text_message("Your check-ins are not paused."))]
    leaders.resume(leader, turn.now, _closed(turn))
    return [turn.say(text_message(f"Welcome back. I'll check in on {schedule(leader)}."))]


def _leave(turn: Turn, leader: Leader, _: str) -> list[Reply]:
    question = questions.new_token(turn.now)  # answered once, by either button
    return [
        turn.say(
            Message(
                blocks=[
                    TextBlock(
                        text="Leave the pledge? I'll stop every check-in and reminder. "
                        "Your history is kept, and you can sign again any time."
                    ),
                    ActionsBlock(
                        buttons=[
                            Button(
                                action_id="pledge.leave.confirm",
                                value=question,
                                label="Yes, leave",
                                style="danger",
                            ),
                            Button(action_id="pledge.leave.cancel", value=question, label="Cancel"),
                        ]
                    ),
                ]
            )
        )
    ]


def _skip(turn: Turn, leader: Leader, _: str) -> list[Reply]:
    """Skip the open check-in or, with none open, the coming one (before it is sent)."""
    checkin = _open_checkin(turn, leader)
    if checkin is not None:
        return _skip_checkin(turn, checkin)
    skipped = leaders.skip_coming(turn.session, leader, _closed(turn))
    if skipped is None:
        return [turn.say(text_message("Your check-ins are paused, so there is none to skip."))]
    day, after = skipped
    following = f" The next one is on {long_date(after)}." if after else ""
    return [
        turn.say(
            text_message(f"Skipped: there will be no check-in on {long_date(day)}.{following}")
        )
    ]


def _away_command(turn: Turn, leader: Leader, rest: str) -> list[Reply]:
    if not rest.strip():
        return [OpenForm(form=checkins.away_form(""))]
    return _away(turn, leader, rest)


def _back(turn: Turn, leader: Leader, _: str) -> list[Reply]:
    if leaders.away_until(leader, turn.now) is None:
        return [
            turn.say(text_message(f"You are not away: check-ins continue on {schedule(leader)}."))
        ]
    leaders.come_back(leader)
    return [turn.say(text_message(f"Welcome back. Check-ins continue on {schedule(leader)}."))]


def _dates(turn: Turn, leader: Leader, rest: str) -> list[Reply]:
    """The leader's switch for check-in lines about awareness dates their steps relate to."""
    word = rest.strip().lower()
    if word not in ("on", "off"):
        now = "on" if leader.related_dates else "off"
        return [
            turn.say(
                text_message(
                    f"Lines about awareness dates your steps relate to are {now} in your "
                    "check-ins. /pledge dates off stops them; /pledge dates on brings them back."
                )
            )
        ]
    leader.related_dates = word == "on"
    if leader.related_dates:
        said = "Done: your check-ins will mention awareness dates your steps relate to."
    else:
        said = "Done: your check-ins will no longer mention awareness dates."
    return [turn.say(text_message(said))]


#: Buttons on a check-in (or its reminder), each carrying the check-in's id.
CHECKIN_ACTIONS = (
    "pledge.status",
    "pledge.notes",
    "pledge.skip",
    "pledge.away",
    "pledge.open",
    "pledge.same",
)

_LEADER_COMMANDS: dict[str, Callable[[Turn, Leader, str], list[Reply]]] = {
    "progress": _progress,
    "edit": _edit,
    "pause": _pause,
    "resume": _resume,
    "leave": _leave,
    "skip": _skip,
    "away": _away_command,
    "back": _back,
    "dates": _dates,
}


def _skip_checkin(turn: Turn, checkin: Checkin) -> list[Reply]:
    if checkin.status == "answered":
        return [turn.say(text_message("You've already answered this check-in; nothing to skip."))]
    if checkin.status == "skipped":
        return [_no_op("You already skipped this check-in; nothing changed.")]
    checkin.status = "skipped"
    checkin.next_reminder_at = None
    return [Update(message=weekly.render(turn.session, turn.resources, checkin))]


def _no_op(text: str) -> Say:
    """The answer to a repeated or stale press: it changed nothing, and only the presser sees."""
    return Say(message=text_message(text), ephemeral=True)


def _checkin_for(turn: Turn, raw_id: str) -> Checkin | Reply:
    """The check-in a button refers to, if it exists and belongs to the person pressing it."""
    checkin_id = _as_id(raw_id)
    checkin = turn.session.get(Checkin, checkin_id) if checkin_id is not None else None
    if checkin is None:
        return turn.say(text_message("That check-in no longer exists. Type /pledge progress."))
    leader = turn.session.get(Leader, checkin.leader_id)
    assert leader is not None
    mine = leaders.leader_of(turn.session, turn.actor)
    if mine is None or mine.id != leader.id:
        return Say(
            message=text_message("That check-in belongs to someone else, so I left it alone."),
            ephemeral=True,
        )
    if leader.status == "left":
        return turn.say(_not_signed(turn))
    return checkin


def _current(turn: Turn, checkin: Checkin) -> Checkin | Reply:
    """``checkin`` if it is the leader's latest; a newer one replaced it otherwise.

    An old message's buttons must not change a week that has moved on (a leader pressing
    through their history would rewrite it), whatever platform kept the old message around.
    """
    newer = turn.session.scalar(
        select(Checkin.week_of)
        .where(Checkin.leader_id == checkin.leader_id, Checkin.week_of > checkin.week_of)
        .order_by(Checkin.week_of.desc())
        .limit(1)
    )
    if newer is None:
        return checkin
    return turn.say(
        text_message(
            f"That check-in, for the week of {long_date(checkin.week_of)}, was replaced by the "
            f"one for the week of {long_date(newer)}, so I left it alone. "
            "Type /pledge progress to see where you are."
        )
    )


def on_action(turn: Turn, action: ActionEvent) -> list[Reply]:
    name = action.action_id
    if name in CHECKIN_ACTIONS:
        raw_id, *rest = action.value.split(":")
        found = _checkin_for(turn, raw_id)
        if isinstance(found, Checkin) and name != "pledge.away":
            found = _current(turn, found)
        if not isinstance(found, Checkin):
            return [found]
        if name == "pledge.open":
            return [turn.say(weekly.render(turn.session, turn.resources, found))]
        if name == "pledge.same":
            return _same_as_before(turn, found)
        if name == "pledge.notes":
            return [OpenForm(form=checkins.answer_form(turn.session, turn.need(Pledge), found))]
        if name == "pledge.skip":
            return _skip_checkin(turn, found)
        if name == "pledge.away":
            return [OpenForm(form=checkins.away_form(str(found.id)))]
        return _press_status(turn, found, rest)
    leader = _mine(turn)
    if name == "pledge.sign":
        return on_command(turn, "")
    signed_once = leader is not None or leaders.leader_of(turn.session, turn.actor) is not None
    if name in ("pledge.leave.confirm", "pledge.leave.cancel") and signed_once:
        # First: after "Yes, leave" its Cancel must say the question was answered, not act.
        stale = questions.answer(turn.session, action.value, turn.now)
        if stale:
            return [_no_op(f"{stale} Type /pledge to see where you are.")]
    if leader is None:
        return [turn.say(_not_signed(turn))]
    simple = {
        "pledge.progress": _progress,
        "pledge.edit": _edit,
        "pledge.pause": _pause,
        "pledge.resume": _resume,
        "pledge.leave": _leave,
    }
    if name in simple:
        return simple[name](turn, leader, "")
    if name == "pledge.leave.cancel":
        return [Update(message=text_message("You are still in the pledge; nothing changed."))]
    if name == "pledge.leave.confirm":
        leaders.leave(turn.session, leader, turn.now)
        return [
            Update(
                message=text_message(
                    "You have left the pledge. No more check-ins or reminders; your history "
                    "is kept. Thank you for what you did."
                )
            )
        ]
    return [turn.say(text_message("That button has expired. Type /pledge to start again."))]


def _same_as_before(turn: Turn, checkin: Checkin) -> list[Reply]:
    """ "No change since last week": the earlier statuses recorded again, in one tap."""
    if checkin.status == "skipped":
        return [_no_op(SKIPPED)]
    repeated, unknown = checkins.repeat_earlier(turn.session, checkin, turn.now)
    if not repeated:  # a second press, or nothing earlier to repeat: nothing changed
        if not unknown:
            return [_no_op("Every step already has an answer this week; nothing changed.")]
        return [_no_op("There are no earlier answers to repeat: tap a status for each step.")]
    lead = f"Thank you: the same answers as before are recorded for {repeated} step(s)."
    if unknown:
        lead += f" {unknown} step(s) had no earlier answer: tap a status for them."
    return [Update(message=weekly.render(turn.session, turn.resources, checkin, lead))]


def _press_status(turn: Turn, checkin: Checkin, rest: list[str]) -> list[Reply]:
    valid_ids = {step.id for step in checkins.active_steps(turn.session, checkin.leader_id)}
    step_id = _as_id(rest[0]) if len(rest) == 2 else None
    if step_id is None or rest[1] not in STATUSES:
        return [turn.say(text_message("That button has expired. Type /pledge progress."))]
    if step_id not in valid_ids:
        return [
            turn.say(
                text_message(
                    "That step is no longer in your pledge (you edited it). "
                    "The latest check-in has your current steps."
                )
            )
        ]
    if checkin.status == "skipped":  # its message was replaced by one without buttons
        return [_no_op(SKIPPED)]
    previous = checkins.latest_answers(turn.session, checkin.id).get(step_id)
    answer = Answer(rest[1], previous.note if previous else "")
    if answer == previous:  # a second press of the same button records nothing more
        return [_no_op(f"You already answered {STATUSES[answer.status]} for that step.")]
    checkins.record(turn.session, checkin, step_id, answer, turn.now)
    return [Update(message=weekly.render(turn.session, turn.resources, checkin))]


def on_form(turn: Turn, form: FormEvent) -> list[Reply]:
    if form.form_id == SIGN_FORM:
        return _submit_pledge(turn, form)
    if form.form_id == ANSWER_FORM:
        found = _checkin_for(turn, form.context)
        if isinstance(found, Checkin):
            found = _current(turn, found)
        if not isinstance(found, Checkin):
            return [found]
        definition = checkins.answer_form(turn.session, turn.need(Pledge), found)
        values, errors = validate(definition, form.values)
        if errors:
            return [FormErrors(form_id=form.form_id, errors=errors)]
        previous = checkins.latest_answers(turn.session, found.id)
        changed = 0
        for step in checkins.active_steps(turn.session, found.leader_id):
            status = cast(str, values.get(f"status_{step.id}") or "")
            note = cast(str, values.get(f"note_{step.id}") or "")
            if not status and note:
                status = previous[step.id].status if step.id in previous else ""
                if not status:
                    return [
                        FormErrors(
                            form_id=form.form_id,
                            errors={
                                f"status_{step.id}": f"{step.commitment}. {step.text}: "
                                "Give a status with your note."
                            },
                        )
                    ]
            if status and Answer(status, note) != previous.get(step.id):
                checkins.record(turn.session, found, step.id, Answer(status, note), turn.now)
                changed += 1
        return [
            turn.say(
                text_message(
                    f"Saved {changed} answer(s) for the week of "
                    f"{long_date(found.week_of)}. Thank you."
                )
            ),
            Update(message=weekly.render(turn.session, turn.resources, found)),
        ]
    if form.form_id == AWAY_FORM:
        leader = _mine(turn)
        if leader is None:
            return [turn.say(_not_signed(turn))]
        values, errors = validate(checkins.away_form(form.context), form.values)
        until = date.fromisoformat(cast(str, values["until"])) if not errors else None
        problem = _away_problem(turn, leader, until) if until else None
        if problem:
            errors = {"until": problem}
        if errors or until is None:
            return [FormErrors(form_id=form.form_id, errors=errors)]
        return _go_away(turn, leader, until)
    return [turn.say(text_message("That form has expired. Type /pledge to start again."))]


def _submit_pledge(turn: Turn, form: FormEvent) -> list[Reply]:
    leader = _mine(turn)
    definition = _sign_form(turn, leader).form
    values, errors = validate(definition, form.values)
    choices = None
    if not errors:
        choices, errors = read_choices(turn.need(Pledge), values)
    if errors or choices is None:
        return [FormErrors(form_id=form.form_id, errors=errors)]
    if leader is not None:
        leaders.edit(turn.session, leader, choices, turn.now, _closed(turn))
        return [turn.say(text_message(f"Saved. I'll check in on {schedule(leader)}."))]
    leader = leaders.sign(
        turn.session,
        turn.actor,
        choices,
        turn.now,
        turn.settings,
        turn.need(Pledge),
        _closed(turn),
    )
    assert leader.next_checkin_at is not None
    first = leader.next_checkin_at.astimezone(zone(leader.timezone)).date()
    return [
        turn.say(
            text_message(
                f"Thank you for signing the {turn.need(Pledge).title}.",
                f"Your first check-in arrives on {long_date(first)} at {leader.local_time} "
                f"({leader.timezone}). Type /pledge progress any time to see where you are.",
                missed_notice(turn.settings.missed_alert_threshold),
            )
        )
    ]
