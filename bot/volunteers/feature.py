"""The volunteers' registration: /volunteer, /volunteers, the offer form, the week's nudges."""

from __future__ import annotations

from functools import partial

from bot.awareness.calendar import EMPTY_CALENDAR, Calendar
from bot.features import Command, Feature, TickStep
from bot.resources import Resources
from bot.volunteers import commands
from bot.volunteers.due import ASK_RENDERER, NUDGE_RENDERER, queue_volunteer_nudges
from bot.volunteers.nudges import render_ask, render_nudge


def _calendar(found: Resources) -> Calendar:
    """Careers in Ideas Week's dates come from the awareness calendar the process loaded."""
    return found.get(Calendar, EMPTY_CALENDAR)


FEATURE = Feature(
    name="volunteers",
    prefix="volunteer.",
    models=("bot.volunteers.models",),
    commands=(
        Command(
            "volunteer",
            "Offer your time to outreach work, see or change your offer",
            commands.on_volunteer,
            usage="[edit | withdraw | help]",
        ),
        Command(
            "volunteers",
            "Search the volunteer directory (admins and the outreach team)",
            commands.on_volunteers,
            usage="[speaker | mentor | ... | REGION | WORDS]",
        ),
    ),
    on_action=commands.on_action,
    on_form=commands.on_form,
    help=commands.HELP,
    renderers=lambda found: {
        NUDGE_RENDERER: partial(render_nudge, _calendar(found)),
        ASK_RENDERER: render_ask,
    },
    tick=(
        TickStep(
            "volunteers",
            "volunteer nudge(s)",
            lambda s, now, settings, found: queue_volunteer_nudges(
                s, now, settings, _calendar(found)
            ),
        ),
    ),
    cli=("app.cli.volunteers:volunteers",),
)
