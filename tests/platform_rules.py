"""What the platforms refuse, as the fakes in tests/ enforce it: each rule cites its source.

A fake that accepts anything proves nothing. These functions say what a platform would refuse
in a payload; the fakes answer with the platform's own error when the list is not empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

# =================================================================================================
# Teams
# =================================================================================================
#
# Sources:
# [size]  "Format your bot messages", learn.microsoft.com/microsoftteams/platform/bots/how-to/
#         format-your-bot-messages: "The bot message size limit is 100 KB ... it includes the
#         message itself (text, image links, etc.), @-mentions, and reactions encoded as UTF-16";
#         "it's recommended to ensure that the size of the message itself is within 80 KB";
#         "If the bot message exceeds the size limit, the bot receives a 413 status code
#         (RequestEntityTooLarge), which contains the error code MessageSizeTooBig."
# [cards] "Cards reference", learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/
#         cards/cards-reference: Teams supports Adaptive Cards up to v1.5 for bot-sent cards
#         (also "Teams is also limited to version 1.5", learn.microsoft.com/
#         microsoft-copilot-studio/guidance/adaptive-cards-overview).
# [schema] The Adaptive Cards 1.5 schema, adaptivecards.io/explorer and learn.microsoft.com/
#         adaptive-cards/schema-explorer/: the element and action types, each with the version
#         that introduced it (a card may only use what its own "version" has).
# [dialogs] "Use dialogs in bots" (task modules), learn.microsoft.com/microsoftteams/platform/
#         task-modules-and-cards/task-modules/task-modules-bots: a task/fetch or task/submit
#         invoke is answered with {"task": {"type": "continue", "value": TaskInfo}} (TaskInfo's
#         "card" an Adaptive Card attachment) or {"task": {"type": "message", "value": text}}.
#         No size limit of its own is documented for this answer; the fake holds it to the
#         message's 100 KB as UTF-16 [size], the budget the bot keeps to everywhere.
# [actions] "Universal Actions for Adaptive Cards", learn.microsoft.com/microsoftteams/
#         platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/
#         overview: an adaptiveCard/action invoke is answered with {statusCode, type, value},
#         type application/vnd.microsoft.activity.message (value: text) or
#         application/vnd.microsoft.card.adaptive (value: a card), or the error type.

#: [size] 100 KB, counted on the message encoded as UTF-16 (two bytes a code unit).
TEAMS_MESSAGE_BYTES = 100 * 1024
#: [cards] The newest Adaptive Card schema Teams renders in bot messages.
TEAMS_CARD_VERSION = (1, 5)
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"

#: [schema] Every element, inline and action type of Adaptive Cards 1.5, with its version.
TEAMS_CARD_TYPES: dict[str, tuple[int, int]] = {
    "TextBlock": (1, 0),
    "Image": (1, 0),
    "Media": (1, 1),
    "RichTextBlock": (1, 2),
    "TextRun": (1, 2),
    "Container": (1, 0),
    "ColumnSet": (1, 0),
    "Column": (1, 0),
    "FactSet": (1, 0),
    "ImageSet": (1, 0),
    "ActionSet": (1, 2),
    "Table": (1, 5),
    "TableRow": (1, 5),
    "TableCell": (1, 5),
    "Input.Text": (1, 0),
    "Input.Number": (1, 0),
    "Input.Date": (1, 0),
    "Input.Time": (1, 0),
    "Input.Toggle": (1, 0),
    "Input.ChoiceSet": (1, 0),
    "Action.OpenUrl": (1, 0),
    "Action.Submit": (1, 0),
    "Action.ShowCard": (1, 0),
    "Action.ToggleVisibility": (1, 2),
    "Action.Execute": (1, 4),
}
#: Where the schema nests elements, inlines and actions.
_CHILDREN = ("body", "items", "columns", "actions", "inlines", "rows", "cells", "card")


def teams_size(activity_json: str) -> int:
    """[size] The activity's size as Teams counts it: its JSON encoded as UTF-16, in bytes.

    Counted on the JSON as the SDK sends it (non-ASCII characters escaped), which is never
    less than the same text unescaped.
    """
    return len(activity_json.encode("utf-16-le"))


def _version(text: object) -> tuple[int, int] | None:
    try:
        major, minor = str(text).split(".")
        return int(major), int(minor)
    except ValueError:
        return None


def teams_card_problems(card: Any) -> list[str]:
    """[cards] [schema] What Teams would not render in one Adaptive Card's content."""
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        return ["the attachment's content is not an AdaptiveCard"]
    version = _version(card.get("version"))
    if version is None:
        return [f"the card's version {card.get('version')!r} is not a version like 1.5"]
    problems = []
    if version > TEAMS_CARD_VERSION:
        problems.append(f"Adaptive Card version {card['version']}: Teams renders at most 1.5")

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{where}[{index}]")
            return
        if not isinstance(node, dict):
            if where.endswith("]") and ".inlines" in where and isinstance(node, str):
                return  # an inline may be a bare string (a TextRun shorthand)
            problems.append(f"{where}: {node!r} is not an element")
            return
        kind = node.get("type")
        if where != "card":
            introduced = TEAMS_CARD_TYPES.get(str(kind))
            if introduced is None:
                problems.append(f"{where}: {kind!r} is not an Adaptive Card 1.5 type")
            elif version is not None and introduced > version:
                problems.append(f"{where}: {kind} needs version {'.'.join(map(str, introduced))}")
            if kind == "TextRun" and not isinstance(node.get("text"), str):
                problems.append(f"{where}: a TextRun needs text")
        for key in _CHILDREN:
            if key in node and not (where == "card" and key == "card"):
                child = node[key]
                if key == "card":  # Action.ShowCard's card is a card of its own
                    problems.extend(f"{where}.card: {p}" for p in teams_card_problems(child))
                else:
                    walk(child, f"{where}.{key}")

    walk(card, "card")
    return problems


def teams_activity_problems(activity_json: str) -> list[str]:
    """Why Teams would refuse this activity (its JSON as sent): size first, then each card.

    The fake connector answers 413 MessageSizeTooBig when the first problem is the size, and
    400 for any other.
    """
    problems = []
    size = teams_size(activity_json)
    if size > TEAMS_MESSAGE_BYTES:
        problems.append(f"MessageSizeTooBig: {size} bytes as UTF-16, over {TEAMS_MESSAGE_BYTES}")
    activity = json.loads(activity_json)
    for index, attachment in enumerate(activity.get("attachments") or []):
        if attachment.get("contentType") == ADAPTIVE_CARD:
            found = teams_card_problems(attachment.get("content"))
            problems.extend(f"attachments[{index}]: {p}" for p in found)
    return problems


def teams_too_big(problems: list[str]) -> bool:
    return bool(problems) and problems[0].startswith("MessageSizeTooBig")


#: [actions] The invoke answer types of Universal Actions.
TEAMS_ACTION_ANSWERS = {
    "application/vnd.microsoft.activity.message",
    "application/vnd.microsoft.card.adaptive",
    "application/vnd.microsoft.error",
}


def teams_invoke_problems(name: str, body_json: str) -> list[str]:
    """Why Teams would not show the answer ``body_json`` to an invoke named ``name``: size
    first [dialogs] [size], then its shape [dialogs] [actions], then the dialog's card."""
    if not body_json:
        return []
    problems = []
    size = teams_size(body_json)
    if size > TEAMS_MESSAGE_BYTES:
        problems.append(f"MessageSizeTooBig: {size} bytes as UTF-16, over {TEAMS_MESSAGE_BYTES}")
    body = json.loads(body_json)
    if name in ("task/fetch", "task/submit") and isinstance(body, dict) and "task" in body:
        task = body["task"] if isinstance(body["task"], dict) else {}
        value = task.get("value")
        if task.get("type") == "message":
            if not isinstance(value, str) or not value:
                problems.append("task: a message answer needs its text in value")
        elif task.get("type") == "continue" and isinstance(value, dict):
            card = value.get("card") if isinstance(value.get("card"), dict) else {}
            if card.get("contentType") != ADAPTIVE_CARD:
                problems.append("task.value.card: not an Adaptive Card attachment")
            else:
                found = teams_card_problems(card.get("content"))
                problems.extend(f"task.value.card: {p}" for p in found)
        else:
            problems.append(f"task: {task.get('type')!r} is neither continue nor message")
    elif isinstance(body, dict) and body.get("statusCode"):
        kind = body.get("type")
        problems += [] if kind in TEAMS_ACTION_ANSWERS else [f"{kind!r}: not an invoke answer type"]
    return problems


# =================================================================================================
# Slack
# =================================================================================================
#
# Sources (Block Kit reference, read 2026-11-30):
BLOCKS_DOC = "https://api.slack.com/reference/block-kit/blocks"
ELEMENTS_DOC = "https://api.slack.com/reference/block-kit/block-elements"
OBJECTS_DOC = "https://api.slack.com/reference/block-kit/composition-objects"
VIEWS_DOC = "https://api.slack.com/reference/surfaces/views"
MODALS_DOC = "https://api.slack.com/surfaces/modals"
POST_DOC = "https://api.slack.com/methods/chat.postMessage"
#: "trigger_id ... expires in 3 seconds": https://api.slack.com/interactivity/handling#modal_responses
TRIGGER_LIFETIME = 3.0

#: BLOCKS_DOC: "up to 50 blocks in each message, and 100 blocks in modals or Home tabs".
SLACK_MESSAGE_BLOCKS = 50
SLACK_VIEW_BLOCKS = 100
#: BLOCKS_DOC, section: text max 3,000; fields max 10 items, each text max 2,000.
SLACK_SECTION_TEXT = 3000
SLACK_SECTION_FIELDS = 10
SLACK_FIELD_TEXT = 2000
#: BLOCKS_DOC, header: plain_text, max 150.
SLACK_HEADER_TEXT = 150
#: BLOCKS_DOC, context: max 10 elements.
SLACK_CONTEXT_ELEMENTS = 10
#: BLOCKS_DOC, actions: max 25 elements; ELEMENTS_DOC: action_id unique in its block, max 255.
SLACK_ACTIONS_ELEMENTS = 25
SLACK_ACTION_ID = 255
#: ELEMENTS_DOC, button: text max 75, value max 2,000, url max 3,000.
SLACK_BUTTON_TEXT = 75
SLACK_BUTTON_VALUE = 2000
SLACK_BUTTON_URL = 3000
#: ELEMENTS_DOC, plain-text input: max_length 1-3,000 (min_length 0-3,000); placeholder 150.
SLACK_INPUT_LENGTH = 3000
SLACK_PLACEHOLDER = 150
#: ELEMENTS_DOC, selects: options or option_groups, max 100 each; OBJECTS_DOC: option text 75,
#: value 150; option group label 75 and max 100 options.
SLACK_SELECT_OPTIONS = 100
SLACK_OPTION_TEXT = 75
SLACK_OPTION_VALUE = 150
#: ELEMENTS_DOC, checkboxes and radio buttons: max 10 options.
SLACK_LISTED_OPTIONS = 10
#: BLOCKS_DOC, input: label and hint max 2,000.
SLACK_LABEL = 2000
#: VIEWS_DOC: title, submit and close max 24; private_metadata max 3,000; callback_id 255.
SLACK_VIEW_TITLE = 24
SLACK_PRIVATE_METADATA = 3000
#: BLOCKS_DOC: block_id max 255, unique within a message or view.
SLACK_BLOCK_ID = 255
#: OBJECTS_DOC, option: a description is plain_text, max 75; in a select (and overflow) the
#: text is plain_text only (radio buttons and checkboxes may use mrkdwn).
SLACK_OPTION_DESCRIPTION = 75
#: OBJECTS_DOC, confirmation dialog: title max 100, text max 300, confirm and deny max 30,
#: all plain_text; style primary or danger.
SLACK_CONFIRM_TITLE = 100
SLACK_CONFIRM_TEXT = 300
SLACK_CONFIRM_BUTTON = 30
#: POST_DOC, "text": "Slack will truncate messages containing more than 40,000 characters"
#: (api.slack.com/changelog/2018-04-truncating-really-long-messages); its errors table has
#: ``msg_too_long``. A silent cut would lose words without a marker, so the fake refuses.
SLACK_MESSAGE_TEXT = 40_000
#: The text of all of a message's blocks together. MEASURED, NOT DOCUMENTED: Slack answers
#: ``msg_blocks_too_long`` (listed in POST_DOC's errors, without a figure) once the blocks
#: carry about 13,200 characters in total (github.com/slackapi/bolt-js/issues/2509: 13,297
#: with markdown blocks only, 13,172 with a divider added; a Slack engineer there: "12,000
#: text characters with a buffer for block containers"; again in bolt-js#2867). The fake holds
#: messages to 12,000, the figure Slack's docs give for one markdown block (BLOCKS_DOC#markdown).
SLACK_MESSAGE_BLOCKS_TEXT = 12_000

_SELECTS = {"static_select", "multi_static_select"}
_LISTED = {"checkboxes", "radio_buttons"}
_INPUT_ELEMENTS = {
    "plain_text_input",
    "datepicker",
    "timepicker",
    "checkboxes",
    "radio_buttons",
    *_SELECTS,
}


def _text(obj: Any, where: str, limit: int, *, plain_only: bool = False) -> list[str]:
    """A text object (OBJECTS_DOC): plain_text or mrkdwn, 1 to ``limit`` characters."""
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"{where}: not a text object ({OBJECTS_DOC}#text)"]
    if plain_only and obj["type"] != "plain_text":
        return [f"{where}: must be plain_text ({OBJECTS_DOC}#text)"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"{where}: text must be 1 or more characters ({OBJECTS_DOC}#text)"]
    if len(text) > limit:
        return [f"{where}: {len(text)} characters, more than {limit}"]
    return []


def _options(options: Any, where: str, *, plain_only: bool = False) -> list[str]:
    """Option objects (OBJECTS_DOC#option); a select's take plain_text only."""
    problems: list[str] = []
    for n, option in enumerate(options or []):
        at = f"{where}.options[{n}]"
        problems += _text(
            option.get("text"), f"{at}.text", SLACK_OPTION_TEXT, plain_only=plain_only
        )
        if "description" in option:
            problems += _text(
                option["description"],
                f"{at}.description",
                SLACK_OPTION_DESCRIPTION,
                plain_only=True,
            )
        value = option.get("value")
        if not isinstance(value, str) or not 0 < len(value) <= SLACK_OPTION_VALUE:
            problems.append(f"{at}.value: 1 to {SLACK_OPTION_VALUE} characters ({OBJECTS_DOC})")
    return problems


def _button(element: dict[str, Any], where: str) -> list[str]:
    problems = _text(element.get("text"), f"{where}.text", SLACK_BUTTON_TEXT, plain_only=True)
    if len(str(element.get("value", ""))) > SLACK_BUTTON_VALUE:
        problems.append(f"{where}.value: more than {SLACK_BUTTON_VALUE} ({ELEMENTS_DOC}#button)")
    if len(str(element.get("url", ""))) > SLACK_BUTTON_URL:
        problems.append(f"{where}.url: more than {SLACK_BUTTON_URL} ({ELEMENTS_DOC}#button)")
    if element.get("style") not in (None, "primary", "danger"):
        problems.append(f"{where}.style: primary or danger only ({ELEMENTS_DOC}#button)")
    return problems


def _confirm(confirm: Any, where: str) -> list[str]:
    """A confirmation dialog (OBJECTS_DOC#confirm), on a button or a select."""
    if not isinstance(confirm, dict):
        return [f"{where}: not a confirmation dialog object ({OBJECTS_DOC}#confirm)"]
    problems = _text(confirm.get("title"), f"{where}.title", SLACK_CONFIRM_TITLE, plain_only=True)
    problems += _text(confirm.get("text"), f"{where}.text", SLACK_CONFIRM_TEXT, plain_only=True)
    for key in ("confirm", "deny"):
        problems += _text(confirm.get(key), f"{where}.{key}", SLACK_CONFIRM_BUTTON, plain_only=True)
    if confirm.get("style") not in (None, "primary", "danger"):
        problems.append(f"{where}.style: primary or danger only ({OBJECTS_DOC}#confirm)")
    return problems


def _chosen(element: dict[str, Any], options: list[Any], where: str) -> list[str]:
    """ELEMENTS_DOC: initial_option "exactly matches one of the options within options or
    option_groups"; initial_options, one or more of them."""
    problems: list[str] = []
    initial = element.get("initial_options") or []
    if "initial_option" in element:
        initial = [element["initial_option"]]
    for n, option in enumerate(initial):
        if option not in options:
            problems.append(
                f"{where}.initial_option(s)[{n}]: not one of the options ({ELEMENTS_DOC})"
            )
    return problems


def _element(element: Any, where: str) -> list[str]:
    """An interactive element (ELEMENTS_DOC), in an actions or an input block."""
    if not isinstance(element, dict):
        return [f"{where}: not an element"]
    kind = element.get("type")
    problems: list[str] = []
    if len(str(element.get("action_id", ""))) > SLACK_ACTION_ID:
        problems.append(f"{where}.action_id: more than {SLACK_ACTION_ID} ({ELEMENTS_DOC})")
    if "placeholder" in element:
        problems += _text(element["placeholder"], f"{where}.placeholder", SLACK_PLACEHOLDER)
    if "confirm" in element:
        problems += _confirm(element["confirm"], f"{where}.confirm")
    if kind == "button":
        problems += _button(element, where)
    elif kind == "plain_text_input":
        for key in ("max_length", "min_length"):
            if key in element:
                low = 1 if key == "max_length" else 0
                value = element[key]
                if not isinstance(value, int) or not low <= value <= SLACK_INPUT_LENGTH:
                    problems.append(
                        f"{where}.{key}: {value!r} is not {low} to {SLACK_INPUT_LENGTH} "
                        f"({ELEMENTS_DOC}#input)"
                    )
    elif kind in _SELECTS:
        options, groups = element.get("options"), element.get("option_groups")
        if (options is None) == (groups is None):
            problems.append(f"{where}: options or option_groups, one of them ({ELEMENTS_DOC})")
        if options is not None and not 0 < len(options) <= SLACK_SELECT_OPTIONS:
            problems.append(f"{where}: {len(options)} options, more than {SLACK_SELECT_OPTIONS}")
        problems += _options(options, where, plain_only=True)
        if groups is not None and not 0 < len(groups) <= SLACK_SELECT_OPTIONS:
            problems.append(f"{where}: {len(groups)} option groups, max {SLACK_SELECT_OPTIONS}")
        for n, group in enumerate(groups or []):
            at = f"{where}.option_groups[{n}]"
            problems += _text(group.get("label"), f"{at}.label", SLACK_OPTION_TEXT)
            if not 0 < len(group.get("options") or []) <= SLACK_SELECT_OPTIONS:
                problems.append(f"{at}: 1 to {SLACK_SELECT_OPTIONS} options ({OBJECTS_DOC})")
            problems += _options(group.get("options"), at, plain_only=True)
        grouped = [o for g in _dicts(groups) for o in g.get("options") or []]
        problems += _chosen(element, list(options or []) + grouped, where)
    elif kind in _LISTED:
        options = element.get("options") or []
        if not 0 < len(options) <= SLACK_LISTED_OPTIONS:
            problems.append(
                f"{where}: {len(options)} options; {kind} take 1 to {SLACK_LISTED_OPTIONS} "
                f"({ELEMENTS_DOC}#{kind})"
            )
        problems += _options(options, where)
        problems += _chosen(element, list(options), where)
    return problems


def _block(block: Any, where: str) -> list[str]:
    if not isinstance(block, dict):
        return [f"{where}: not a block"]
    kind = block.get("type")
    problems: list[str] = []
    if kind == "section":
        if "text" not in block and "fields" not in block:
            problems.append(f"{where}: a section needs text or fields ({BLOCKS_DOC}#section)")
        if "text" in block:
            problems += _text(block["text"], f"{where}.text", SLACK_SECTION_TEXT)
        fields = block.get("fields")
        if fields is not None and not 0 < len(fields) <= SLACK_SECTION_FIELDS:
            problems.append(f"{where}.fields: 1 to {SLACK_SECTION_FIELDS} ({BLOCKS_DOC}#section)")
        for n, item in enumerate(fields or []):
            problems += _text(item, f"{where}.fields[{n}]", SLACK_FIELD_TEXT)
        if "accessory" in block:
            problems += _element(block["accessory"], f"{where}.accessory")
    elif kind == "header":
        problems += _text(block.get("text"), f"{where}.text", SLACK_HEADER_TEXT, plain_only=True)
    elif kind == "context":
        elements = block.get("elements") or []
        if not 0 < len(elements) <= SLACK_CONTEXT_ELEMENTS:
            problems.append(f"{where}: 1 to {SLACK_CONTEXT_ELEMENTS} elements ({BLOCKS_DOC})")
        for n, item in enumerate(elements):
            if item.get("type") != "image":
                problems += _text(item, f"{where}.elements[{n}]", SLACK_SECTION_TEXT)
    elif kind == "actions":
        elements = block.get("elements") or []
        if not 0 < len(elements) <= SLACK_ACTIONS_ELEMENTS:
            problems.append(f"{where}: 1 to {SLACK_ACTIONS_ELEMENTS} elements ({BLOCKS_DOC})")
        ids = [e.get("action_id") for e in elements if isinstance(e, dict) and "action_id" in e]
        if len(ids) != len(set(ids)):
            problems.append(f"{where}: action_ids repeat within the block ({ELEMENTS_DOC})")
        for n, item in enumerate(elements):
            problems += _element(item, f"{where}.elements[{n}]")
    elif kind == "input":
        problems += _text(block.get("label"), f"{where}.label", SLACK_LABEL, plain_only=True)
        if "hint" in block:
            problems += _text(block["hint"], f"{where}.hint", SLACK_LABEL, plain_only=True)
        element = block.get("element")
        if not isinstance(element, dict) or element.get("type") not in _INPUT_ELEMENTS:
            problems.append(f"{where}.element: not an input element ({BLOCKS_DOC}#input)")
        else:
            problems += _element(element, f"{where}.element")
    elif kind not in ("divider", "image", "rich_text"):
        problems.append(f"{where}: unknown block type {kind!r} ({BLOCKS_DOC})")
    return problems


def _blocks(blocks: Any, limit: int, surface: str) -> list[str]:
    if not isinstance(blocks, list):
        return [f"{surface}: blocks must be a list"]
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"{surface}: {len(blocks)} blocks, more than {limit} ({BLOCKS_DOC})")
    seen: set[str] = set()
    for n, block in enumerate(blocks):
        problems += _block(block, f"{surface}.blocks[{n}]")
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if block_id is not None:
            if not 0 < len(str(block_id)) <= SLACK_BLOCK_ID:
                problems.append(f"block_id {block_id!r}: 1 to {SLACK_BLOCK_ID} characters")
            if block_id in seen:
                problems.append(f"block_id {block_id!r} repeats ({BLOCKS_DOC})")
            seen.add(str(block_id))
    return problems


def slack_message_problems(blocks: Any) -> list[str]:
    """Why Slack would refuse a message's ``blocks`` (chat.postMessage, chat.update,
    chat.postEphemeral, a response_url): ``invalid_blocks``. Empty list: accepted."""
    return _blocks(blocks, SLACK_MESSAGE_BLOCKS, "message")


def slack_view_problems(view: Any) -> list[str]:
    """Why Slack would refuse a view (views.open/push/update/publish, or a view_submission ack
    with response_action update): ``invalid_arguments``. Empty list: accepted."""
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return [f"view: type must be modal or home ({VIEWS_DOC})"]
    problems = _blocks(view.get("blocks"), SLACK_VIEW_BLOCKS, view["type"])
    if len(str(view.get("private_metadata", ""))) > SLACK_PRIVATE_METADATA:
        problems.append(f"private_metadata: more than {SLACK_PRIVATE_METADATA} ({VIEWS_DOC})")
    if len(str(view.get("callback_id", ""))) > SLACK_ACTION_ID:
        problems.append(f"callback_id: more than {SLACK_ACTION_ID} ({VIEWS_DOC})")
    if view["type"] == "modal":
        problems += _text(view.get("title"), "modal.title", SLACK_VIEW_TITLE, plain_only=True)
        for key in ("submit", "close"):
            if key in view:
                problems += _text(view[key], f"modal.{key}", SLACK_VIEW_TITLE, plain_only=True)
        has_input = any(b.get("type") == "input" for b in _dicts(view.get("blocks")))
        if has_input and "submit" not in view:
            problems.append(f"modal: a view with inputs needs submit ({VIEWS_DOC})")
    return problems


def _dicts(items: Any) -> Iterable[dict[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def slack_blocks_text(blocks: Any) -> int:
    """Characters of text in ``blocks``: every text object's (and a markdown block's), as
    Slack's msg_blocks_too_long counts them (see SLACK_MESSAGE_BLOCKS_TEXT)."""
    if isinstance(blocks, dict):
        kind, text = blocks.get("type"), blocks.get("text")
        if kind in ("plain_text", "mrkdwn", "markdown") and isinstance(text, str):
            return len(text)
        return sum(slack_blocks_text(value) for value in blocks.values())
    if isinstance(blocks, list):
        return sum(slack_blocks_text(item) for item in blocks)
    return 0


def slack_message_refusal(params: dict[str, Any], *, api: bool = True) -> tuple[str, list[str]]:
    """Slack's error and the problems for a message (chat.postMessage, chat.postEphemeral,
    chat.update; a response_url with ``api=False``), or ("", []) when Slack accepts it."""
    blocks, text = params.get("blocks"), params.get("text")
    if api and not blocks and not text and not params.get("attachments"):
        # POST_DOC errors: "no_text: No text provided" (also chat.update, chat.postEphemeral).
        return "no_text", [f"neither blocks nor text ({POST_DOC})"]
    if blocks is not None:
        problems = slack_message_problems(blocks)
        if problems:
            return "invalid_blocks", problems
        total = slack_blocks_text(blocks)
        if total > SLACK_MESSAGE_BLOCKS_TEXT:
            return "msg_blocks_too_long", [
                f"message: {total} characters of text in its blocks, more than "
                f"{SLACK_MESSAGE_BLOCKS_TEXT} (measured: github.com/slackapi/bolt-js/issues/2509)"
            ]
    if isinstance(text, str) and len(text) > SLACK_MESSAGE_TEXT:
        return "msg_too_long", [f"text: {len(text)} characters, more than {SLACK_MESSAGE_TEXT}"]
    return "", []


def slack_ack_problems(ack: Any, submitted: Any) -> list[str]:
    """Why Slack would not take the ack of a view_submission (MODALS_DOC, "Responding to view
    submissions"): ``response_action`` update or push with a valid modal (#updating_response,
    #add_response), errors keyed by the block_id of an input block in the ``submitted`` view
    (#displaying_errors), or clear; an empty ack closes the modal."""
    if ack in (None, "", {}):
        return []
    if not isinstance(ack, dict):
        return [f"ack: not a JSON object ({MODALS_DOC})"]
    action = ack.get("response_action")
    if action in ("update", "push"):
        view = ack.get("view")
        if not isinstance(view, dict) or view.get("type") != "modal":
            return [f"ack: response_action {action} needs a modal view ({MODALS_DOC})"]
        return [f"ack.view: {p}" for p in slack_view_problems(view)]
    if action == "errors":
        errors = ack.get("errors")
        if not isinstance(errors, dict) or not errors:
            return [f"ack: errors must be an object of block_id: message ({MODALS_DOC})"]
        inputs = {
            b.get("block_id")
            for b in _dicts((submitted or {}).get("blocks"))
            if b.get("type") == "input"
        }
        return [
            f"ack.errors[{key!r}]: not an input block of the submitted view ({MODALS_DOC})"
            for key, message in errors.items()
            if key not in inputs or not isinstance(message, str) or not message
        ]
    if action == "clear":
        return []
    return [f"ack: unknown response_action {action!r} ({MODALS_DOC})"]
