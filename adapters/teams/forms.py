"""Forms in Teams: as a card in the chat, or in a dialog (task module) when anonymous.

A form card's submit button carries ``{"form_id", "context"}`` and the adapter's bookkeeping:
``card`` (a token for the form, kept in memory to redraw it with errors) and ``origin`` (the
card it was opened from, which an Update replaces). An anonymous form (a report) opens in a
dialog instead: nothing typed there, and not the receipt either, stays in the chat's history.
"""

from __future__ import annotations

from typing import Any

from adapters.teams.cards import Card, body, card, form_card
from bot.conversation import Form, FormValue, Message, TextBlock, text_message


def dialog_launcher(form: Form, token: str) -> Card:
    """The chat card that opens an anonymous form in a dialog (Teams: ``task/fetch``)."""
    words = [
        TextBlock(text=form.title, style="heading"),
        TextBlock(
            text="The form opens in a separate window. What you write there is not kept in "
            "this chat.",
            style="context",
        ),
    ]
    opener = {
        "type": "Action.Submit",
        "title": "Open the form",
        "style": "positive",
        "data": {"msteams": {"type": "task/fetch"}, "form_token": token},
    }
    return card([*body(words), {"type": "ActionSet", "actions": [opener]}])


def window_launcher(note: str, data: dict[str, Any]) -> Card:
    """A chat card whose one button opens a dialog showing what pressing ``data`` shows."""
    opener = {
        "type": "Action.Submit",
        "title": "Open",
        "style": "positive",
        "data": {"msteams": {"type": "task/fetch"}, **data},
    }
    words = [TextBlock(text=note, style="context")]
    return card([*body(words), {"type": "ActionSet", "actions": [opener]}])


def dialog(
    form: Form,
    *,
    token: str,
    values: dict[str, FormValue] | None = None,
    errors: dict[str, str] | None = None,
) -> Card:
    """The card a dialog shows for ``form`` (again, with errors and the answers kept)."""
    return form_card(form, values=values, errors=errors, extra={"card": token})


def done_card(form: Form | None) -> Card:
    """What a form card turns into once its answers were accepted: it cannot be sent twice."""
    title = f"{form.title}: sent." if form else "Sent."
    return card(body([TextBlock(text=title, style="context")]))


def errors_message(errors: dict[str, str]) -> Message:
    """The errors as a message, when the form card cannot be redrawn (not found, too old)."""
    return text_message("Some answers need another look; nothing was saved:", *errors.values())
