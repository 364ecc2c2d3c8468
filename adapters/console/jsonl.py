"""JSON lines: the machine mode of the console (``inclusion-bot chat --jsonl``).

Each input line is one neutral event (or a clock instruction) as JSON; each output line is one
JSON object: a reply to the event, a message the outbox sent, the clock, or an error. A bad line
gets an error line and the session carries on. An input line's optional ``id`` is echoed on
every line written in answer to it, so a script can match them. The README documents the format.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from pydantic import TypeAdapter, ValidationError

from adapters.console.chat import SettableClock, parse_when
from bot.awareness.calendar import OutOfRange
from bot.conversation import Address, Event, Message, Reply
from bot.outbox import SendResult

EVENTS: TypeAdapter[Event] = TypeAdapter(Event)
REPLIES: TypeAdapter[Reply] = TypeAdapter(Reply)
CLOCK_USAGE = (
    'Use {"type": "clock", "set": "2027-03-08T09:00:00Z"} (an ISO 8601 instant, UTC unless it '
    'says otherwise) or {"type": "clock", "advance": "+7d"} (+N d, h or m).'
)


class JsonLinesChat:
    def __init__(
        self,
        handle: Callable[[Event], list[Reply]],
        run_due: Callable[[], object],
        clock: SettableClock,
        out: TextIO,
    ) -> None:
        self.handle = handle
        self.run_due = run_due
        self.clock = clock
        self.out = out
        #: The ``id`` of the input line being answered, echoed on each line written for it.
        self.answering: str | int | None = None

    def _emit(self, record: dict[str, Any]) -> None:
        if self.answering is not None:
            record = {"id": self.answering, **record}
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.out.flush()

    def send(self, destination: Address, message: Message) -> SendResult:
        """The outbox Sender in this mode: one ``send`` line per message."""
        self._emit(
            {
                "type": "send",
                "destination": str(destination),
                "message": message.model_dump(mode="json"),
            }
        )
        return SendResult.sent()

    def feed(self, line: str) -> None:
        if not line.strip():
            return
        self.answering = None
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            self._emit({"type": "error", "error": f"not JSON: {exc.msg} at column {exc.colno}"})
            return
        if isinstance(raw, dict) and "id" in raw:
            raw = dict(raw)
            given = raw.pop("id")
            if not isinstance(given, str | int) or isinstance(given, bool):
                self._emit({"type": "error", "error": "id: give a string or a whole number"})
                return
            self.answering = given
        try:
            self._answer(raw)
            self.run_due()
        finally:
            self.answering = None

    def _answer(self, raw: Any) -> None:
        if isinstance(raw, dict) and raw.get("type") == "clock":
            self._clock(raw)
            return
        try:
            event = EVENTS.validate_python(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'event'}: {e['msg']}"
                for e in exc.errors()[:5]
            )
            self._emit({"type": "error", "error": f"not an event: {problems}"})
            return
        for reply in self.handle(event):
            self._emit(
                {
                    "type": "reply",
                    "to": str(event.actor.address),
                    "reply": REPLIES.dump_python(reply, mode="json"),
                }
            )

    def _clock(self, raw: dict[str, Any]) -> None:
        if not raw.get("set") and not raw.get("advance"):
            self._emit({"type": "clock", "now": _whole_seconds(self.clock.now())})
            return
        when = raw.get("set") or raw.get("advance")
        try:
            instant = parse_when(str(when), self.clock.now())
        except OutOfRange as exc:
            self._emit({"type": "error", "error": str(exc)})
            return
        except ValueError:
            self._emit({"type": "error", "error": CLOCK_USAGE})
            return
        self.clock.set(instant)
        self._emit({"type": "clock", "now": _whole_seconds(instant)})


def _whole_seconds(instant: datetime) -> str:
    """Instants to the second: the console's clock runs on from real time, and its
    microseconds are noise to a script comparing lines."""
    return instant.replace(microsecond=0).isoformat()
