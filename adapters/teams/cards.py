"""Neutral messages and forms as Adaptive Cards, and submitted card data back as neutral values.

Cards are plain dicts (the Adaptive Card JSON), so this module needs no SDK. Every line of text
goes into a RichTextBlock of TextRuns: a TextRun's text is never read as Markdown (Adaptive
Cards schema: "Markdown is not supported"), so what anyone typed shows exactly as typed, with no
link, mention, emphasis or list made of it, and nothing needs escaping (a backslash escape in a
TextBlock shows literally on Teams' mobile clients). The bot's own emphasis (headings, small
print, errors) is the TextRun's weight, size and colour.
Buttons are Action.Submit with ``{"action_id", "value"}``; a form's submit button carries
``{"form_id", "context"}`` plus what the adapter needs to read the answers back.

A message too big for one Teams message becomes several cards (``message_cards``): see there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeGuard

from adapters.teams.limits import CARD_BYTES, TEXT_PIECE_BYTES, utf16_size
from bot.conversation import (
    ActionsBlock,
    Block,
    Button,
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
FORM_KEYS = ("form_id", "context", "lists", "origin", "card", "part", "view")
#: Where a long line is cut, the marker at the cut (never inside a word).
CONTINUES = " …"
CONTINUED = "… "

Card = dict[str, Any]


def _run_block(text: str, **style: Any) -> Card:
    """One line of text, shown verbatim: a RichTextBlock holding a single TextRun."""
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}


def _pieces(line: str) -> list[str]:
    """``line`` cut at spaces into pieces of at most TEXT_PIECE_BYTES each as sent, each cut
    marked; a word longer than a piece is cut inside it (nothing else could hold it)."""
    if _sent_size(line) <= TEXT_PIECE_BYTES:
        return [line]
    pieces: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and _sent_size(candidate) > TEXT_PIECE_BYTES:
            pieces.append(current)
            current = word
        else:
            current = candidate
        while _sent_size(current) > TEXT_PIECE_BYTES:  # one enormous "word"
            cut = len(current) // 2
            while _sent_size(current[:cut]) > TEXT_PIECE_BYTES:
                cut //= 2
            pieces.append(current[:cut])
            current = current[cut:]
    pieces.append(current)
    last = len(pieces) - 1
    return [
        (CONTINUED if i else "") + piece + (CONTINUES if i < last else "")
        for i, piece in enumerate(pieces)
    ]


def _sent_size(value: Any) -> int:
    """Bytes as Teams counts them, of ``value`` as the SDK serializes it (json.dumps)."""
    return utf16_size(json.dumps(value))


def _lines(text: str, **style: Any) -> list[Card]:
    """One RichTextBlock per line: a TextRun shows no line breaks of its own reliably."""
    blocks: list[Card] = []
    for index, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        for piece in _pieces(line):
            block = _run_block(piece, **style)
            if index or blocks:
                block["spacing"] = "None"
            blocks.append(block)
    return blocks


HEADING = {"weight": "Bolder", "size": "Medium"}
SMALL_PRINT = {"isSubtle": True, "size": "Small"}


def _text(block: TextBlock) -> list[Card]:
    if block.style == "heading":
        return _lines(block.text, **HEADING)
    if block.style == "context":
        return _lines(block.text, **SMALL_PRINT)
    if block.style == "quote":  # words a user typed, set apart
        return [{"type": "Container", "style": "emphasis", "items": _lines(block.text)}]
    return _lines(block.text)


def _button(button: Button) -> Card:
    """Action.Submit; a confidential button's press opens a dialog (Teams sends the data as
    a ``task/fetch`` invoke instead of a message), so what it shows stays out of the chat."""
    data: Card = {"action_id": button.action_id, "value": button.value}
    if button.confidential:
        data["msteams"] = {"type": "task/fetch"}
    action: Card = {
        "type": "Action.Submit",
        "title": button.label,  # action titles are plain text: Teams renders no Markdown there
        "data": data,
    }
    style = button.style
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


def _quote(text: str) -> list[list[Card]]:
    """Words a user typed, set apart in an emphasis container; a long quote in several
    containers of whole lines (or pieces of one), so pages can break between them."""
    groups: list[list[Card]] = []
    for line in _lines(text):
        last = groups[-1][0]["items"] if groups else None
        if last is not None and _sent_size(last) + _sent_size(line) <= TEXT_PIECE_BYTES:
            last.append(line)
        else:
            groups.append([{"type": "Container", "style": "emphasis", "items": [line]}])
    return groups


def _groups(blocks: Sequence[Block]) -> list[list[Card]]:
    """Card body elements for neutral blocks, in order, in groups a page never splits: a line
    of text (or a piece of a long one), a quote's container, a row of buttons."""
    groups: list[list[Card]] = []
    for block in blocks:
        if isinstance(block, TextBlock) and block.style == "quote":
            groups += _quote(block.text)
        elif isinstance(block, TextBlock):
            groups += [[line] for line in _text(block)]
        elif isinstance(block, ActionsBlock):
            groups.append(_action_sets([_button(b) for b in block.buttons]))
        elif isinstance(block, LinkBlock):
            groups.append(
                _action_sets([{"type": "Action.OpenUrl", "title": block.label, "url": block.url}])
            )
    return groups


def body(blocks: Sequence[Block]) -> list[Card]:
    """Card body elements for neutral blocks, in order."""
    return [item for group in _groups(blocks) for item in group]


def card(items: list[Card], *, full_width: bool = False) -> Card:
    content: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": items}
    if full_width:
        content["msteams"] = {"width": "Full"}
    return content


def message_cards(message: Message) -> list[Card]:
    """``message`` as cards that each fit in a Teams message: usually one.

    A message too big for one (a case with a long history, the summary of hundreds of leaders)
    is cut between lines, quotes and rows of buttons, never inside a row, into parts sent as
    consecutive messages. Every part but the first starts by saying it continues, every part
    but the last ends by saying more follows, and a heading is never left at the foot of a
    part. Nothing is dropped and every button is kept, in its part. (Pages behind a "More"
    button would have to keep the rest of the message on the server: a case's history is
    kept encrypted, and copies of it in the clear are not made for a button's sake. A dialog
    pages differently, asking the core again for each page: ``dialogs.py``.)

    Each part's Action.Submit buttons carry ``"part"``, so a button's Update knows it is
    replacing one part of several.
    """
    pages = pages_of(message.blocks)
    if len(pages) == 1:
        return [card(body(message.blocks))]
    count = len(pages)
    cards = []
    for number, items in enumerate(pages, 1):
        for element in items:
            for action in element.get("actions", []):
                if "action_id" in action.get("data", {}):
                    action["data"]["part"] = number
        if number > 1:
            items.insert(0, _run_block(f"Continued: part {number} of {count}.", **SMALL_PRINT))
        if number < count:
            more = f"More in the next message: part {number + 1} of {count} follows."
            items.append(_run_block(more, **SMALL_PRINT))
        cards.append(card(items))
    return cards


def pages_of(blocks: Sequence[Block], budget: int = CARD_BYTES) -> list[list[Card]]:
    """Card body elements for ``blocks`` in pages of at most ``budget`` bytes of card each
    (as Teams counts them), cut between lines, quotes and rows of buttons, never inside one,
    and never leaving a heading at the foot of a page. Usually one page."""
    pages: list[list[list[Card]]] = [[]]
    empty = _sent_size(card([]))
    size = empty
    for group in _groups(blocks):
        extra = sum(_sent_size(item) + 4 for item in group)  # 4: json.dumps' ", " in UTF-16
        if pages[-1] and size + extra > budget:
            carried = [pages[-1].pop()] if len(pages[-1]) > 1 and _is_heading(pages[-1][-1]) else []
            pages.append(carried)
            size = empty + sum(_sent_size(item) + 4 for g in carried for item in g)
        pages[-1].append(group)
        size += extra
    return [[item for group in page for item in group] for page in pages]


def marker(text: str) -> Card:
    """A page's small print saying where it is among the pages."""
    return _run_block(text, **SMALL_PRINT)


def _is_heading(group: list[Card]) -> bool:
    inlines = group[0].get("inlines") or [{}]
    return len(group) == 1 and inlines[0].get("weight") == HEADING["weight"]


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
        items += _lines(hint, **SMALL_PRINT)
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
    items = _lines(form.title, **HEADING) + body(form.intro)
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
