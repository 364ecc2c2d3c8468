"""What a dialog (task module) shows, within Teams' budget: a long answer in pages.

A dialog's answer goes back in the HTTP response to Teams' invoke, not through the connector,
and Teams documents no size limit of its own for it; it is held to a message's (100 KB as
UTF-16, ``limits.MESSAGE_BYTES``), so a case with a long history is never refused or cut.

A dialog shows one card at a time, so a long answer is shown a page at a time, with Earlier
and Later buttons. Nothing of the answer is kept on the server for them (a case's history is
kept encrypted; no copy in the clear is made for a button's sake): a page button asks the core
again with the dialog's *view*, the button press that opened it (a case's "Open"), and shows
the page it names. Every button and form in the dialog carries the view, so after a note is
saved or a status set, the pages still re-open the case rather than repeat what was done.
"""

from __future__ import annotations

from typing import Any

from adapters.teams.cards import Card, card, is_button, marker, pages_of
from bot.conversation import ActionEvent, Event, Message

#: The page a page button asks for (1 is the first).
PAGE = "dialog_page"
#: The button press that shows the dialog's content again: what page buttons ask the core.
VIEW = "view"
#: The page that shows what was just added: a form's answer lands at the end of a case.
LAST = -1


def view_of(data: dict[str, Any], event: Event | None) -> dict[str, str] | None:
    """The dialog's view: the one its buttons carry, else the press being answered."""
    carried = data.get(VIEW)
    if is_button(carried):
        return {"action_id": carried["action_id"], "value": str(carried.get("value") or "")}
    if isinstance(event, ActionEvent):
        return {"action_id": event.action_id, "value": event.value}
    return None


def page_of(data: dict[str, Any], event: Event | None) -> int:
    """The page asked for: a page button's, else the first (for a button) or the last (for a
    form, whose answer was added at the end)."""
    asked = data.get(PAGE)
    if isinstance(asked, int) and not isinstance(asked, bool) and asked >= 1:
        return asked
    return 1 if isinstance(event, ActionEvent) else LAST


def with_view(content: Card, view: dict[str, str] | None) -> Card:
    """``content`` with ``view`` in the data of each of its buttons and forms."""
    if view is None:
        return content

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if node.get("type") == "Action.Submit" and isinstance(data, dict):
                data.setdefault(VIEW, view)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(content)
    return content


def paged(message: Message, page: int, view: dict[str, str] | None) -> Card:
    """``message`` as the dialog's card: whole when it fits, else page ``page`` (``LAST``: the
    last) with where it is and the buttons to the others."""
    pages = pages_of(message.blocks)
    if len(pages) == 1:
        return with_view(card(pages[0]), view)
    count = len(pages)
    number = count if page == LAST else min(page, count)
    items = pages[number - 1]
    if view is None:  # nothing to ask again with: say plainly that this is not all
        shown = f"Part {number} of {count} shown: the rest is too long for this window."
        items.append(marker(shown))
        return card(items)
    items.insert(0, marker(f"Part {number} of {count}."))
    moves = []
    if number > 1:
        moves.append(_move("Earlier", view, number - 1))
    if number < count:
        moves.append(_move("Later", view, number + 1))
        items.append(marker(f"More on the next page: part {number + 1} of {count}."))
    items.append({"type": "ActionSet", "actions": moves})
    return with_view(card(items), view)


def _move(title: str, view: dict[str, str], page: int) -> Card:
    return {"type": "Action.Submit", "title": title, "data": {**view, PAGE: page}}
