"""Neutral messages and forms as Block Kit, and submitted modal state back as form values.

Every TextBlock goes out as ``plain_text`` (sections, context elements and headers all take
it): the core emits no markup, and Slack shows plain text exactly as written, so nothing anyone
typed (``*bold*``, ``> quote``, ``<!channel>``, ``<@U…>``) is formatting, a mention or a link.
Only the bot's own links use ``mrkdwn``, with their labels escaped.

Block Kit's limits (adapters/slack/limits.py) are met here rather than left to Slack, which
refuses a whole message that breaks one: long text is split at word boundaries and each part but
the last says it continues; a message of more than 50 blocks, or with more text than Slack takes
in one message (MESSAGE_TEXT, measured, not documented), becomes several messages, each marked
as a part; the Home tab becomes pages with "Earlier" and "More" buttons. Every button survives,
and nothing is cut without a marker.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.limits import (
    BUTTON_TEXT,
    HEADER_TEXT,
    INPUT_LENGTH,
    LABEL_TEXT,
    LISTED_OPTIONS,
    MESSAGE_BLOCKS,
    MESSAGE_TEXT,
    OPTION_TEXT,
    SECTION_TEXT,
    SELECT_OPTIONS,
    VIEW_BLOCKS,
    VIEW_TITLE,
)
from bot.conversation import (
    ActionsBlock,
    Form,
    FormField,
    FormValue,
    LinkBlock,
    Message,
    TextBlock,
)

#: Separates a neutral action id from the index that makes it unique within its block.
ACTION_SUFFIX = "#"
#: The Home tab's page buttons (their value is the page number, from 0).
HOME_PAGE_ACTION = "slack.home_page"
#: Ends every part of a split text but the last.
CONTINUES = " … (continues)"
#: Starts each line of a quote (the words a user typed, shown back).
QUOTE_MARK = "│ "

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters, for the few mrkdwn strings (links, fallback text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut at a space or line break where
    there is one in the part's second half (else inside a very long word), each part but the
    last ending with CONTINUES. Blank parts are left out."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        room = limit - len(CONTINUES)
        cut = max(rest.rfind(" ", 0, room + 1), rest.rfind("\n", 0, room + 1))
        if cut < room // 2:
            cut = room
        parts.append(rest[:cut].rstrip() + CONTINUES)
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [part for part in parts if part.strip()]


def shorten(text: str, limit: int) -> str:
    """For labels the bot wrote (a button, a modal title): one line, marked when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain(text: str, limit: int | None = None) -> dict[str, Any]:
    shown = text if limit is None else shorten(text, limit)
    return {"type": "plain_text", "text": shown or " ", "emoji": False}


def _sections(text: str) -> list[Block]:
    """Plain text in as many sections as its length needs."""
    return [{"type": "section", "text": _plain(part)} for part in split_text(text, SECTION_TEXT)]


def _context(text: str) -> list[Block]:
    """Small print: a context block for each part of at most 3,000 characters (one block
    never holds more text than a section, so a message can be split between any two)."""
    return [
        {"type": "context", "elements": [_plain(part)]} for part in split_text(text, SECTION_TEXT)
    ]


def _text_block(block: TextBlock) -> list[Block]:
    if block.style == "heading" and 0 < len(block.text.strip()) <= HEADER_TEXT:
        return [{"type": "header", "text": _plain(block.text)}]
    if block.style == "context":
        return _context(block.text)
    if block.style == "quote":
        return _sections("\n".join(QUOTE_MARK + line for line in block.text.split("\n")))
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


def message_blocks(message: Message) -> list[Block]:
    """Block Kit blocks for a message, all of them (see ``message_pages`` for sending)."""
    blocks: list[Block] = []
    for item in message.blocks:
        if isinstance(item, TextBlock):
            blocks += _text_block(item)
        elif isinstance(item, LinkBlock):
            link = f"<{escape(item.url)}|{escape(item.label)}>"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": link}})
        elif isinstance(item, ActionsBlock) and item.buttons:
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        _button(b.action_id, i, b.label, b.value, b.style)
                        for i, b in enumerate(item.buttons)
                    ],
                }
            )
    return blocks or _sections("…")


def _marker(text: str) -> Block:
    return {"type": "context", "elements": [_plain(text)]}


def text_length(block: Block) -> int:
    """Characters of text in ``block``, as Slack counts them against MESSAGE_TEXT: every text
    object's."""

    def count(node: Any) -> int:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
                return len(node["text"])
            return sum(count(value) for value in node.values())
        if isinstance(node, list):
            return sum(count(value) for value in node)
        return 0

    return count(block)


#: Blocks and characters of text kept free in each part for its two markers ("Part 2 of 3…").
MARKER_BLOCKS = 2
MARKER_TEXT = 200


def message_pages(
    message: Message, limit: int = MESSAGE_BLOCKS, text_limit: int = MESSAGE_TEXT
) -> list[list[Block]]:
    """The message as one or more Slack messages of at most ``limit`` blocks and
    ``text_limit`` characters of text; when it takes several, each says which part it is and
    that another follows. Blocks stay whole and in order (no block holds more than 3,000)."""
    blocks = message_blocks(message)
    if len(blocks) <= limit and sum(map(text_length, blocks)) <= text_limit:
        return [blocks]
    size, room = limit - MARKER_BLOCKS, text_limit - MARKER_TEXT
    chunks: list[list[Block]] = [[]]
    used = 0
    for block in blocks:
        length = text_length(block)
        if chunks[-1] and (len(chunks[-1]) >= size or used + length > room):
            chunks.append([])
            used = 0
        chunks[-1].append(block)
        used += length
    pages = []
    for n, chunk in enumerate(chunks, start=1):
        page = list(chunk)
        if n > 1:
            page.insert(0, _marker(f"Part {n} of {len(chunks)}, continued from the message above."))
        if n < len(chunks):
            page.append(_marker(f"Part {n} of {len(chunks)}: continued in the next message."))
        pages.append(page)
    return pages


def home_view(message: Message, page: int = 0) -> dict[str, Any]:
    """The Home tab: the whole page if it fits in 100 blocks, else page ``page`` of it, with
    "Earlier" and "More" buttons to move between pages."""
    blocks = message_blocks(message)
    if len(blocks) <= VIEW_BLOCKS:
        return {"type": "home", "blocks": blocks}
    size = VIEW_BLOCKS - 2  # room for the page's context line and its buttons
    count = -(-len(blocks) // size)
    page = min(max(page, 0), count - 1)
    shown = blocks[page * size : (page + 1) * size]
    buttons = []
    if page > 0:
        buttons.append(_button(HOME_PAGE_ACTION, 0, "Earlier", str(page - 1), "default"))
    if page < count - 1:
        buttons.append(_button(HOME_PAGE_ACTION, 1, "More", str(page + 1), "primary"))
    shown += [_marker(f"Page {page + 1} of {count}."), {"type": "actions", "elements": buttons}]
    return {"type": "home", "blocks": shown}


def fallback_text(message: Message) -> str:
    """The notification text Slack shows where blocks cannot be (escaped: it is mrkdwn)."""
    text = message.plain_text()
    # Cut before escaping, so no cut falls inside an escape (Slack allows 40,000 here).
    return escape(split_text(text, SECTION_TEXT)[0]) if text.strip() else "…"


# --- forms as modals ---------------------------------------------------------------------


def _option(value: str, label: str) -> Block:
    return {"text": _plain(label, OPTION_TEXT), "value": value}


def _select(kind: str, options: list[Block]) -> Block:
    """A select; past 100 options, in groups of 100 (a select takes 100 groups)."""
    if len(options) <= SELECT_OPTIONS:
        return {"type": kind, "options": options}
    groups = [options[i : i + SELECT_OPTIONS] for i in range(0, len(options), SELECT_OPTIONS)]
    return {
        "type": kind,
        "option_groups": [
            {
                "label": _plain(f"{n * SELECT_OPTIONS + 1}–{n * SELECT_OPTIONS + len(group)}"),
                "options": group,
            }
            for n, group in enumerate(groups)
        ],
    }


def _input(item: FormField) -> list[Block]:
    """The blocks for one field: an input block whose block_id and action_id are its name."""
    element: Block
    before: list[Block] = []
    if item.kind in ("text", "long_text"):
        element = {"type": "plain_text_input", "multiline": item.kind == "long_text"}
        if item.max_length:
            element["max_length"] = min(item.max_length, INPUT_LENGTH)
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
            _option(o.value, f"{i}. {o.label}" if numbered else o.label)
            for i, o in enumerate(item.options, start=1)
        ]
        chosen = (
            item.default
            if isinstance(item.default, list)
            else ([item.default] if item.default else [])
        )
        initial = [opt for opt in options if opt["value"] in chosen]
        listed = len(options) <= LISTED_OPTIONS
        if item.kind == "multi_choice":
            element = (
                {"type": "checkboxes", "options": options}
                if listed
                else _select("multi_static_select", options)
            )
            if initial:
                element["initial_options"] = initial
            if item.max_selected and not listed:
                element["max_selected_items"] = item.max_selected
        else:
            element = (
                {"type": "radio_buttons", "options": options}
                if listed
                else _select("static_select", options)
            )
            if initial:
                element["initial_option"] = initial[0]
    element["action_id"] = item.name
    block: Block = {
        "type": "input",
        "block_id": item.name,
        "label": _plain(item.label, LABEL_TEXT),
        "element": element,
        "optional": not item.required,
    }
    if item.hint:
        block["hint"] = _plain(item.hint, LABEL_TEXT)
    return [*before, block]


def modal(form: Form, private_metadata: str) -> dict[str, Any]:
    """A modal view for ``form``; ``private_metadata`` (at most 3,000 characters: see
    ``view_metadata``) comes back on submit."""
    inputs = [block for item in form.fields for block in _input(item)]
    intro = message_blocks(Message(blocks=form.intro)) if form.intro else []
    if len(intro) + len(inputs) > VIEW_BLOCKS:  # the fields come first: say the intro is cut
        intro = intro[: max(VIEW_BLOCKS - len(inputs) - 1, 0)]
        intro.append(_marker("(Some of the introduction did not fit in this window.)"))
    return {
        "type": "modal",
        "callback_id": form.form_id,
        "private_metadata": private_metadata,
        "title": _plain(form.title, VIEW_TITLE),
        "submit": _plain(form.submit_label, VIEW_TITLE),
        "close": _plain("Cancel", VIEW_TITLE),
        "blocks": intro + inputs,
    }


def view_metadata(metadata: dict[str, Any], form: Form) -> str:
    """What rides in a modal's private_metadata: where the form came from, and its context."""
    return json.dumps({**metadata, "context": form.context})


def confirmation(messages: list[Message]) -> dict[str, Any]:
    """A modal that only shows ``messages``: what a form answers with when its answer must not
    become a message (a report's receipt). Past 100 blocks it says what did not fit."""
    blocks: list[Block] = []
    for message in messages:
        blocks += message_blocks(message)
    if len(blocks) > VIEW_BLOCKS:
        blocks = blocks[: VIEW_BLOCKS - 1]
        blocks.append(_marker("(This window holds only the first part; the rest did not fit.)"))
    return {
        "type": "modal",
        "title": _plain("Done", VIEW_TITLE),
        "close": _plain("Close", VIEW_TITLE),
        "blocks": blocks or _sections("Done."),
    }


#: A case window's page buttons: their value is the page and the action that shows the case.
WINDOW_PAGE_ACTION = "slack.window_page"


def window(
    message: Message, page: int = 0, shown_by: tuple[str, str] | None = None
) -> dict[str, Any]:
    """A modal that shows a confidential message (a case, with its buttons), titled with its
    first line (a case's reference). Past 100 blocks it shows page ``page``, with "Earlier"
    and "More" buttons that press ``shown_by`` (the action id and value that show it) again,
    since the words are never kept anywhere but in the case; without it (a case redrawn
    after a form), it keeps the buttons and says that the rest did not fit."""
    first = next((b.text for b in message.blocks if isinstance(b, TextBlock) and b.text), "")
    blocks = message_blocks(message)
    if len(blocks) > VIEW_BLOCKS and shown_by is not None:
        size = VIEW_BLOCKS - 2
        count = -(-len(blocks) // size)
        page = min(max(page, 0), count - 1)
        shown = blocks[page * size : (page + 1) * size]
        action, value = shown_by
        buttons = [
            _button(WINDOW_PAGE_ACTION, n, label, json.dumps([to, action, value]), style)
            for n, (label, to, style) in enumerate(
                [("Earlier", page - 1, "default"), ("More", page + 1, "primary")]
            )
            if 0 <= to < count
        ]
        shown += [_marker(f"Page {page + 1} of {count}."), {"type": "actions", "elements": buttons}]
        view = confirmation([])
        view["blocks"] = shown
    else:
        if len(blocks) > VIEW_BLOCKS:  # the buttons at its end stay, and the cut is marked
            actions = [b for b in blocks if b["type"] == "actions"][-1:]
            blocks = [
                *blocks[: VIEW_BLOCKS - 1 - len(actions)],
                _marker(
                    "(Part of this did not fit in this window: open it again from its button "
                    "to read all of it, in pages.)"
                ),
                *actions,
            ]
        view = confirmation([])
        view["blocks"] = blocks
    view["title"] = _plain(first.split(":")[0].strip() or "Details", VIEW_TITLE)
    return view


def pending(text: str) -> dict[str, Any]:
    """The modal a slow form's submission is acked with, until its answer replaces it."""
    return {
        "type": "modal",
        "title": _plain("One moment", VIEW_TITLE),
        "close": _plain("Close", VIEW_TITLE),
        "blocks": _sections(text),
    }


#: What a submitted view carries that a view to be shown again may keep (Slack adds id, hash,
#: state, team_id, app_id and more, which views.update refuses or ignores).
VIEW_KEYS = ("type", "callback_id", "private_metadata", "title", "submit", "close", "blocks")


def _answered(element: dict[str, Any], state: dict[str, Any]) -> None:
    """Set ``element``'s initial value to what was submitted in it (Block Kit's initial_*)."""
    kind = element.get("type")
    if kind == "plain_text_input" and state.get("value"):
        element["initial_value"] = state["value"]
    elif kind in ("radio_buttons", "static_select") and state.get("selected_option"):
        element["initial_option"] = state["selected_option"]
    elif kind in ("checkboxes", "multi_static_select") and state.get("selected_options"):
        element["initial_options"] = state["selected_options"]
    elif kind == "datepicker" and state.get("selected_date"):
        element["initial_date"] = state["selected_date"]
    elif kind == "timepicker" and state.get("selected_time"):
        element["initial_time"] = state["selected_time"]


def with_answers(view: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """A submitted ``view`` shown again, its answers filled in and ``errors`` listed at the
    top: for a form whose errors came too late to go with the ack (the modal then showed
    "One moment"), so nothing typed is lost."""
    values = (view.get("state") or {}).get("values") or {}
    labels = {
        b.get("block_id"): (b.get("label") or {}).get("text", "")
        for b in view.get("blocks") or []
        if b.get("type") == "input"
    }
    shown = {key: view[key] for key in VIEW_KEYS if key in view}
    blocks: list[Block] = []
    for block in view.get("blocks") or []:
        block = json.loads(json.dumps(block))  # a copy: the submitted view stays as it came
        element = block.get("element")
        if block.get("type") == "input" and isinstance(element, dict):
            _answered(element, values.get(block.get("block_id"), {}).get(element["action_id"], {}))
        blocks.append(block)
    listed = [f"{labels.get(name) or name}: {error}" for name, error in errors.items()]
    notice = _sections("\n".join(["Some answers need another look; nothing was saved.", *listed]))
    while len(notice) + len(blocks) > VIEW_BLOCKS:  # the inputs stay; an intro gives way
        blocks.remove(next(b for b in reversed(blocks) if b.get("type") != "input"))
    shown["blocks"] = notice + blocks
    return shown


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
