"""Awareness dates' registration: the command, preview buttons, edit form, renderers, tick."""

from __future__ import annotations

from functools import partial

from bot.awareness import commands, confirmations
from bot.awareness.calendar import EMPTY_CALENDAR, Calendar
from bot.awareness.due import queue_awareness, recheck_all
from bot.awareness.load import load_awareness
from bot.awareness.posts import POST_RENDERER, PREVIEW_RENDERER, render_post, render_preview
from bot.features import Command, Feature, Introduction, TickStep
from bot.resources import Resources


def _calendar(found: Resources) -> Calendar:
    return found.get(Calendar, EMPTY_CALENDAR)


FEATURE = Feature(
    name="awareness",
    prefix="awareness.",
    models=("bot.awareness.models",),
    commands=(
        Command(
            "awareness",
            "Awareness dates: upcoming, or subscribe a channel (admins)",
            commands.on_command,
            usage="[upcoming | subscribe REGION... | unsubscribe REGION... | settings]",
        ),
    ),
    on_action=commands.on_action,
    on_form=commands.on_form,
    help=commands.HELP,
    introduction=Introduction(
        does="post awareness dates",
        welcome="post awareness dates in channels",
        start="/awareness upcoming for the dates ahead",
    ),
    renderers=lambda found: {
        POST_RENDERER: partial(render_post, _calendar(found)),
        PREVIEW_RENDERER: partial(render_preview, _calendar(found)),
        confirmations.RENDERER: partial(confirmations.render_ask, _calendar(found)),
    },
    tick=(
        TickStep(
            "awareness",
            "awareness post(s)",
            lambda s, now, settings, found: queue_awareness(s, now, settings, _calendar(found)),
        ),
        TickStep(
            "organiser-asks",
            "date question(s) to admins",
            lambda s, now, settings, found: confirmations.queue_asks(
                s, now, settings, _calendar(found)
            ),
        ),
    ),
    cli=("app.cli.awareness:awareness",),
    load=load_awareness,
    start=lambda session, now, settings, _: recheck_all(session, now),
)
