"""JSON lines: the machine mode of the console (``inclusion-bot chat --jsonl``).

Each input line is one neutral event (or a clock instruction) as JSON; each output line is one
JSON object: a reply to the event, a message the outbox sent, the clock, or an error. A bad line
gets an error line and the session carries on. The README documents the format.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from pydantic import TypeAdapter, ValidationError

from adapters.console.chat import SettableClock, parse_when
from bot.conversation import Address, Event, Message, Reply
from bot.outbox import SendResult

EVENTS: TypeAdapter[Event] = TypeAdapter(Event)
REPLIES: TypeAdapter[Reply] = TypeAdapter(Reply)


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

    def _emit(self, record: dict[str, Any]) -> None:
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
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            self._emit({"type": "error", "error": f"not JSON: {exc.msg} at column {exc.colno}"})
            return
        if isinstance(raw, dict) and raw.get("type") == "clock":
            self._clock(raw)
        else:
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
        self.run_due()

    def _clock(self, raw: dict[str, Any]) -> None:
        when = raw.get("set") or raw.get("advance")
        try:
            instant = parse_when(str(when), self.clock.now())
        except ValueError as exc:
            self._emit({"type": "error", "error": str(exc)})
            return
        self.clock.set(instant)
        self._emit({"type": "clock", "now": instant.isoformat()})
