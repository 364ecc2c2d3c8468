"""Organisation packs' registration: /commitments, its buttons and forms, the owners'
check-in renderer and the tick's steps."""

from __future__ import annotations

from functools import partial

from bot.commitments import commands
from bot.commitments.checkins import CHECKIN_RENDERER, hosted_part, render_outgoing
from bot.commitments.due import queue_overdue, queue_owner_checkins
from bot.features import Command, Feature, TickStep, Weekly
from bot.packs.content import NO_PACKS, Packs, load_configured
from bot.resources import Resources


def _packs(found: Resources) -> Packs:
    return found.get(Packs, NO_PACKS)


FEATURE = Feature(
    name="commitments",
    prefix="commitments.",
    models=("bot.commitments.models",),
    commands=(
        Command(
            "commitments",
            "Organisation packs: adopt one, give actions owners, see the board",
            commands.on_command,
            usage="[adopt PACK | PACK | mine | help]",
        ),
    ),
    on_action=commands.on_action,
    on_form=commands.on_form,
    help=commands.HELP,
    renderers=lambda found: {CHECKIN_RENDERER: partial(render_outgoing, _packs(found))},
    tick=(
        TickStep(
            "owner-checkins",
            "owners' check-in(s)",
            lambda s, now, settings, found: queue_owner_checkins(
                s, now, settings, _packs(found), found.find(Weekly)
            ),
        ),
        TickStep(
            "overdue",
            "overdue note(s)",
            lambda s, now, settings, found: queue_overdue(s, now, settings, _packs(found)),
        ),
    ),
    weekly_part=hosted_part,
    pack_summary=commands.summary,
    cli=("app.cli.packs:packs", "app.cli.packs:export"),
    load=load_configured,
)
