"""The console chat: one terminal, any number of people (``/as NAME``), a movable clock.

Each line typed is one event. A form is asked one field at a time; a choice is answered by its
number. Everything the bot sends on its own initiative goes through the real outbox and is shown
here with its recipient, so the console exercises the same paths as Slack and Teams.
"""

from __future__ import annotations

import logging
import re
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TextIO

from adapters.console.render import ButtonBook, render
from adapters.replies import ReplyChannel
from bot.awareness.calendar import FIRST_DAY, LAST_DAY, OutOfRange, check_in_range
from bot.clock import as_utc
from bot.conversation import (
    ActionEvent,
    Actor,
    Address,
    CommandEvent,
    Event,
    Form,
    FormErrors,
    FormEvent,
    FormField,
    FormValue,
    Message,
    MessageEvent,
    Place,
    Reply,
    Say,
    Update,
)
from bot.forms import subject
from bot.outbox import SendResult
from bot.text import clean

log = logging.getLogger(__name__)

HELP = """Console commands:
  /as NAME          speak as someone else (a leader, an admin, ...)
  /in #CHANNEL      speak in a channel (as for /awareness subscribe); /in dm to go back
  /clock WHEN       move the clock: /clock 2027-03-08T09:00 (UTC) or /clock +7d, +3h, +30m;
                    whatever falls due then is sent at once; /clock alone shows the time
  NUMBER            press the button with that number
  /cancel           abandon the form being filled in
  /quit             leave (Ctrl-D works too)
Everything else goes to the bot; what it can do for you follows."""

CLOCK_USAGE = (
    "Use /clock 2027-03-08T09:00 (UTC) or /clock +7d, +3h, +30m; /clock alone shows the time."
)
_OFFSET = re.compile(r"^\+(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class SettableClock(Protocol):
    def now(self) -> datetime: ...

    def set(self, instant: datetime) -> None: ...


def parse_when(text: str, now: datetime) -> datetime:
    """``+7d``/``+3h``/``+30m`` from now, or an ISO 8601 instant (UTC unless it says otherwise).

    Raises OutOfRange (its message names the range) for an instant the awareness calendars
    cannot work out, and a bare ValueError for unreadable text: each surface says in its own
    terms how to write an instant.
    """
    text = text.strip()
    offset = _OFFSET.match(text)
    try:
        if offset:
            instant = now + timedelta(**{_UNITS[offset.group(2)]: int(offset.group(1))})
        else:
            instant = as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except OverflowError:
        raise OutOfRange(
            f"That is beyond the range the awareness calendars cover "
            f"({FIRST_DAY.year} to {LAST_DAY.year})."
        ) from None
    except ValueError:
        raise ValueError() from None
    check_in_range(instant.date())
    return instant


@dataclass
class _PendingForm:
    form: Form
    values: dict[str, FormValue] = field(default_factory=dict)
    queue: list[FormField] = field(default_factory=list)


class ConsoleChat(ReplyChannel[None, None]):
    """Drives the bot from lines of text. ``run_due`` ticks and drains after every line."""

    def __init__(
        self,
        handle: Callable[[Event], list[Reply]],
        run_due: Callable[[], object],
        clock: SettableClock,
        out: TextIO,
        speaker: str = "you",
        echo: bool = False,
    ) -> None:
        self.handle = handle
        self.run_due = run_due
        self.clock = clock
        self.out = out
        self.echo = echo
        self.book = ButtonBook()
        self.forms: dict[str, _PendingForm] = {}
        self.lock = threading.RLock()
        self.speaker = self._actor(speaker)
        self.place = Place()

    # --- people and output -----------------------------------------------------------------

    @staticmethod
    def _actor(name: str) -> Actor:
        cleaned = clean(name)[:64] or "you"
        return Actor(platform="console", user_id=cleaned.lower(), display_name=cleaned)

    def _print(self, *lines: str) -> None:
        for line in lines:
            self.out.write(line + "\n")
        self.out.flush()

    def _show(self, header: str, message: Message) -> None:
        self._print(header, *render(message, self.book))

    def send(self, destination: Address, message: Message) -> SendResult:
        """The console's Sender for the outbox: show the message with its recipient."""
        with self.lock:
            if destination.kind == "channel":
                header = f"bot → {destination.id} (channel):"
            elif destination.id == self.speaker.user_id:
                header = "bot → you (direct message):"
            else:
                header = f"bot → {destination.id} (direct message):"
            self._show(header, message)
        return SendResult.sent()

    # --- input -----------------------------------------------------------------------------

    def feed(self, line: str) -> bool:
        """Handle one line; return False when the user asked to quit."""
        with self.lock:
            if self.echo:
                self._print(f"{self.prompt()}{line.rstrip()}")
            keep_going = self._dispatch(line.rstrip("\n"))
            self.tick()
            return keep_going

    def tick(self) -> None:
        """Run what is due now (the scheduler calls this while the terminal waits for input)."""
        with self.lock:
            try:
                self.run_due()
            except Exception:
                log.exception("running due work failed")
                self._print("(scheduled work failed and will be retried; details are in the log)")

    def prompt(self) -> str:
        pending = self.forms.get(self.speaker.user_id)
        return "  > " if pending else f"{self.speaker.display_name}> "

    def _dispatch(self, line: str) -> bool:
        text = line.strip()
        word, _, rest = text.partition(" ")
        if word == "/quit":
            return False
        if word == "/help":
            self._print(HELP)
            self._event(CommandEvent(actor=self.speaker, place=self.place, name="help"))
        elif word == "/as":
            self._switch(rest)
        elif word == "/in":
            self._move(rest)
        elif word == "/clock":
            self._move_clock(rest)
        elif word == "/cancel":
            dropped = self.forms.pop(self.speaker.user_id, None)
            self._print("Form cancelled; nothing was sent." if dropped else "No form is open.")
        elif self.speaker.user_id in self.forms and not _is_command(text):
            self._answer_field(text)
        elif text.isdigit():
            self._press(int(text))
        elif _is_command(text):
            # In a form too: a command is never taken as an answer, and the form stays open.
            pending = self.forms.get(self.speaker.user_id)
            name, _, args = text[1:].partition(" ")
            self._event(
                CommandEvent(actor=self.speaker, place=self.place, name=name, args=args.strip())
            )
            if pending is not None and self.forms.get(self.speaker.user_id) is pending:
                self._print("(the form is still open; /cancel to stop it)")
                self._ask(pending)
        elif text:
            self._event(MessageEvent(actor=self.speaker, place=self.place, text=text))
        return True

    def _switch(self, name: str) -> None:
        if not clean(name):
            self._print("Say who: /as alice")
            return
        self.speaker = self._actor(name)
        self._print(f"(you are now {self.speaker.display_name})")
        pending = self.forms.get(self.speaker.user_id)
        if pending:
            self._ask(pending)

    def _move(self, where: str) -> None:
        name = clean(where).lower()
        if name in ("", "dm", "direct"):
            self.place = Place()
            self._print("(you are in your direct conversation with the bot)")
            return
        self.place = Place(kind="channel", id="#" + name.lstrip("#")[:60])
        self._print(f"(you are in {self.place.id})")

    def _move_clock(self, when: str) -> None:
        if not when.strip():
            self._print(f"(the time is {self.clock.now():%A %d %B %Y %H:%M} UTC)")
            return
        try:
            instant = parse_when(when, self.clock.now())
        except OutOfRange as exc:
            self._print(str(exc))
            return
        except ValueError:
            self._print(CLOCK_USAGE)
            return
        self.clock.set(instant)
        self._print(f"(the time is now {instant:%A %d %B %Y %H:%M} UTC)")

    def _press(self, number: int) -> None:
        button = self.book.buttons.get(number)
        if button is None:
            self._print(f"There is no button {number}.")
            return
        self._event(
            ActionEvent(
                actor=self.speaker,
                place=self.place,
                action_id=button.action_id,
                value=button.value,
            )
        )

    def _event(self, event: Event) -> None:
        for reply in self.handle(event):
            self.dispatch(None, reply)

    # --- replies (adapters/replies.py): a confidential one is shown as any other, since the
    # terminal is its reader's own ------------------------------------------------------------

    def say(self, where: None, message: Message, ephemeral: bool) -> None:
        self._show("bot (only you can see this):" if ephemeral else "bot:", message)

    def update(self, where: None, message: Message) -> None:
        self._show("bot (updated the message):", message)

    def open_form(self, where: None, form: Form) -> None:
        pending = _PendingForm(form, queue=list(form.fields))
        self.forms[self.speaker.user_id] = pending
        self._print(f"bot: {form.title} (one question at a time; /cancel to stop)")
        for line in render(Message(blocks=form.intro), self.book):
            self._print(line)
        self._ask(pending)

    def form_errors(self, where: None, errors: FormErrors) -> None:
        self._errors(errors)

    def confidential(self, where: None, reply: Say | Update) -> None:
        """A case's words, shown as any other message: the console is its reader's own."""
        if isinstance(reply, Say):
            self.say(where, reply.message, reply.ephemeral)
        else:
            self.update(where, reply.message)

    # --- forms -----------------------------------------------------------------------------

    def _ask(self, pending: _PendingForm) -> None:
        item = pending.queue[0]
        self._print("", f"  {item.label}")
        if item.hint:
            self._print(f"    {item.hint}")
        for number, option in enumerate(item.options, start=1):
            self._print(*_indent(f"{number}) {option.label}"))
        self._print(f"    {_instructions(item)}")

    def _answer_field(self, text: str) -> None:
        pending = self.forms[self.speaker.user_id]
        item = pending.queue[0]
        try:
            value = _read_answer(item, text)
        except ValueError as exc:
            self._print(f"    {exc}", f"    {_instructions(item)}")
            return
        pending.values[item.name] = value
        pending.queue.pop(0)
        if pending.queue:
            self._ask(pending)
            return
        self._event(
            FormEvent(
                actor=self.speaker,
                place=self.place,
                form_id=pending.form.form_id,
                context=pending.form.context,
                values=pending.values,
            )
        )
        if self.forms.get(self.speaker.user_id) is pending and not pending.queue:
            del self.forms[self.speaker.user_id]

    def _errors(self, errors: FormErrors) -> None:
        pending = self.forms.get(self.speaker.user_id)
        if pending is None or pending.form.form_id != errors.form_id:
            self._print("bot: that form was not accepted; please start again.")
            return
        self._print("bot: a few answers need another look:")
        shown: set[str] = set()
        for item in pending.form.fields:
            message = errors.errors.get(item.name)
            if message is None or message in shown:
                continue  # one problem on two fields (a commitment's steps) is said once
            shown.add(message)
            # The core's errors name their field; an older one that does not gets the label.
            named = message.startswith(f"{subject(item)}:")
            self._print(f"  {message}" if named else f"  {item.label}: {message}")
        pending.queue = [f for f in pending.form.fields if f.name in errors.errors]
        if not pending.queue:
            self._print(*(f"  {message}" for message in errors.errors.values()))
            del self.forms[self.speaker.user_id]
            return
        self._ask(pending)


def _is_command(text: str) -> bool:
    return text.startswith("/") and len(text) > 1


#: Typed to clear an optional field that has a value (Enter keeps the value).
CLEAR = "-"


def _indent(text: str) -> list[str]:
    return textwrap.wrap(text, 88, initial_indent="    ", subsequent_indent="       ")


def _default_text(item: FormField) -> str | None:
    if item.default in (None, "", []):
        return None
    chosen = item.default if isinstance(item.default, list) else [item.default]
    if item.options:
        numbers = {o.value: str(i) for i, o in enumerate(item.options, start=1)}
        return ", ".join(numbers.get(value, value) for value in chosen)
    return ", ".join(chosen)


def _instructions(item: FormField) -> str:
    default = _default_text(item)
    if item.kind == "multi_choice":
        most = f"up to {item.max_selected}" if item.max_selected else "any"
        text = f"Type {most} numbers separated by commas"
    elif item.kind == "choice":
        text = "Type a number"
    elif item.kind == "date":
        text = "Type a date (YYYY-MM-DD)"
    elif item.kind == "time":
        text = "Type a time (HH:MM, 24-hour)"
    else:
        text = (
            f"Type your answer (up to {item.max_length} characters)"
            if item.max_length
            else "Type your answer"
        )
    if default is not None:
        if not item.required:
            return f"{text}; Enter keeps {default}; {CLEAR} clears it."
        return f"{text}; Enter keeps {default}."
    return f"{text}; Enter leaves it empty." if not item.required else f"{text}."


def _read_answer(item: FormField, text: str) -> FormValue:
    """Turn a typed answer into a field value; numbers pick options. Checks happen in the core."""
    if not text or (text == CLEAR and not item.required):
        if text != CLEAR and item.default is not None:
            return item.default
        return [] if item.kind == "multi_choice" else ""
    if not item.options:
        return text
    picked: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if part.isdigit() and 1 <= int(part) <= len(item.options):
            picked.append(item.options[int(part) - 1].value)
            continue
        by_label = [o.value for o in item.options if o.label.casefold() == part.casefold()]
        if not by_label:
            raise ValueError(
                f"There is no option “{part}”; type a number from 1 to {len(item.options)}."
            )
        picked += by_label
    if item.kind == "choice":
        if len(picked) != 1:
            raise ValueError("Choose just one.")
        return picked[0]
    return picked
