"""Neutral messages and forms as Block Kit, and submitted modal state back as form values.

All text is escaped (&, <, >) before Slack sees it, so nothing anyone typed can mention a user
or a channel (``<!channel>``, ``<@U…>``) or hide a link behind other words. Block Kit's limits
are respected here rather than left to a 400 from Slack: 50 blocks per message, 100 per modal,
3,000 characters per section, 75 per button label or option.
"""

from __future__ import annotations

import json
from typing import Any

from bot.conversation import (
    ActionsBlock,
    Form,
    FormField,
    FormValue,
    LinkBlock,
    Message,
    TextBlock,
)

MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 100
SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
OPTION_TEXT = 75  # every option object, checkboxes and radio buttons too
CHECKBOX_OPTIONS = 10
#: Separates a neutral action id from the index that makes it unique within its block.
ACTION_SUFFIX = "#"

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters, so text is shown exactly as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": False}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _sections(text: str) -> list[Block]:
    """Escaped text in as many sections as its length needs."""
    escaped = escape(text)
    chunks = [escaped[i : i + SECTION_TEXT] for i in range(0, len(escaped), SECTION_TEXT)] or [""]
    return [{"type": "section", "text": _mrkdwn(chunk)} for chunk in chunks if chunk.strip()]


def _text_block(block: TextBlock) -> list[Block]:
    if block.style == "heading" and len(block.text) <= HEADER_TEXT:
        return [{"type": "header", "text": _plain(block.text, HEADER_TEXT)}]
    if block.style == "context":
        return [{"type": "context", "elements": [_mrkdwn(escape(block.text)[:SECTION_TEXT])]}]
    if block.style == "quote":  # the quote marker is ours; the words inside are escaped
        quoted = "\n".join(">" + escape(line) for line in block.text.split("\n"))
        return [{"type": "section", "text": _mrkdwn(quoted[:SECTION_TEXT])}]
    return _sections(block.text)


def _button(action_id: str, index: int, label: str, value: str, style: str) -> Block:
    button: Block = {
        "type": "button",
        "action_id": f"{action_id}{ACTION_SUFFIX}{index}",
        "text": _plain(label, BUTTON_TEXT),
        "value": value or "-",
    }
    if style != "default":
        button["style"] = style
    return button


def neutral_action_id(action_id: str) -> str:
    """The core's action id from a Block Kit one (which must be unique within its block)."""
    return action_id.rsplit(ACTION_SUFFIX, 1)[0]


def message_blocks(message: Message, limit: int = MESSAGE_BLOCKS) -> list[Block]:
    """Block Kit blocks for a message, merged down to ``limit`` blocks if needed (50 for a
    message, 100 for a modal or App Home)."""
    blocks: list[Block] = []
    for item in message.blocks:
        if isinstance(item, TextBlock):
            blocks += _text_block(item)
        elif isinstance(item, LinkBlock):
            blocks.append(
                {"type": "section", "text": _mrkdwn(f"<{item.url}|{escape(item.label)}>")}
            )
        elif isinstance(item, ActionsBlock):
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        _button(b.action_id, i, b.label, b.value, b.style)
                        for i, b in enumerate(item.buttons)
                    ],
                }
            )
    return _fit(blocks, limit)


def _fit(blocks: list[Block], limit: int) -> list[Block]:
    """Merge neighbouring text sections and contexts until the blocks fit ``limit``."""
    merged = list(blocks)
    index = 0
    while len(merged) > limit and index < len(merged) - 1:
        first, second = merged[index], merged[index + 1]
        texts = [_text_of(first), _text_of(second)]
        if None not in texts and len(texts[0] or "") + len(texts[1] or "") < SECTION_TEXT:
            merged[index] = {"type": "section", "text": _mrkdwn(f"{texts[0]}\n{texts[1]}")}
            del merged[index + 1]
        else:
            index += 1
    return merged[:limit]


def _text_of(block: Block) -> str | None:
    if block["type"] == "section" and "accessory" not in block and "fields" not in block:
        return str(block["text"]["text"])
    if block["type"] == "context":
        return "_" + " ".join(str(e["text"]) for e in block["elements"]) + "_"
    if block["type"] == "header":
        return "*" + escape(str(block["text"]["text"])) + "*"
    return None


def fallback_text(message: Message) -> str:
    """The notification text Slack shows where blocks cannot be (escaped like the rest)."""
    return shorten(escape(message.plain_text()), SECTION_TEXT)


# --- forms as modals ---------------------------------------------------------------------


def _option(value: str, label: str, limit: int) -> Block:
    return {"text": _plain(label, limit), "value": value}


def _input(item: FormField) -> list[Block]:
    """The blocks for one field: an input block whose block_id and action_id are its name."""
    element: Block
    before: list[Block] = []
    if item.kind in ("text", "long_text"):
        element = {"type": "plain_text_input", "multiline": item.kind == "long_text"}
        if item.max_length:
            element["max_length"] = item.max_length
        if isinstance(item.default, str) and item.default:
            element["initial_value"] = item.default
    elif item.kind == "date":
        element = {"type": "datepicker"}
        if isinstance(item.default, str) and item.default:
            element["initial_date"] = item.default
    elif item.kind == "time":
        element = {"type": "timepicker"}
        if isinstance(item.default, str) and item.default:
            element["initial_time"] = item.default
    else:
        numbered = any(len(o.label) > OPTION_TEXT for o in item.options)
        if numbered:  # long labels are listed in full above, and numbered in the choice
            before = _sections(
                "\n".join(f"{i}. {o.label}" for i, o in enumerate(item.options, start=1))
            )
        options = [
            _option(o.value, f"{i}. {o.label}" if numbered else o.label, OPTION_TEXT)
            for i, o in enumerate(item.options, start=1)
        ]
        chosen = (
            item.default
            if isinstance(item.default, list)
            else ([item.default] if item.default else [])
        )
        initial = [opt for opt in options if opt["value"] in chosen]
        if item.kind == "multi_choice" and len(options) <= CHECKBOX_OPTIONS:
            element = {"type": "checkboxes", "options": options}
            if initial:
                element["initial_options"] = initial
        elif item.kind == "multi_choice":
            element = {
                "type": "multi_static_select",
                "options": [_option(o["value"], o["text"]["text"], BUTTON_TEXT) for o in options],
            }
            if item.max_selected:
                element["max_selected_items"] = item.max_selected
        elif len(options) <= CHECKBOX_OPTIONS:
            element = {"type": "radio_buttons", "options": options}
            if initial:
                element["initial_option"] = initial[0]
        else:
            element = {
                "type": "static_select",
                "options": [_option(o["value"], o["text"]["text"], BUTTON_TEXT) for o in options],
            }
    element["action_id"] = item.name
    block: Block = {
        "type": "input",
        "block_id": item.name,
        "label": _plain(item.label, 2000),
        "element": element,
        "optional": not item.required,
    }
    if item.hint:
        block["hint"] = _plain(item.hint, 2000)
    return [*before, block]


def modal(form: Form, metadata: dict[str, Any]) -> dict[str, Any]:
    """A modal view for ``form``; ``metadata`` (the core's context and where the form came
    from) rides in private_metadata and comes back on submit."""
    blocks: list[Block] = []
    for item in form.intro:
        blocks += message_blocks(Message(blocks=[item]))
    for item in form.fields:
        blocks += _input(item)
    return {
        "type": "modal",
        "callback_id": form.form_id,
        "private_metadata": json.dumps({**metadata, "context": form.context}),
        "title": _plain(form.title, 24),
        "submit": _plain(form.submit_label, 24),
        "close": _plain("Cancel", 24),
        "blocks": blocks[:MODAL_BLOCKS],
    }


def confirmation(messages: list[Message]) -> dict[str, Any]:
    """A modal that only shows ``messages``: what a form answers with when its answer must not
    become a message (a report's receipt)."""
    blocks: list[Block] = []
    for message in messages:
        blocks += message_blocks(message, limit=MODAL_BLOCKS)
    return {
        "type": "modal",
        "title": _plain("Done", 24),
        "close": _plain("Close", 24),
        "blocks": blocks[:MODAL_BLOCKS] or _sections("Done."),
    }


def form_values(state: dict[str, Any]) -> dict[str, FormValue]:
    """Field values from a submitted view's ``state.values`` (block_id -> action_id -> value)."""
    values: dict[str, FormValue] = {}
    for block_id, actions in state.get("values", {}).items():
        for element in actions.values():
            kind = element.get("type")
            if kind in ("checkboxes", "multi_static_select"):
                values[block_id] = [o["value"] for o in element.get("selected_options") or []]
            elif kind in ("radio_buttons", "static_select"):
                selected = element.get("selected_option")
                values[block_id] = selected["value"] if selected else ""
            elif kind == "datepicker":
                values[block_id] = element.get("selected_date") or ""
            elif kind == "timepicker":
                values[block_id] = element.get("selected_time") or ""
            else:
                values[block_id] = element.get("value") or ""
    return values
