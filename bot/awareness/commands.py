"""``/awareness``: upcoming dates, channel subscriptions and settings, and admins' decisions
on previews (don't send, edit text)."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from sqlalchemy import select

from bot.awareness.calendar import CATEGORIES, REGIONS, occurrences
from bot.awareness.due import default_subscription
from bot.awareness.posts import override, post_message, when
from bot.conversation import (
    ActionEvent,
    Address,
    Form,
    FormErrors,
    FormEvent,
    FormField,
    OpenForm,
    Reply,
    TextBlock,
    text_message,
)
from bot.forms import validate
from bot.store.models import AwarenessOverride, AwarenessSubscription
from bot.store.upsert import insert_new
from bot.timezones import UnknownTimeZone, parse_local_time, zone
from bot.turn import Turn

HELP = (
    "/awareness upcoming: awareness dates in the next 60 days for this channel\n"
    "/awareness subscribe uk global: post this channel's regions' dates here (admins)\n"
    "    regions: " + ", ".join(REGIONS) + "\n"
    "    optional categories: " + ", ".join(CATEGORIES) + "\n"
    "/awareness unsubscribe us (or: all): stop some or all of them (admins)\n"
    "/awareness settings: this channel's settings (admins); change them with\n"
    "    /awareness settings heads-up 7 | time 09:00 | timezone Europe/London | weekends shift|keep"
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


def _describe(subscription: AwarenessSubscription) -> str:
    regions = ", ".join(subscription.regions) or "none (nothing is posted)"
    categories = ", ".join(subscription.categories) or "all"
    weekends = "the working day before" if subscription.weekend_shift else "on the day"
    return (
        f"Regions: {regions}. Categories: {categories}.\n"
        f"Heads-up {subscription.heads_up_days} day(s) before; posts at "
        f"{subscription.post_time} ({subscription.timezone}); weekend dates announced {weekends}."
    )


def _subscribe(
    turn: Turn, subscription: AwarenessSubscription, rest: str, add: bool
) -> list[Reply]:
    words = [w.lower() for w in rest.split()]
    if not words:
        return [turn.say(text_message("Name the regions, e.g. /awareness subscribe uk global"))]
    unknown = [w for w in words if w not in REGIONS and w not in CATEGORIES and w != "all"]
    if unknown:
        return [
            turn.say(
                text_message(
                    f"I don't know “{unknown[0]}”. Regions: {', '.join(REGIONS)}. "
                    f"Categories: {', '.join(CATEGORIES)}."
                )
            )
        ]
    regions = [w for w in words if w in REGIONS]
    categories = [w for w in words if w in CATEGORIES]
    if add:
        subscription.regions = sorted(set(subscription.regions) | set(regions))
        subscription.categories = sorted(set(subscription.categories) | set(categories))
    elif "all" in words:
        subscription.regions, subscription.categories = [], []
    else:
        subscription.regions = sorted(set(subscription.regions) - set(regions))
        subscription.categories = sorted(set(subscription.categories) - set(categories))
    subscription.next_check_at = turn.now
    return [turn.say(text_message("Saved.", _describe(subscription)))]


def _settings(turn: Turn, subscription: AwarenessSubscription, rest: str) -> list[Reply]:
    key, _, value = rest.strip().partition(" ")
    key, value = key.lower(), value.strip()
    try:
        if not key:
            return [turn.say(text_message(_describe(subscription)))]
        if key == "heads-up" and value.isdigit() and int(value) <= 60:
            subscription.heads_up_days = int(value)
        elif key == "time":
            subscription.post_time = parse_local_time(value).strftime("%H:%M")
        elif key == "timezone":
            subscription.timezone = zone(value).key
        elif key == "weekends" and value in ("shift", "keep"):
            subscription.weekend_shift = value == "shift"
        else:
            return [
                turn.say(
                    text_message(
                        "Use heads-up 0–60, time HH:MM, timezone Europe/London "
                        "or weekends shift|keep."
                    )
                )
            ]
    except (ValueError, UnknownTimeZone) as exc:
        return [turn.say(text_message(str(exc)))]
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
        for o in occurrences(turn.calendar, today, today + timedelta(days=UPCOMING_DAYS))
        if any(o.covers(r) for r in regions)
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


def _decision(turn: Turn, value: str) -> tuple[str, str] | None:
    post, _, key = value.partition("|")
    if post not in ("heads-up", "day") or turn.calendar.occurrence(key) is None:
        return None
    return post, key


def _edit_form(turn: Turn, post: str, key: str) -> Form:
    occurrence = turn.calendar.occurrence(key)
    assert occurrence is not None
    decided = override(turn.session, turn.actor.platform, turn.actor.tenant, key, post)
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
        context=f"{post}|{key}",
    )


def _decide(turn: Turn, post: str, key: str, *, suppressed: bool, text: str | None) -> None:
    decided = override(turn.session, turn.actor.platform, turn.actor.tenant, key, post)
    if decided is None:
        decided = AwarenessOverride(
            platform=turn.actor.platform, tenant=turn.actor.tenant, occurrence=key, post=post
        )
        turn.session.add(decided)
    decided.suppressed = suppressed
    decided.text = text
    decided.decided_by = str(turn.actor.address)
    decided.decided_at = turn.now


def on_action(turn: Turn, action: ActionEvent) -> list[Reply]:
    if not turn.is_admin():
        return [turn.say(text_message("Only admins can change awareness posts."))]
    decision = _decision(turn, action.value)
    if decision is None:
        return [turn.say(text_message("That button has expired."))]
    post, key = decision
    if action.action_id == "awareness.suppress":
        _decide(turn, post, key, suppressed=True, text=None)
        occurrence = turn.calendar.occurrence(key)
        assert occurrence is not None
        return [
            turn.say(
                text_message(f"Done: the {post} post for {occurrence.entry.name} will not be sent.")
            )
        ]
    if action.action_id == "awareness.edit":
        return [OpenForm(form=_edit_form(turn, post, key))]
    return [turn.say(text_message("That button has expired."))]


def on_form(turn: Turn, form: FormEvent) -> list[Reply]:
    if form.form_id != EDIT_FORM or not turn.is_admin():
        return [turn.say(text_message("That form has expired."))]
    decision = _decision(turn, form.context)
    if decision is None:
        return [turn.say(text_message("That form has expired."))]
    post, key = decision
    values, errors = validate(_edit_form(turn, post, key), form.values)
    if errors:
        return [FormErrors(form_id=form.form_id, errors=errors)]
    _decide(turn, post, key, suppressed=False, text=cast(str, values["text"]))
    occurrence = turn.calendar.occurrence(key)
    assert occurrence is not None
    preview = post_message(occurrence, post, cast(str, values["text"]))
    return [turn.say(text_message("Saved. The post will read:")), turn.say(preview)]
