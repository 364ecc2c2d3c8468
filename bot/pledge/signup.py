"""The sign-up and edit form: for each commitment one or two steps, then the check-in schedule.

One form serves signing and editing (prefilled), so both paths validate the same way. A leader
chooses from the pledge's suggestions and may write one step of their own per commitment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import cast

from bot.conversation import Form, FormField, FormValue, Option, TextBlock
from bot.pledge.content import Pledge
from bot.pledge.models import Leader
from bot.pledge.workdays import (
    EXAMPLES as PLACE_EXAMPLES,
)
from bot.pledge.workdays import (
    UnknownWorkplace,
    Workplace,
    default_workplace,
    parse_workplace,
)
from bot.text import STEP_TEXT_LIMIT
from bot.timezones import EXAMPLES, WEEKDAYS, UnknownTimeZone, parse_local_time, zone

SIGN_FORM = "pledge.sign"
MAX_STEPS = 2


@dataclass(frozen=True)
class ChosenStep:
    commitment: int
    suggestion_id: str | None  # None for a leader's own step
    text: str


@dataclass(frozen=True)
class PledgeChoices:
    steps: list[ChosenStep]
    weekday: int
    at: time
    timezone: str
    workplace: Workplace | None
    announce: bool


def missed_notice(missed_threshold: int) -> str:
    """Said at sign-up, so nobody learns of the D&I lead's list by being on it."""
    return (
        f"If {missed_threshold} check-ins in five weeks go unanswered, your name appears on "
        "the D&I lead's “not heard from” list, so they can check in with you privately. "
        "Skipping a week, or saying you are away, does not count as missing it."
    )


def sign_form(
    pledge: Pledge,
    *,
    default_timezone: str,
    can_announce: bool,
    leader: Leader | None = None,
    missed_threshold: int = 3,
) -> Form:
    """The form, empty for signing or prefilled from ``leader``'s current choices for editing."""
    current = [step for step in leader.steps if step.active] if leader else []
    fields: list[FormField] = []
    for commitment in pledge.commitments:
        mine = [s for s in current if s.commitment == commitment.number]
        fields.append(
            FormField(
                name=f"steps_{commitment.number}",
                label=f"{commitment.number}. {commitment.title}",
                kind="multi_choice",
                required=False,
                hint=" ".join(
                    [
                        "Choose one or two practical steps, or write your own below.",
                        *(s.note for s in commitment.steps if s.note),
                    ]
                ),
                options=[Option(value=s.id, label=s.text) for s in commitment.steps],
                max_selected=MAX_STEPS,
                default=[s.suggestion_id for s in mine if s.suggestion_id] or None,
            )
        )
        own = next((s.text for s in mine if s.suggestion_id is None), None)
        fields.append(
            FormField(
                name=f"own_{commitment.number}",
                label=f"Your own step for commitment {commitment.number} (optional)",
                kind="text",
                required=False,
                max_length=STEP_TEXT_LIMIT,
                default=own,
            )
        )
    fields += [
        FormField(
            name="weekday",
            label="Check-in day",
            kind="choice",
            # Numbered 1 (Monday) to 7 as the console numbers them, so a JSON-lines script
            # and a person at the console give the same number for the same day.
            options=[Option(value=str(i), label=day) for i, day in enumerate(WEEKDAYS, start=1)],
            default=str(leader.weekday + 1) if leader else "1",
        ),
        FormField(
            name="time",
            label="Check-in time (24-hour, your local time)",
            kind="time",
            default=leader.local_time if leader else "09:00",
        ),
        FormField(
            name="timezone",
            label="Your time zone",
            kind="text",
            max_length=64,
            hint=f"For example {EXAMPLES}.",
            default=leader.timezone if leader else default_timezone,
        ),
        FormField(
            name="country",
            label="Where you work, for public holidays",
            kind="text",
            required=False,
            max_length=16,
            hint=f"A country or country-region code, such as {PLACE_EXAMPLES}: check-ins due "
            "on its public holidays come the next working day. Empty: the country of your "
            "time zone (England for Europe/London).",
            default=_place_default(leader),
        ),
    ]
    if can_announce and leader is None:
        fields.append(
            FormField(
                name="announce",
                label="Announce your signature in the announcements channel?",
                kind="choice",
                options=[Option(value="yes", label="Yes"), Option(value="no", label="No")],
                default="no",
            )
        )
    intro = (
        "Each of the eight commitments needs one or two practical steps: choose from the "
        "suggestions, write your own, or both (your own step counts toward the two). "
        "Each week I'll ask you privately how they are going; answer whenever you have a "
        "moment. Your organisation's D&I lead sees your answers."
    )
    return Form(
        form_id=SIGN_FORM,
        title="Edit your pledge" if leader else "Sign the pledge",
        intro=[
            TextBlock(text=pledge.title, style="heading"),
            TextBlock(text=intro),
            TextBlock(text=missed_notice(missed_threshold), style="context"),
        ],
        fields=fields,
        submit_label="Save" if leader else "Sign",
    )


def _place_default(leader: Leader | None) -> str | None:
    """What the leader said before, when editing. Otherwise empty, meaning "from the time zone
    given above": a default from the platform's zone would be kept, unnoticed, by someone who
    corrects their zone in the same form."""
    if leader is None or not leader.country:
        return None
    return Workplace(leader.country, leader.subdivision).code


def read_choices(
    pledge: Pledge, values: dict[str, FormValue]
) -> tuple[PledgeChoices | None, dict[str, str]]:
    """Turn validated form values into choices, or errors by field for what does not add up."""
    errors: dict[str, str] = {}
    steps: list[ChosenStep] = []
    for commitment in pledge.commitments:
        chosen = cast(list[str], values.get(f"steps_{commitment.number}") or [])
        own = cast(str, values.get(f"own_{commitment.number}") or "")
        count = len(chosen) + (1 if own else 0)
        problem = None
        if count == 0:
            problem = "Choose a step, or write your own below."
        elif count > MAX_STEPS:
            problem = f"That is {count} steps; choose at most {MAX_STEPS}, your own step included."
        if problem:
            # On both fields: either one can put it right, so both are asked again. Named
            # as the steps field is labelled, as every form error names its field.
            for name in (f"steps_{commitment.number}", f"own_{commitment.number}"):
                errors[name] = f"{commitment.number}. {commitment.title}: {problem}"
        for suggestion_id in chosen:
            suggestion = pledge.suggestion(suggestion_id)
            assert suggestion is not None  # the form's options are the pledge's own
            steps.append(ChosenStep(commitment.number, suggestion_id, suggestion.text))
        if own:
            steps.append(ChosenStep(commitment.number, None, own))
    try:
        timezone = zone(cast(str, values.get("timezone", ""))).key
    except UnknownTimeZone as exc:
        errors["timezone"] = f"Your time zone: {exc}"
        timezone = ""
    place_text = cast(str, values.get("country") or "").strip()
    workplace = None
    try:
        workplace = parse_workplace(place_text) if place_text else default_workplace(timezone)
    except UnknownWorkplace as exc:
        errors["country"] = f"Where you work: {exc}"
    if errors:
        return None, errors
    return (
        PledgeChoices(
            steps=steps,
            weekday=int(cast(str, values["weekday"])) - 1,  # the form counts from 1
            at=parse_local_time(cast(str, values["time"])),
            timezone=timezone,
            workplace=workplace,
            announce=values.get("announce") == "yes",
        ),
        {},
    )
