"""``/pledge closures``: the days the organisation is closed, which admins keep in chat.

Days in CONTENT_DIR's closures.yaml are listed too, but are changed by editing the file. A new
closure day needs no rescheduling: the next check-in shown and the tick both move a check-in
off any day off as they meet it (bot/pledge/workdays.py). Removing one does not bring back a
check-in already moved past it; it only stops moving the next ones.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import delete, select

from bot.conversation import Message, Reply, text_message
from bot.dates import long_date
from bot.pledge.models import ClosureDay
from bot.pledge.workdays import MAX_SHIFT_DAYS, closures, file_closures
from bot.timezones import zone
from bot.turn import Turn

USAGE = (
    "/pledge closures: the organisation's closure days to come\n"
    "/pledge closures add 2027-12-24 Office closed (or 2027-12-24..2027-12-31 for a run of "
    "days): no check-ins or reminders on them; they come the next working day\n"
    "/pledge closures remove 2027-12-24 (or a run, as for add)"
)
LABEL_LIMIT = 100
SHOWN = 30
#: How far ahead a closure day may be added: further is almost surely a typing mistake.
AHEAD_DAYS = 2 * 366
# date.fromisoformat alone also takes 20271227 and 2027-W52-1; admins are told one form.
_SPAN = re.compile(r"(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?")


def _days(text: str) -> list[date] | str:
    """The days ``2027-12-24`` or ``2027-12-24..2027-12-31`` names, or what is wrong with it."""
    found = _SPAN.fullmatch(text)
    try:
        if found is None:
            raise ValueError(text)
        first = date.fromisoformat(found[1])
        last = date.fromisoformat(found[2]) if found[2] else first
    except ValueError:
        return f"“{text}” is not a date; use one like 2027-12-24, or 2027-12-24..2027-12-31."
    if not 0 <= (last - first).days <= MAX_SHIFT_DAYS:
        return f"A run of days goes forwards and lasts at most {MAX_SHIFT_DAYS} days."
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _addable(days: list[date], today: date) -> str | None:
    """Why these days cannot be added, if they cannot: a day gone by moves nothing, and one
    years ahead is more likely a mistyped year than a plan."""
    if days[0] < today:
        return f"{long_date(days[0])} has passed; closure days are for days to come."
    if (days[-1] - today).days > AHEAD_DAYS:
        return "That is more than two years ahead; add it nearer the time."
    return None


def on_closures(turn: Turn, args: str) -> list[Reply]:
    if not turn.is_admin():
        return [turn.say(text_message("Closure days are kept by your organisation's admins."))]
    word, _, rest = args.strip().partition(" ")
    word = word.lower()
    if word == "":
        return [turn.say(_listing(turn))]
    if word not in ("add", "remove"):
        return [turn.say(text_message(f"I don't know “/pledge closures {word}”.", USAGE))]
    when, _, label = rest.strip().partition(" ")
    days = _days(when) if when else "Give a date: " + USAGE.splitlines()[1]
    if isinstance(days, str):
        return [turn.say(text_message(days))]
    label = " ".join(label.split())
    if len(label) > LABEL_LIMIT:
        return [
            turn.say(text_message(f"That label is {len(label)} characters; at most {LABEL_LIMIT}."))
        ]
    span = long_date(days[0]) + (f" to {long_date(days[-1])}" if len(days) > 1 else "")
    if word == "add":
        today = turn.now.astimezone(zone(turn.settings.default_timezone)).date()
        problem = _addable(days, today)
        if problem is not None:
            return [turn.say(text_message(problem))]
        for day in days:
            row = turn.session.get(ClosureDay, day) or ClosureDay(day=day)
            row.label, row.added_by, row.added_at = label, str(turn.actor.address), turn.now
            turn.session.add(row)
        return [
            turn.say(
                text_message(
                    f"Added: {span} {'are closure days' if len(days) > 1 else 'is a closure day'}."
                    " Check-ins and reminders due then come the next working day."
                )
            )
        ]
    removed = len(
        turn.session.scalars(select(ClosureDay.day).where(ClosureDay.day.in_(days))).all()
    )
    turn.session.execute(delete(ClosureDay).where(ClosureDay.day.in_(days)))
    in_file = file_closures(turn.settings.content_dir)
    kept = any(day in in_file for day in days)
    note = " Days in closures.yaml stay until the file is edited." if kept else ""
    if not removed:
        return [turn.say(text_message(f"No closure day added in chat on {span}.{note}"))]
    days_word = "closure day" if removed == 1 else "closure days"
    return [turn.say(text_message(f"Removed {removed} {days_word} in {span}.{note}"))]


def _listing(turn: Turn) -> Message:
    today = turn.now.astimezone(zone(turn.settings.default_timezone)).date()
    coming = sorted(
        (day, label)
        for day, label in closures(turn.session, turn.settings.content_dir).items()
        if day >= today
    )
    if not coming:
        return text_message("No closure days to come.", USAGE)
    lines = [f"{long_date(day)}" + (f": {label}" if label else "") for day, label in coming]
    more = f"\n… and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    return text_message("Closure days to come:", "\n".join(lines[:SHOWN]) + more)
