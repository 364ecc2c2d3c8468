"""A JSON-lines session for the calendar journeys (issue 15): sign, move the clock, read what
was sent and said, from the lines the console's machine mode wrote."""

from __future__ import annotations

import io
import json
from typing import Any

from adapters.console.jsonl import JsonLinesChat
from tests.conftest import Harness

HEADING = "Your pledge check-in for the week of"


class Journey:
    """A JSON-lines session: each ``at`` moves the clock and returns what was sent then."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.out = io.StringIO()
        self.chat = JsonLinesChat(
            harness.runtime.bot.handle, harness.run_due, harness.clock, self.out
        )
        harness.senders["console"] = self.chat  # type: ignore[assignment]

    def feed(self, **event: Any) -> list[dict[str, Any]]:
        start = self.out.tell()
        self.chat.feed(json.dumps(event))
        self.out.seek(start)
        lines = [json.loads(line) for line in self.out.read().splitlines()]
        self.out.seek(0, io.SEEK_END)
        errors = [line for line in lines if line["type"] == "error"]
        assert errors == [], errors
        return lines

    def at(self, instant: str) -> list[str]:
        """Set the clock; the check-ins and reminders sent, as their first line of text."""
        return [
            line["message"]["blocks"][0]["text"]
            for line in self.feed(type="clock", set=instant)
            if line["type"] == "send"
        ]

    def command(self, who: str, args: str) -> str:
        lines = self.feed(type="command", actor=actor(who), name="pledge", args=args)
        return " ".join(
            block.get("text", "")
            for line in lines
            if line["type"] == "reply"
            for block in line["reply"]["message"]["blocks"]
        )

    def sent(self, instant: str) -> dict[str, str]:
        """Set the clock; what was sent, by recipient, as the words of its blocks."""
        return {
            line["destination"]: " ".join(b.get("text", "") for b in line["message"]["blocks"])
            for line in self.feed(type="clock", set=instant)
            if line["type"] == "send"
        }

    def sign(
        self,
        who: str,
        *,
        timezone: str,
        country: str = "",
        weekday: int = 1,
        at: str = "09:00",
        steps: dict[int, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Sign with each commitment's first step, or the ones ``steps`` names."""
        chosen = {n: f"{n}.1" for n in range(1, 9)} | (steps or {})
        values: dict[str, Any] = {f"steps_{n}": [step] for n, step in chosen.items()}
        values |= {
            "weekday": str(weekday),
            "time": at,
            "timezone": timezone,
            "country": country,
            "announce": "no",
        }
        return self.feed(type="form", actor=actor(who), form_id="pledge.sign", values=values)


def actor(who: str) -> dict[str, str]:
    return {"platform": "console", "user_id": who, "display_name": who}
