"""Neutral messages as terminal text. Buttons get numbers that stay valid for the session."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from bot.conversation import ActionsBlock, Button, LinkBlock, Message, TextBlock

WIDTH = 88


@dataclass
class ButtonBook:
    """Every button shown so far, by number, so typing "3" presses the third button shown."""

    buttons: dict[int, Button] = field(default_factory=dict)

    def add(self, button: Button) -> int:
        number = len(self.buttons) + 1
        self.buttons[number] = button
        return number


def _wrap(text: str, indent: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(
            paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent
        ) or [indent.rstrip()]
    return lines


def render(message: Message, book: ButtonBook) -> list[str]:
    lines: list[str] = []
    for block in message.blocks:
        if isinstance(block, TextBlock):
            if block.style == "heading":
                lines += _wrap(block.text, "")
            elif block.style == "context":
                lines += _wrap(block.text, "    ")
            elif block.style == "quote":
                lines += _wrap(f"“{block.text}”", "    | ")
            else:
                lines += _wrap(block.text, "  ")
        elif isinstance(block, LinkBlock):
            lines.append(f"  {block.label}: {block.url}")
        elif isinstance(block, ActionsBlock):
            marks = [f"[{book.add(button)}] {button.label}" for button in block.buttons]
            lines += _wrap("   ".join(marks), "    ")
    return lines
