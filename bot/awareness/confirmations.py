"""Dates organisers set each year (Careers in Ideas Week, National Inclusion Week, UK Disability
History Month), confirmed by an admin in chat before they are ever posted.

They ship with expected dates and ``confirmed: false`` (content/awareness.yaml, ``organiser``
rule). Six weeks before such a date every admin gets a private message: the expected dates,
where they come from, the organisers' link, and Confirm / Change dates / Not this year. With
no answer, a reminder two weeks before; still none, the date stays unposted. An answer is an
``organiser_decisions`` row (who and when); the first answer wins, later presses are told so.

For every reader of the calendar: ``effective(session, calendar)`` is the calendar with the
admins' decisions applied: a confirmed year has ``confirmed`` True and the dates as confirmed
(changed dates included), a year declined is gone, and a year nobody answered stays as shipped,
``confirmed`` False. Posts, /awareness upcoming, ``inclusion-bot awareness list``, the pledge's
check-in lines and the volunteers' Careers in Ideas Week should read that one; a date whose
``Occurrence.confirmed`` is False is expected only and must never be announced as fact.
``waiting(session, calendar, today)`` lists the dates still waiting for an answer (the
dashboard's "organisers' dates waiting for confirmation").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.awareness.calendar import Calendar, Entry, OrganiserDates, OrganiserRule
from bot.awareness.models import AwarenessSubscription, OrganiserDecision
from bot.config import Settings
from bot.conversation import (
    ActionEvent,
    ActionsBlock,
    Address,
    Button,
    Form,
    FormErrors,
    FormEvent,
    FormField,
    LinkBlock,
    Message,
    OpenForm,
    Reply,
    Say,
    TextBlock,
    Update,
    text_message,
)
from bot.dates import long_date
from bot.forms import validate
from bot.outbox import Outgoing, queue
from bot.people import list_admins
from bot.store.upsert import insert_new
from bot.timezones import parse_local_time, zone
from bot.turn import Turn

ASK_DAYS = 42
REMIND_DAYS = 14
#: The longest an organiser's period may be confirmed as (a month and a half).
MAX_DAYS = 45
RENDERER = "awareness.organiser"
CONFIRM, CHANGE, DECLINE = (
    "awareness.organiser.confirm",
    "awareness.organiser.change",
    "awareness.organiser.decline",
)
ACTIONS = (CONFIRM, CHANGE, DECLINE)
FORM = "awareness.organiser"


@dataclass(frozen=True)
class Waiting:
    """One year of an organiser's date that nobody has confirmed or declined yet."""

    entry: Entry
    year: int
    start: date
    end: date
    source: str

    @property
    def key(self) -> str:
        return f"{self.entry.id}:{self.year}"


# --- the calendar with the decisions applied -----------------------------------------------------

_Decided = tuple[tuple[str, int, str, date, date], ...]
_overlays: dict[tuple[int, _Decided], tuple[Calendar, Calendar]] = {}


def _decided(session: Session) -> _Decided:
    rows = session.execute(
        select(
            OrganiserDecision.entry_id,
            OrganiserDecision.year,
            OrganiserDecision.status,
            OrganiserDecision.start,
            OrganiserDecision.end,
        ).order_by(OrganiserDecision.entry_id, OrganiserDecision.year)
    )
    return tuple((r.entry_id, r.year, r.status, r.start, r.end) for r in rows)


def _overlay(calendar: Calendar, decided: _Decided) -> Calendar:
    by_entry: dict[str, dict[int, tuple[str, date, date]]] = {}
    for entry_id, year, status, start, end in decided:
        by_entry.setdefault(entry_id, {})[year] = (status, start, end)
    entries = []
    for entry in calendar.entries:
        rule = entry.rule
        mine = by_entry.get(entry.id)
        if not mine or not isinstance(rule, OrganiserRule):
            entries.append(entry)
            continue
        dates: dict[int, OrganiserDates] = {}
        for year, shipped in rule.dates.items():
            status, start, end = mine.get(year, ("", shipped.start, shipped.end))
            if status == "not_this_year":
                continue
            confirmed = shipped.confirmed or status == "confirmed"
            dates[year] = OrganiserDates(
                start=start, end=end, confirmed=confirmed, source=shipped.source
            )
        entries.append(entry.model_copy(update={"rule": rule.model_copy(update={"dates": dates})}))
    return Calendar(tuple(entries))


def effective(session: Session, calendar: Calendar) -> Calendar:
    """``calendar`` with the admins' decisions applied (see the module's docstring). One small
    query; the overlaid calendar is kept while the decisions stay the same, so its memoised
    spans are reused from tick to tick."""
    decided = _decided(session)
    if not decided:
        return calendar
    key = (id(calendar), decided)
    kept = _overlays.get(key)
    if kept is None or kept[0] is not calendar:
        if len(_overlays) > 16:
            _overlays.clear()
        kept = (calendar, _overlay(calendar, decided))
        _overlays[key] = kept
    return kept[1]


def waiting(session: Session, calendar: Calendar, today: date) -> list[Waiting]:
    """Organisers' dates from ``today`` on that ship unconfirmed and nobody has answered for,
    soonest first."""
    answered = {(entry_id, year) for entry_id, year, *_ in _decided(session)}
    found = [
        Waiting(entry, year, span.start, span.end, span.source)
        for entry in calendar.entries
        if isinstance(entry.rule, OrganiserRule)
        for year, span in entry.rule.dates.items()
        if not span.confirmed and span.start >= today and (entry.id, year) not in answered
    ]
    return sorted(found, key=lambda w: (w.start, w.entry.name))


# --- asking the admins ------------------------------------------------------------------------


def queue_asks(session: Session, now: datetime, settings: Settings, calendar: Calendar) -> int:
    """Ask every admin, privately, about each date six weeks off; remind them two weeks off.
    At the awareness post time in DEFAULT_TIMEZONE. Keyed per date, year and admin, so each
    goes out once; the renderer cancels one answered before it is sent."""
    tz = zone(settings.default_timezone)
    at = parse_local_time(settings.awareness_post_time)
    today = now.astimezone(tz).date()
    admins = [Address.parse(text, kind="user") for text, _ in list_admins(session, settings)]
    outgoing = []
    for item in waiting(session, calendar, today):
        remind_at = datetime.combine(item.start - timedelta(days=REMIND_DAYS), at, tzinfo=tz)
        ask_at = datetime.combine(item.start - timedelta(days=ASK_DAYS), at, tzinfo=tz)
        if now >= remind_at:
            kind = "remind"
        elif now >= ask_at:
            kind = "ask"
        else:
            continue
        outgoing += [
            Outgoing(
                f"organiser-{kind}:{item.key}:{_hashed(admin)}",
                admin,
                render=RENDERER,
                args={"entry": item.entry.id, "year": item.year, "reminder": kind == "remind"},
            )
            for admin in admins
        ]
    return queue(session, outgoing, now)


def _hashed(admin: Address) -> str:
    """An admin in a key: hashed, as Teams ids are long."""
    return hashlib.sha256(str(admin).encode()).hexdigest()[:16]


def _shipped(calendar: Calendar, entry_id: str, year: int) -> tuple[Entry, OrganiserDates] | None:
    entry = calendar.entry(entry_id)
    if entry is None or not isinstance(entry.rule, OrganiserRule):
        return None
    span = entry.rule.dates.get(year)
    return (entry, span) if span is not None else None


def _span_words(start: date, end: date) -> str:
    return long_date(start) if start == end else f"{long_date(start)} to {long_date(end)}"


def ask_message(entry: Entry, year: int, span: OrganiserDates, reminder: bool) -> Message:
    value = f"{entry.id}:{year}"
    lead = (
        "A reminder: nobody has confirmed these dates yet. If nobody does, it is not posted."
        if reminder
        else "It is not posted to any channel until someone confirms its dates."
    )
    return Message(
        blocks=[
            TextBlock(text=f"Please confirm the dates of {entry.name} {year}", style="heading"),
            TextBlock(text=f"Expected: {_span_words(span.start, span.end)}. {lead}"),
            TextBlock(text=f"Where the expected dates come from: {span.source}", style="context"),
            LinkBlock(label=f"The organisers' site for {entry.name}", url=entry.link),
            ActionsBlock(
                buttons=[
                    Button(action_id=CONFIRM, value=value, label="Confirm", style="primary"),
                    Button(action_id=CHANGE, value=value, label="Change dates"),
                    Button(action_id=DECLINE, value=value, label="Not this year"),
                ]
            ),
        ],
        ref=f"organiser:{value}",
    )


def render_ask(calendar: Calendar, session: Session, args: dict[str, Any]) -> Message | None:
    """The outbox's renderer: None (cancelled) once someone has answered, or the entry is gone."""
    entry_id, year = str(args["entry"]), int(args["year"])
    found = _shipped(calendar, entry_id, year)
    if found is None or session.get(OrganiserDecision, (entry_id, year)) is not None:
        return None
    return ask_message(found[0], year, found[1], bool(args.get("reminder")))


# --- the answers --------------------------------------------------------------------------------


def _target(turn: Turn, value: str) -> tuple[Entry, int, OrganiserDates] | None:
    entry_id, _, year_text = value.partition(":")
    if not (year_text.isascii() and year_text.isdigit()):
        return None
    found = _shipped(turn.need(Calendar), entry_id, int(year_text))
    return (found[0], int(year_text), found[1]) if found else None


def _already(turn: Turn, decided: OrganiserDecision, entry: Entry) -> Say:
    who = "you" if decided.decided_by == str(turn.actor.address) else "another admin"
    what = (
        f"confirmed for {_span_words(decided.start, decided.end)}"
        if decided.status == "confirmed"
        else "marked not this year"
    )
    return Say(
        message=text_message(
            f"{entry.name} {decided.year} was already {what} by {who} on "
            f"{long_date(decided.decided_at.date())}; nothing changed."
        ),
        ephemeral=True,
    )


def _decide(
    turn: Turn, entry: Entry, year: int, status: str, start: date, end: date
) -> OrganiserDecision | None:
    """Record the answer; None when someone else's came first (the primary key decides)."""
    row = {
        "entry_id": entry.id,
        "year": year,
        "status": status,
        "start": start,
        "end": end,
        "decided_by": str(turn.actor.address),
        "decided_at": turn.now,
    }
    if not insert_new(turn.session, OrganiserDecision, [row], ["entry_id", "year"], ("year",)):
        return None
    # Every channel looks again at the next tick, so a confirmed date's posts are planned.
    turn.session.execute(update(AwarenessSubscription).values(next_check_at=turn.now))
    return turn.session.get(OrganiserDecision, (entry.id, year))


def _decided_message(entry: Entry, decided: OrganiserDecision) -> Message:
    if decided.status == "confirmed":
        said = (
            f"Confirmed: {entry.name} {decided.year}, {_span_words(decided.start, decided.end)}. "
            "It will be posted like any other date."
        )
    else:
        said = f"Not this year: {entry.name} {decided.year} will not be posted."
    return Message(
        blocks=[
            TextBlock(text=said),
            TextBlock(text=f"Answered on {long_date(decided.decided_at.date())}.", style="context"),
        ],
        ref=f"organiser:{entry.id}:{decided.year}",
    )


def change_form(entry: Entry, year: int, span: OrganiserDates) -> Form:
    return Form(
        form_id=FORM,
        title="Change dates",
        intro=[
            TextBlock(text=f"{entry.name} {year}", style="heading"),
            TextBlock(text=f"Expected: {_span_words(span.start, span.end)}."),
        ],
        fields=[
            FormField(name="start", label="First day", kind="date", default=span.start.isoformat()),
            FormField(name="end", label="Last day", kind="date", default=span.end.isoformat()),
        ],
        submit_label="Confirm",
        context=f"{entry.id}:{year}",
    )


def on_action(turn: Turn, action: ActionEvent) -> list[Reply]:
    if not turn.is_admin():
        return [turn.say(text_message("Only admins can confirm organisers' dates."))]
    target = _target(turn, action.value)
    if target is None:
        return [turn.say(text_message("That button has expired."))]
    entry, year, span = target
    decided = turn.session.get(OrganiserDecision, (entry.id, year))
    if decided is not None:
        return [_already(turn, decided, entry)]
    if action.action_id == CHANGE:
        return [OpenForm(form=change_form(entry, year, span))]
    status = "confirmed" if action.action_id == CONFIRM else "not_this_year"
    decided = _decide(turn, entry, year, status, span.start, span.end)
    if decided is None:
        raced = turn.session.get(OrganiserDecision, (entry.id, year))
        assert raced is not None
        return [_already(turn, raced, entry)]
    return [Update(message=_decided_message(entry, decided))]


def _problem(year: int, start: date, end: date) -> dict[str, str]:
    if start.year != year:
        return {"start": f"The first day must be in {year}."}
    if end < start:
        return {"end": "The last day must be on or after the first."}
    if (end - start).days >= MAX_DAYS:
        return {"end": f"That is more than {MAX_DAYS} days; check the last day."}
    return {}


def on_form(turn: Turn, form: FormEvent) -> list[Reply]:
    target = _target(turn, form.context) if turn.is_admin() else None
    if target is None:
        return [turn.say(text_message("That form has expired."))]
    entry, year, span = target
    values, errors = validate(change_form(entry, year, span), form.values)
    if not errors:
        start = date.fromisoformat(cast(str, values["start"]))
        end = date.fromisoformat(cast(str, values["end"]))
        errors = _problem(year, start, end)
    if errors:
        return [FormErrors(form_id=form.form_id, errors=errors)]
    existing = turn.session.get(OrganiserDecision, (entry.id, year))
    decided = _decide(turn, entry, year, "confirmed", start, end) if existing is None else None
    if decided is None:
        raced = existing or turn.session.get(OrganiserDecision, (entry.id, year))
        assert raced is not None
        return [_already(turn, raced, entry)]
    return [turn.say(_decided_message(entry, decided))]
