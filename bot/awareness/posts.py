"""The words of awareness posts and previews, and the outbox renderers that send them.

Tone is the feature: "celebrate" dates may be celebrated, "mark" dates are marked, and
"commemorate" dates are remembered; no post wishes anyone a happy day of remembrance or
atonement. Islamic dates are announced as expected (moon sighting decides), Jewish festivals
with the evening they begin.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.awareness.calendar import Calendar, Occurrence
from bot.awareness.confirmations import effective
from bot.awareness.models import AwarenessOverride
from bot.conversation import (
    ActionsBlock,
    Block,
    Button,
    LinkBlock,
    Message,
    TextBlock,
)
from bot.dates import long_date
from bot.timezones import WEEKDAYS

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


def day_and_month(day: date) -> str:
    """``Sunday 10 October``: a shifted post names the day it is about."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {day:%B}"


def cap(text: str) -> str:
    """A sentence's first letter in capitals ("The International Day of ...")."""
    return text[:1].upper() + text[1:]


def _wish(occurrence: Occurrence) -> str:
    """ " Happy Diwali to everyone celebrating.": for those who celebrate, not for "we"."""
    entry = occurrence.entry
    if entry.greeting:
        return f" {entry.greeting} to everyone celebrating."
    return " We wish everyone celebrating a joyful festival." if entry.tone == "celebrate" else ""


def _moon(occurrence: Occurrence) -> str:
    """On the day itself an Islamic date is still expected: say so, with the other day."""
    if not occurrence.entry.expected_only:
        return ""
    other = day_and_month(occurrence.start + timedelta(days=1))
    return f" The date depends on the sighting of the moon, so some will mark it on {other}."


def _remembrance(occurrence: Occurrence) -> str:
    """The words after a remembrance day's name, unless the name says it already:
    "Transgender Day of Remembrance, a day of remembrance" repeats itself."""
    return "" if "remembrance" in occurrence.entry.name.lower() else ", a day of remembrance"


def _opening(occurrence: Occurrence, post: str, on: date | None) -> str:
    """The first line. ``on`` is the day the post goes out: only a post on the day itself says
    "today" (or "this evening"); one moved to the working day before names the day."""
    entry = occurrence.entry
    if post == "heads-up":
        return f"Coming up: {entry.called}, {when(occurrence)}."
    span = occurrence.start != occurrence.end
    if entry.evening_before:
        eve = occurrence.start - timedelta(days=1)
        evening = "this evening" if on in (None, eve) else f"on the evening of {day_and_month(eve)}"
        return f"{cap(entry.called)} begins {evening}.{_wish(occurrence)}"
    today = on in (None, occurrence.start)
    named = "today" if today else f"on {day_and_month(occurrence.start)}"
    if entry.festival and entry.expected_only:
        day = "today" if today else day_and_month(occurrence.start)
        return f"{cap(entry.called)} is expected {day}.{_wish(occurrence)}{_moon(occurrence)}"
    if entry.festival and entry.tone == "celebrate" and not span:
        day = "Today" if today else day_and_month(occurrence.start)
        return f"{day} is {entry.called}.{_wish(occurrence)}"
    if today:
        if entry.tone == "commemorate":
            return f"Today is {entry.called}{_remembrance(occurrence)}."
        if entry.tone == "mark":
            return f"{cap(entry.called)} begins today." if span else f"Today marks {entry.called}."
        if span:
            return f"{cap(entry.called)} begins today, and runs until {long_date(occurrence.end)}."
        return f"Today we celebrate {entry.called}."
    day = day_and_month(occurrence.start)
    if entry.tone == "commemorate":
        return f"{day} is {entry.called}{_remembrance(occurrence)}."
    if entry.tone == "mark":
        return f"{cap(entry.called)} begins {named}." if span else f"{day} marks {entry.called}."
    if span:
        return f"{cap(entry.called)} begins {named}, and runs until {long_date(occurrence.end)}."
    return f"On {day} we celebrate {entry.called}."


def post_message(
    occurrence: Occurrence, post: str, text: str | None = None, on: date | None = None
) -> Message:
    """The channel post, going out on the local date ``on``. An admin's edited ``text``
    replaces our description."""
    entry = occurrence.entry
    blocks: list[Block] = [
        TextBlock(text=_opening(occurrence, post, on), style="heading"),
        TextBlock(text=text or entry.description),
    ]
    if post == "day" and occurrence.start != occurrence.end:
        blocks.append(TextBlock(text=when(occurrence), style="context"))
    blocks.append(TextBlock(text="Ways to mark it:", style="plain"))
    blocks.append(TextBlock(text="\n".join(f"• {action}" for action in entry.actions)))
    label = f"More from the organisers of {entry.called}" if entry.organisers else "Find out more"
    blocks.append(LinkBlock(label=label, url=entry.link))
    blocks += [LinkBlock(label=more.label, url=more.url) for more in entry.more_links]
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


def _posted_on(args: dict[str, Any]) -> date | None:
    """The day a queued post goes out (rows queued before it was recorded have none)."""
    return date.fromisoformat(args["on"]) if args.get("on") else None


def render_post(calendar: Calendar, session: Session, args: dict[str, Any]) -> Message | None:
    """The outbox's renderer for a channel post; None (cancelled) if an admin said don't send,
    or an organiser's date was since marked not this year."""
    occurrence = effective(session, calendar).occurrence(str(args["occurrence"]))
    if occurrence is None or not occurrence.confirmed:
        return None
    decided = override(session, args["platform"], args["tenant"], occurrence.key, args["post"])
    if decided is not None and decided.suppressed:
        return None
    text = decided.text if decided else None
    return post_message(occurrence, args["post"], text, _posted_on(args))


def preview_message(
    occurrence: Occurrence,
    post: str,
    decided: AwarenessOverride | None,
    on: date | None,
) -> Message:
    """The admins' preview: the post as it stands, which state it is in, and the buttons that
    change it. Shown when it arrives and again after every decision."""
    message = post_message(occurrence, post, decided.text if decided else None, on)
    value = f"{post}|{occurrence.key}|{on.isoformat() if on else ''}"
    going = f"on {long_date(on)}" if on else "on the day"
    edit = Button(action_id="awareness.edit", value=value, label="Edit text")
    if decided is not None and decided.suppressed:
        state = f"Preview: cancelled, this will not be sent to subscribed channels {going}."
        how = "Press “Send after all” to send it after all; an edit keeps it cancelled."
        toggle = Button(
            action_id="awareness.restore", value=value, label="Send after all", style="primary"
        )
    else:
        state = f"Preview: this goes to subscribed channels {going}."
        how = "Change the words or stop it here; otherwise it is sent as it is."
        if decided is not None and decided.text:
            how = "It goes with your edited words. " + how
        toggle = Button(
            action_id="awareness.suppress", value=value, label="Don't send", style="danger"
        )
    return Message(
        blocks=[
            TextBlock(text=state, style="heading"),
            TextBlock(text=how, style="context"),
            *message.blocks,
            ActionsBlock(buttons=[edit, toggle]),
        ]
    )


def render_preview(calendar: Calendar, session: Session, args: dict[str, Any]) -> Message | None:
    """The admins' preview, the working day before; None if another admin already stopped it."""
    occurrence = effective(session, calendar).occurrence(str(args["occurrence"]))
    if occurrence is None:
        return None
    decided = override(session, args["platform"], args["tenant"], occurrence.key, args["post"])
    if decided is not None and decided.suppressed:
        return None
    return preview_message(occurrence, args["post"], decided, _posted_on(args))
