"""The pledge's registration: its command, buttons and forms, check-in renderer and tick steps."""

from __future__ import annotations

from functools import partial

from bot.features import Command, Feature, Introduction, TickStep
from bot.pledge import commands, weekly
from bot.pledge.checkins import CHECKIN_RENDERER, render_outgoing
from bot.pledge.content import Pledge, load_content
from bot.pledge.due import queue_checkins, queue_reminders

FEATURE = Feature(
    name="pledge",
    prefix="pledge.",
    models=("bot.pledge.models",),
    commands=(
        Command(
            "pledge",
            "The Senior Leaders' Pledge: sign, check in, see progress (try: pledge help)",
            commands.on_command,
            usage="[progress | edit | skip | away YYYY-MM-DD | pause | resume | leave | summary "
            "| dates on|off | closures | help]",
        ),
    ),
    on_action=commands.on_action,
    on_form=commands.on_form,
    help=commands.HELP,
    introduction=Introduction(
        does="keep the IP Inclusive Senior Leaders' Pledge",
        welcome="keep the IP Inclusive Senior Leaders' Pledge with a private weekly check-in",
        start="/pledge to sign it or see your pledge",
    ),
    renderers=lambda found: {
        CHECKIN_RENDERER: partial(
            render_outgoing,
            found.need(Pledge),
            extra=lambda session, checkin: weekly.extras(session, found, checkin),
        )
    },
    tick=(
        TickStep(
            "checkins", "check-in(s)", lambda s, now, settings, _: queue_checkins(s, now, settings)
        ),
        TickStep(
            "reminders",
            "reminder(s)",
            lambda s, now, settings, _: queue_reminders(s, now, settings),
        ),
    ),
    home=commands.home,
    load=load_content,
    weekly_host=weekly.HOST,
)
