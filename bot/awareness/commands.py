"""``/awareness``: upcoming dates, channel subscriptions and settings, and admins' decisions
on previews (don't send, edit text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from sqlalchemy import select

from bot.awareness import confirmations
from bot.awareness.calendar import CATEGORIES, REGIONS, Calendar, occurrences
from bot.awareness.confirmations import effective
from bot.awareness.due import default_subscription
from bot.awareness.models import AwarenessOverride, AwarenessSubscription
from bot.awareness.posts import override, preview_message, when
from bot.awareness.schedule import wanted
from bot.conversation import (
    ActionEvent,
    Address,
    Form,
    FormErrors,
    FormEvent,
    FormField,
    Message,
    OpenForm,
    Reply,
    Say,
    TextBlock,
    Update,
    text_message,
)
from bot.forms import validate
from bot.store.upsert import insert_new
from bot.timezones import parse_local_time, zone
from bot.turn import Turn

HELP = (
    "/awareness upcoming: awareness dates in the next 60 days for this channel\n"
    "/awareness subscribe uk global: post these regions' dates here (admins)\n"
    "    regions: " + ", ".join(REGIONS) + "\n"
    "    /awareness subscribe us lgbt gender: only these categories for us (all: every one)\n"
    "    categories: " + ", ".join(CATEGORIES) + "\n"
    "/awareness unsubscribe us, us lgbt, or all: stop some or all of them (admins)\n"
    "/awareness settings: this channel's settings (admins); change one or several with\n"
    "    /awareness settings heads-up 7 time 09:00 timezone Europe/London weekends shift|keep"
)
EDIT_FORM = "awareness.edit"
UPCOMING_DAYS = 60
TEXT_LIMIT = 1000


def _channel(turn: Turn) -> Address | None:
    if turn.event.place.kind != "channel" or not turn.event.place.id:
        return None
    return Address(
        platform=turn.actor.platform,
        tenant=turn.actor.tenant,
        kind="channel",
        id=turn.event.place.id,
    )


def _subscription(turn: Turn, channel: Address) -> AwarenessSubscription | None:
    return turn.session.scalar(
        select(AwarenessSubscription).where(
            AwarenessSubscription.platform == channel.platform,
            AwarenessSubscription.tenant == channel.tenant,
            AwarenessSubscription.channel_id == channel.id,
        )
    )


def on_command(turn: Turn, args: str) -> list[Reply]:
    word, _, rest = args.strip().partition(" ")
    word = word.lower()
    if word in ("", "help"):
        return [turn.say(text_message(HELP))]
    if word == "upcoming":
        return _upcoming(turn, rest.strip().lower())
    if word not in ("subscribe", "unsubscribe", "settings"):
        return [turn.say(text_message(f"I don't know “/awareness {word}”.", HELP))]
    if not turn.is_admin():
        return [turn.say(text_message("Only admins can change a channel's awareness posts."))]
    channel = _channel(turn)
    if channel is None:
        return [turn.say(text_message("Use this in the channel you want to change."))]
    subscription = _subscription(turn, channel)
    if subscription is None:
        insert_new(
            turn.session,
            AwarenessSubscription,
            [{**default_subscription(channel, turn.settings, turn.now), "regions": []}],
            ["platform", "tenant", "channel_id"],
        )
        subscription = _subscription(turn, channel)
        assert subscription is not None
    if word == "settings":
        return _settings(turn, subscription, rest)
    return _subscribe(turn, subscription, rest, add=word == "subscribe")


def _categories_of(subscription: AwarenessSubscription, region: str) -> str:
    chosen = subscription.categories.get(region)
    if not chosen:
        return "every category"
    left_out = [c for c in CATEGORIES if c not in chosen]
    if len(left_out) < len(chosen):
        return "every category but " + ", ".join(left_out)
    return ", ".join(chosen)


def _describe(subscription: AwarenessSubscription) -> str:
    """The channel's subscriptions: regions, then each narrowed region's categories."""
    regions = ", ".join(subscription.regions) or "none (nothing is posted)"
    narrowed = [r for r in subscription.regions if subscription.categories.get(r)]
    if narrowed:
        categories = "; ".join(f"{r}: {_categories_of(subscription, r)}" for r in narrowed)
        rest = [r for r in subscription.regions if r not in narrowed]
        if rest:
            categories += f"; {', '.join(rest)}: every category"
    else:
        categories = "all"
    weekends = "the working day before" if subscription.weekend_shift else "on the day"
    return (
        f"Regions: {regions}. Categories: {categories}.\n"
        f"Heads-up {subscription.heads_up_days} day(s) before; posts at "
        f"{subscription.post_time} ({subscription.timezone}); weekend dates announced {weekends}."
    )


def _subscribe(
    turn: Turn, subscription: AwarenessSubscription, rest: str, add: bool
) -> list[Reply]:
    """Each region has its own categories. ``subscribe REGIONS [CATEGORIES]`` sets the named
    regions (or, with none named, every region the channel has) to those categories, or to
    every category when none (or ``all``) is named. ``unsubscribe`` takes regions away, or
    categories from the named regions (every region when none is named); ``all`` alone
    ends every subscription."""
    verb = "subscribe" if add else "unsubscribe"
    words = [w.lower() for w in rest.split()]
    if not words:
        return [turn.say(text_message(f"Name the regions, e.g. /awareness {verb} uk global"))]
    unknown = [w for w in words if w not in REGIONS and w not in CATEGORIES and w != "all"]
    if unknown:
        return [
            turn.say(
                text_message(
                    f"I don't know “{unknown[0]}”. Regions: {', '.join(REGIONS)}. "
                    f"Categories: {', '.join(CATEGORIES)} (or all)."
                )
            )
        ]
    regions = [w for w in dict.fromkeys(words) if w in REGIONS]
    categories = sorted({w for w in words if w in CATEGORIES})
    targets = regions or list(subscription.regions)
    by_region = dict(subscription.categories)
    kept = list(subscription.regions)
    if not targets and (add or categories):
        example = f"/awareness {verb} uk {categories[0] if categories else 'lgbt'}"
        return [turn.say(text_message(f"Name a region too, e.g. {example}"))]
    if add:
        for region in targets:
            if categories:
                by_region[region] = categories
            else:
                by_region.pop(region, None)
        kept = sorted(set(kept) | set(targets))
    elif categories:
        for region in targets:
            left = [c for c in by_region.get(region, CATEGORIES) if c not in categories]
            if left:
                by_region[region] = left
            else:
                kept = [r for r in kept if r != region]
                by_region.pop(region, None)
    else:
        ended = set(targets if regions else kept)
        kept = [r for r in kept if r not in ended]
        by_region = {r: c for r, c in by_region.items() if r not in ended}
    subscription.regions = kept
    subscription.categories = {r: c for r, c in by_region.items() if r in kept}
    subscription.next_check_at = turn.now
    return [turn.say(text_message("Saved.", _describe(subscription)))]


SETTINGS_USAGE = (
    "Use heads-up 0–60, time HH:MM, timezone Europe/London or weekends shift|keep, "
    "one or several at once: /awareness settings heads-up 3 time 10:30"
)


def _read_setting(key: str, value: str) -> tuple[str, object]:
    """One ``key value`` part as (column, value); ValueError says what is wrong with it."""
    if key == "heads-up":
        if not (value.isascii() and value.isdigit() and int(value) <= 60):
            raise ValueError("give a number of days from 0 to 60, e.g. heads-up 7")
        return "heads_up_days", int(value)
    if key == "time":
        return "post_time", parse_local_time(value).strftime("%H:%M")
    if key == "timezone":
        return "timezone", zone(value).key
    if key == "weekends":
        if value not in ("shift", "keep"):
            raise ValueError("give shift (the working day before) or keep (on the day)")
        return "weekend_shift", value == "shift"
    raise ValueError(f"I don't know the setting “{key}”")


def _settings(turn: Turn, subscription: AwarenessSubscription, rest: str) -> list[Reply]:
    """Show the settings, or change one or several (``heads-up 3 time 10:30``) at once.

    Every part is read before anything is saved, so one bad part changes nothing."""
    words = rest.split()
    if not words:
        return [turn.say(text_message(_describe(subscription)))]
    changes: dict[str, object] = {}
    for index in range(0, len(words), 2):
        key = words[index].lower()
        value = words[index + 1] if index + 1 < len(words) else ""
        part = f"{key} {value}".strip()
        try:
            if not value:
                raise ValueError("it needs a value")
            column, setting = _read_setting(key, value)
            if column in changes:
                raise ValueError("it is given twice; give each setting once")
        except ValueError as exc:  # UnknownTimeZone is one
            problem = str(exc).rstrip(".")
            return [
                turn.say(text_message(f"“{part}”: {problem}. Nothing was changed.", SETTINGS_USAGE))
            ]
        changes[column] = setting
    for column, setting in changes.items():
        setattr(subscription, column, setting)
    subscription.next_check_at = turn.now
    return [turn.say(text_message("Saved.", _describe(subscription)))]


def _upcoming(turn: Turn, region: str) -> list[Reply]:
    if region and region not in REGIONS:
        return [
            turn.say(
                text_message(f"I don't know the region “{region}”. Regions: {', '.join(REGIONS)}.")
            )
        ]
    channel = _channel(turn)
    subscription = _subscription(turn, channel) if channel else None
    regions = (
        [region]
        if region
        else (subscription.regions if subscription else turn.settings.awareness_regions)
    )
    today = turn.now.date()
    found = [
        o
        for o in occurrences(
            effective(turn.session, turn.need(Calendar)),
            today,
            today + timedelta(days=UPCOMING_DAYS),
        )
        if (wanted(o, subscription) if subscription and not region else o.covers_any(regions))
    ]
    if not found:
        return [
            turn.say(
                text_message(
                    f"No awareness dates for {', '.join(regions) or 'this channel'}"
                    f" in the next {UPCOMING_DAYS} days."
                )
            )
        ]
    lines = [f"{o.entry.name}: {when(o)}" for o in found]
    return [
        turn.say(
            text_message(
                f"Awareness dates in the next {UPCOMING_DAYS} days ({', '.join(regions)}):",
                "\n".join(lines),
            )
        )
    ]


@dataclass(frozen=True)
class _Decision:
    """Which post a preview's button or edit form is about, and the day it goes out."""

    post: str
    key: str
    on: date | None

    @property
    def value(self) -> str:
        return f"{self.post}|{self.key}|{self.on.isoformat() if self.on else ''}"


def _decision(turn: Turn, value: str) -> _Decision | None:
    post, _, rest = value.partition("|")
    key, _, on_text = rest.partition("|")
    if (
        post not in ("heads-up", "day")
        or effective(turn.session, turn.need(Calendar)).occurrence(key) is None
    ):
        return None
    try:
        on = date.fromisoformat(on_text) if on_text else None
    except ValueError:
        return None
    return _Decision(post, key, on)


def _edit_form(turn: Turn, decision: _Decision) -> Form:
    occurrence = effective(turn.session, turn.need(Calendar)).occurrence(decision.key)
    assert occurrence is not None
    decided = _override(turn, decision)
    return Form(
        form_id=EDIT_FORM,
        title="Edit the post",
        intro=[TextBlock(text=f"{occurrence.entry.name}, {when(occurrence)}", style="heading")],
        fields=[
            FormField(
                name="text",
                label="What the post says (the heading, ideas and link stay)",
                kind="long_text",
                max_length=TEXT_LIMIT,
                default=(
                    decided.text if decided and decided.text else occurrence.entry.description
                ),
            )
        ],
        submit_label="Save",
        context=decision.value,
    )


def _override(turn: Turn, decision: _Decision) -> AwarenessOverride | None:
    return override(
        turn.session, turn.actor.platform, turn.actor.tenant, decision.key, decision.post
    )


def _decide(
    turn: Turn, decision: _Decision, *, suppressed: bool | None = None, text: str | None = None
) -> AwarenessOverride:
    """Record an admin's decision. Stopping or restoring keeps any edited words, and editing
    keeps the post stopped or not: each decision changes only what it is about."""
    decided = _override(turn, decision)
    if decided is None:
        decided = AwarenessOverride(
            platform=turn.actor.platform,
            tenant=turn.actor.tenant,
            occurrence=decision.key,
            post=decision.post,
            suppressed=False,
        )
        turn.session.add(decided)
    if suppressed is not None:
        decided.suppressed = suppressed
    if text is not None:
        decided.text = text
    decided.decided_by = str(turn.actor.address)
    decided.decided_at = turn.now
    return decided


def _preview(turn: Turn, decision: _Decision, decided: AwarenessOverride) -> Message:
    occurrence = effective(turn.session, turn.need(Calendar)).occurrence(decision.key)
    assert occurrence is not None
    return preview_message(occurrence, decision.post, decided, decision.on)


def on_action(turn: Turn, action: ActionEvent) -> list[Reply]:
    if action.action_id in confirmations.ACTIONS:
        return confirmations.on_action(turn, action)
    if not turn.is_admin():
        return [turn.say(text_message("Only admins can change awareness posts."))]
    decision = _decision(turn, action.value)
    if decision is None:
        return [turn.say(text_message("That button has expired."))]
    if action.action_id in ("awareness.suppress", "awareness.restore"):
        stop = action.action_id == "awareness.suppress"
        current = _override(turn, decision)
        if stop == bool(current and current.suppressed):  # pressed twice, or an old preview's
            already = "stopped" if stop else "going out"
            return [
                Say(
                    message=text_message(f"That post is already {already}; nothing changed."),
                    ephemeral=True,
                )
            ]
        decided = _decide(turn, decision, suppressed=stop)
        return [Update(message=_preview(turn, decision, decided))]
    if action.action_id == "awareness.edit":
        return [OpenForm(form=_edit_form(turn, decision))]
    return [turn.say(text_message("That button has expired."))]


def on_form(turn: Turn, form: FormEvent) -> list[Reply]:
    if form.form_id == confirmations.FORM:
        return confirmations.on_form(turn, form)
    if form.form_id != EDIT_FORM or not turn.is_admin():
        return [turn.say(text_message("That form has expired."))]
    decision = _decision(turn, form.context)
    if decision is None:
        return [turn.say(text_message("That form has expired."))]
    values, errors = validate(_edit_form(turn, decision), form.values)
    if errors:
        return [FormErrors(form_id=form.form_id, errors=errors)]
    decided = _decide(turn, decision, text=cast(str, values["text"]))
    return [
        turn.say(text_message("Saved. The post will read:")),
        turn.say(_preview(turn, decision, decided)),
    ]
