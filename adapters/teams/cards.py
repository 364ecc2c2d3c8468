"""Neutral messages and forms as Adaptive Cards, and submitted card data back as neutral values.

Cards are plain dicts (the Adaptive Card JSON), so this module needs no SDK. Text goes into
TextBlocks, which Teams renders as a subset of Markdown: every user-visible string is escaped
(``escape``) so nothing anyone typed can become a link, a mention, emphasis or a list.
Buttons are Action.Submit with ``{"action_id", "value"}``; a form's submit button carries
``{"form_id", "context"}`` plus what the adapter needs to read the answers back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeGuard

from bot.conversation import (
    ActionsBlock,
    Block,
    Form,
    FormField,
    FormValue,
    LinkBlock,
    Message,
    TextBlock,
)

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
#: 1.4 has input labels, isRequired/errorMessage and action styles; Teams renders it everywhere.
VERSION = "1.4"
#: Teams shows at most this many actions in one set before hiding the rest behind "…".
ACTIONS_PER_SET = 5
#: A choice list longer than this is a drop-down; shorter ones are radio buttons / checkboxes.
EXPANDED_CHOICES = 8
#: Keys of a form's submit data that are ours, not field values.
FORM_KEYS = ("form_id", "context", "lists", "origin", "card")

Card = dict[str, Any]

# Characters that start Markdown anywhere in a line (emphasis, code, links and images, HTML-ish
# tags and entities, strikethrough) plus @, so a pasted "@everyone" stays inert...
_INLINE = re.compile(r"([\\`*_\[\]()<>&~@])")
# ...and those that do only at the start of a line (headings, quotes, lists, rules).
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))", re.MULTILINE)


def escape(text: str) -> str:
    """Text shown exactly as typed in a TextBlock.

    TextBlocks render Markdown: ``[click](https://evil.example)`` would become a link whose
    target is hidden behind other words, ``**x**`` bold, ``- x`` a list item, and a pasted
    ``<at>Bob</at>`` or ``&lt;`` would be read as markup. Markdown lets any ASCII punctuation be
    backslash-escaped, which shows the character itself; so every character that could start
    markup is escaped, and the words appear exactly as the person wrote them.
    """
    escaped = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_marker, escaped)


def _escape_marker(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1." or "1)": the list marker is the character after the number
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def _lines(text: str, **style: Any) -> list[Card]:
    """One TextBlock per line: Teams does not reliably break a TextBlock at a single newline."""
    blocks: list[Card] = []
    for index, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        block: Card = {"type": "TextBlock", "text": escape(line), "wrap": True, **style}
        if index:
            block["spacing"] = "None"
        blocks.append(block)
    return blocks


def _text(block: TextBlock) -> list[Card]:
    if block.style == "heading":
        return _lines(block.text, weight="Bolder", size="Medium")
    if block.style == "context":
        return _lines(block.text, isSubtle=True, size="Small")
    if block.style == "quote":  # words a user typed, set apart (Markdown's ">" is escaped)
        return [{"type": "Container", "style": "emphasis", "items": _lines(block.text)}]
    return _lines(block.text)


def _button(action_id: str, value: str, label: str, style: str) -> Card:
    action: Card = {
        "type": "Action.Submit",
        "title": label,  # action titles are plain text: Teams renders no Markdown there
        "data": {"action_id": action_id, "value": value},
    }
    if style == "primary":
        action["style"] = "positive"
    elif style == "danger":
        action["style"] = "destructive"
    return action


def _action_sets(actions: list[Card]) -> list[Card]:
    return [
        {"type": "ActionSet", "actions": actions[i : i + ACTIONS_PER_SET]}
        for i in range(0, len(actions), ACTIONS_PER_SET)
    ]


def body(blocks: Sequence[Block]) -> list[Card]:
    """Card body elements for neutral blocks, in order."""
    items: list[Card] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            items += _text(block)
        elif isinstance(block, ActionsBlock):
            items += _action_sets(
                [_button(b.action_id, b.value, b.label, b.style) for b in block.buttons]
            )
        elif isinstance(block, LinkBlock):
            link = {"type": "Action.OpenUrl", "title": block.label, "url": block.url}
            items += _action_sets([link])
    return items


def card(items: list[Card], *, full_width: bool = False) -> Card:
    content: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": items}
    if full_width:
        content["msteams"] = {"width": "Full"}
    return content


def message_card(message: Message) -> Card:
    return card(body(message.blocks))


def attachment(content: Card) -> dict[str, Any]:
    return {"contentType": CONTENT_TYPE, "content": content}


def summary(message: Message, limit: int = 200) -> str:
    """The plain words a notification or chat list shows for a card (never rendered)."""
    text = " ".join(message.plain_text().split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- forms -------------------------------------------------------------------------------------


def _as_text(value: FormValue | None) -> str:
    if value is None:
        return ""
    return ",".join(value) if isinstance(value, list) else value


def _input(field: FormField, value: FormValue | None) -> Card:
    element: Card = {"id": field.name, "label": field.label, "isRequired": field.required}
    if field.required:
        element["errorMessage"] = (
            "Choose at least one." if field.kind == "multi_choice" else "This is required."
        )
    if field.kind in ("choice", "multi_choice"):
        element.update(
            type="Input.ChoiceSet",
            choices=[{"title": o.label, "value": o.value} for o in field.options],
            style="expanded" if len(field.options) <= EXPANDED_CHOICES else "compact",
            wrap=True,
        )
        if field.kind == "multi_choice":
            element["isMultiSelect"] = True
    elif field.kind == "date":
        element["type"] = "Input.Date"
    elif field.kind == "time":
        element["type"] = "Input.Time"
    else:
        element["type"] = "Input.Text"
        element["isMultiline"] = field.kind == "long_text"
        if field.max_length:
            element["maxLength"] = field.max_length
    shown = _as_text(value if value is not None else field.default)
    if shown:
        element["value"] = shown
    return element


def _field(field: FormField, value: FormValue | None, error: str | None) -> list[Card]:
    items = [_input(field, value)]
    hints = [field.hint] if field.hint else []
    if field.kind == "multi_choice" and field.max_selected:
        hints.append(f"Choose at most {field.max_selected}.")
    for hint in hints:
        items += _lines(hint, isSubtle=True, size="Small")
    if error:
        items += _lines(error, color="Attention")
    return items


def form_card(
    form: Form,
    *,
    values: dict[str, FormValue] | None = None,
    errors: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Card:
    """A card with the form's inputs and a submit button. ``values`` refill what was sent,
    ``errors`` show under their fields; ``extra`` rides in the submit data (the adapter's own
    bookkeeping: where the form came from, how to find it again)."""
    values, errors = values or {}, errors or {}
    items = _lines(form.title, weight="Bolder", size="Medium") + body(form.intro)
    if errors:
        items += _lines("Some answers need another look; nothing was saved yet.", color="Attention")
    names = {f.name for f in form.fields}
    for field in form.fields:
        items += _field(field, values.get(field.name), errors.get(field.name))
    for name, error in errors.items():  # an error about the form as a whole, or a stale field
        if name not in names:
            items += _lines(error, color="Attention")
    data: dict[str, Any] = {
        "form_id": form.form_id,
        "context": form.context,
        "lists": [f.name for f in form.fields if f.kind == "multi_choice"],
        **(extra or {}),
    }
    submit = {"type": "Action.Submit", "title": form.submit_label, "style": "positive"}
    items += _action_sets([{**submit, "data": data}])
    return card(items, full_width=True)


# --- what comes back ---------------------------------------------------------------------------


def is_button(data: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(data, dict) and isinstance(data.get("action_id"), str)


def is_form(data: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(data, dict) and isinstance(data.get("form_id"), str)


def form_values(data: dict[str, Any]) -> dict[str, FormValue]:
    """Field values from a form's submit data: everything but our keys and Teams' own.

    A multi-select ChoiceSet sends its choices as one comma-separated string; the submit data
    names those fields (``lists``), so they come back as lists.
    """
    lists: list[Any] = data["lists"] if isinstance(data.get("lists"), list) else []
    values: dict[str, FormValue] = {}
    for key, value in data.items():
        if not isinstance(key, str) or key in FORM_KEYS or key.startswith("msteams"):
            continue
        if isinstance(value, list):
            values[key] = [str(v) for v in value]
        elif key in lists:
            text = "" if value is None else str(value)
            values[key] = [part for part in text.split(",") if part]
        else:
            values[key] = "" if value is None else str(value)
    return values
