"""Slack's declaration: its ids to redact and its SDK's loggers (``bot/platforms.py``), and
how it is served (``wiring.py``)."""

from __future__ import annotations

from adapters.host import Surface
from adapters.slack.settings import SlackSettings, configured
from bot.platforms import Platform

SLACK = Platform(
    name="slack",
    redact=(
        # Users (U…, W…), workspaces (T…), organisations (E…), bots (B…) and conversations
        # (C…, G…, and D…: a person's direct messages with the bot, as telling as their user id).
        r"\b[UWTEBCDG][A-Z0-9]{8,12}\b",
        # response_url and trigger_id: each lets whoever holds it answer or open a view as the
        # bot, in that person's conversation, for a while. By value, and by name too.
        r"https?://hooks\.slack(?:-gov)?\.com/\S+",
        r"\b\d{6,}\.\d{6,}\.[0-9a-f]{16,}\b",
        r"""(?<=response_url)["']?\s*[:=]\s*["']?[^"'&\s,}]+""",
        r"""(?<=trigger_id)["']?\s*[:=]\s*["']?[^"'&\s,}]+""",
    ),
    # The module loggers too: slack_sdk and Bolt decide whether to build a debug text of each
    # request and response (whole views included) from a logger's own level, not from its
    # parents', so left unset they build it for every call and then drop it.
    loggers=(
        "slack_sdk",
        "slack_bolt",
        "slack_sdk.web.async_base_client",
        "slack_sdk.web.base_client",
        "slack_sdk.webhook.async_client",
        "slack_bolt.AsyncApp",
    ),
    gauged=True,
    configured=configured,
)


SURFACE = Surface(
    SLACK,
    settings=SlackSettings,
    attach="adapters.slack.wiring:attach_slack",
    served=configured,
    cli=("app.cli.slack:slack",),
)
