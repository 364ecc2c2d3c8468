"""What the platforms refuse, as the fakes in tests/ enforce it: each rule cites its source.

A fake that accepts anything proves nothing. These functions say what a platform would refuse
in a payload; the fakes answer with the platform's own error when the list is not empty.
"""

from __future__ import annotations

import json
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
