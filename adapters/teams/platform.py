"""Teams' declaration: its ids to redact, its SDK's loggers, and the sender's note to admins
that someone cannot be reached, never itself alerted about (``bot/platforms.py``); and how it is
served (``wiring.py``)."""

from __future__ import annotations

from adapters.host import Surface
from adapters.teams.settings import TeamsSettings, configured
from bot.platforms import Platform

#: The ``ref`` of the sender's note to the tenant's admins that someone cannot be reached.
UNREACHABLE_REF = "teams.unreachable"

TEAMS = Platform(
    name="teams",
    redact=(
        # User ids (29:…), bot ids (28:…), 8:orgid:…, and personal conversations (a:…); long
        # enough that a clock time ("10:29:45") is left alone. (Azure AD ids are GUIDs,
        # redacted everywhere.)
        r"\b(?:29|28|8|a):[\w.:\-]{12,}",
    ),
    loggers=("botbuilder", "botframework", "msrest", "msal", "azure"),
    alert_refs=frozenset({UNREACHABLE_REF}),
    gauged=True,
    configured=configured,
)


SURFACE = Surface(
    TEAMS,
    settings=TeamsSettings,
    attach="adapters.teams.wiring:attach_teams",
    cli=("app.cli.teams:teams",),
)
