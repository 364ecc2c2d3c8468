"""The dashboard's registration: ``/dashboard`` (a sign-in link for admins)."""

from __future__ import annotations

from bot.dashboard import commands
from bot.features import Command, Feature

FEATURE = Feature(
    name="dashboard",
    prefix="dashboard.",
    models=("bot.dashboard.models",),
    commands=(
        Command("dashboard", "A private link to the web dashboard (admins)", commands.on_command),
    ),
    on_action=commands.on_action,
    on_form=commands.on_form,
    help=commands.HELP,
    cli=("app.cli.dashboard:dashboard",),
)
