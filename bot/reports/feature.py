"""Anonymous reports' registration: ``/report`` (anonymous), case buttons and forms, the tick's
alerts and deadlines."""

from __future__ import annotations

from bot.features import Command, Feature, Introduction, TickStep
from bot.reports import commands
from bot.reports.due import queue_reports
from bot.reports.followup import FOLLOWUP_FORM
from bot.reports.intake import FILE_FORM, NOT_RECEIVED
from bot.reports.load import load_reports, warn_unreceived

FEATURE = Feature(
    name="reports",
    prefix="report.",
    models=("bot.reports.models",),
    commands=(
        Command(
            "report",
            # What the form's own heading names (intake.heading): every kind it covers.
            "Report racism, harassment, bullying, discrimination or something else, "
            "anonymously unless you choose otherwise",
            commands.on_command,
            usage="[followup]",
            anonymous=True,
        ),
    ),
    on_action=commands.on_action,
    on_form=commands.on_form,
    help=commands.HELP,
    introduction=Introduction(
        does="take anonymous reports",
        welcome="take reports of racism or harassment",
        start="/report to report harassment anonymously",
        note="Reports are private: /report opens a form in a window of its own, nothing of it "
        "is posted in any chat, and you choose whether to say who you are. Only the people who "
        "handle reports read it.",
    ),
    tick=(
        TickStep(
            "reports",
            "report notice(s)",
            lambda s, now, settings, _: queue_reports(s, now, settings),
        ),
    ),
    anonymous_forms=frozenset({FILE_FORM, FOLLOWUP_FORM}),
    failed={FILE_FORM: NOT_RECEIVED},
    cli=("app.cli.reports:handlers", "app.cli.reports:reports"),
    load=load_reports,
    secret=True,
    start=warn_unreceived,
)
