"""The words of awareness posts and previews, and the outbox renderers that send them.

Tone is the feature: "celebrate" dates may be celebrated, "mark" dates are marked, and
"commemorate" dates are remembered; no post wishes anyone a happy day of remembrance or
atonement. Islamic dates are announced as expected (moon sighting decides), Jewish festivals
with the evening they begin.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.awareness.calendar import Calendar, Occurrence
from bot.conversation import (
    ActionsBlock,
    Block,
    Button,
    LinkBlock,
    Message,
    TextBlock,
)
from bot.pledge.wording import long_date
from bot.store.models import AwarenessOverride

POST_RENDERER = "awareness.post"
PREVIEW_RENDERER = "awareness.preview"


def when(occurrence: Occurrence) -> str:
    """The dates in words, with the caveats that go with them."""
    start, end = occurrence.start, occurrence.end
    text = long_date(start) if start == end else f"{long_date(start)} to {long_date(end)}"
    entry = occurrence.entry
    if entry.evening_before:
        text += " (it begins at sunset the evening before)"
    if entry.expected_only:
        text += " (expected: the date depends on the sighting of the moon)"
    if not occurrence.confirmed:
        text += " (not yet confirmed by the organisers)"
    return text


def _opening(occurrence: Occurrence, post: str) -> str:
    entry = occurrence.entry
    if post == "heads-up":
        return f"Coming up: {entry.name}, {when(occurrence)}."
    span = occurrence.start != occurrence.end
    if entry.tone == "commemorate":
        return f"Today is {entry.name}, a day of remembrance."
    if entry.tone == "mark":
        if entry.evening_before:
            return f"{entry.name} begins this evening."
        return f"{entry.name} begins today." if span else f"Today marks {entry.name}."
    if entry.evening_before:
        return f"{entry.name} begins this evening. We wish everyone celebrating a joyful festival."
    if span:
        return f"{entry.name} begins today, and runs until {long_date(occurrence.end)}."
    return f"Today we celebrate {entry.name}."


def post_message(occurrence: Occurrence, post: str, text: str | None = None) -> Message:
    """The channel post. An admin's edited ``text`` replaces our description."""
    entry = occurrence.entry
    blocks: list[Block] = [
        TextBlock(text=_opening(occurrence, post), style="heading"),
        TextBlock(text=text or entry.description),
    ]
    if post == "day" and occurrence.start != occurrence.end:
        blocks.append(TextBlock(text=when(occurrence), style="context"))
    blocks.append(TextBlock(text="Ways to mark it:", style="plain"))
    blocks.append(TextBlock(text="\n".join(f"• {action}" for action in entry.actions)))
    blocks.append(LinkBlock(label=f"More from the organisers of {entry.name}", url=entry.link))
    return Message(blocks=blocks)


def override(
    session: Session, platform: str, tenant: str, occurrence: str, post: str
) -> AwarenessOverride | None:
    return session.scalar(
        select(AwarenessOverride).where(
            AwarenessOverride.platform == platform,
            AwarenessOverride.tenant == tenant,
            AwarenessOverride.occurrence == occurrence,
            AwarenessOverride.post == post,
        )
    )


def render_post(calendar: Calendar, session: Session, args: dict[str, Any]) -> Message | None:
    """The outbox's renderer for a channel post; None (cancelled) if an admin said don't send."""
    occurrence = calendar.occurrence(str(args["occurrence"]))
    if occurrence is None or not occurrence.confirmed:
        return None
    decided = override(session, args["platform"], args["tenant"], occurrence.key, args["post"])
    if decided is not None and decided.suppressed:
        return None
    return post_message(occurrence, args["post"], decided.text if decided else None)


def render_preview(calendar: Calendar, session: Session, args: dict[str, Any]) -> Message | None:
    """The admins' preview, the working day before: the post as it stands, and two buttons."""
    occurrence = calendar.occurrence(str(args["occurrence"]))
    if occurrence is None:
        return None
    decided = override(session, args["platform"], args["tenant"], occurrence.key, args["post"])
    if decided is not None and decided.suppressed:
        return None
    post = post_message(occurrence, args["post"], decided.text if decided else None)
    value = f"{args['post']}|{occurrence.key}"
    return Message(
        blocks=[
            TextBlock(
                text=f"Preview: this goes to subscribed channels on {args['day']}.",
                style="heading",
            ),
            TextBlock(
                text="Change the words or stop it here; otherwise it is sent as it is.",
                style="context",
            ),
            *post.blocks,
            ActionsBlock(
                buttons=[
                    Button(action_id="awareness.edit", value=value, label="Edit text"),
                    Button(
                        action_id="awareness.suppress",
                        value=value,
                        label="Don't send",
                        style="danger",
                    ),
                ]
            ),
        ]
    )
