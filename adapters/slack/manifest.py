"""The Slack app manifest with this deployment's request URLs (or Socket Mode) filled in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from adapters.slack.wiring import EVENTS_PATH
from bot.catalogue import COMMANDS
from bot.features import Command

TEMPLATE = Path(__file__).with_name("manifest.yaml")


def manifest(
    base_url: str | None, socket_mode: bool = False, commands: Sequence[Command] = COMMANDS
) -> dict[str, Any]:
    """The manifest; with ``socket_mode`` no request URL is needed (events come over a socket)."""
    data: dict[str, Any] = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    data["features"]["slash_commands"] = [
        {
            "command": f"/{c.name}",
            "description": c.summary,
            "usage_hint": c.usage,
            "should_escape": False,
        }
        for c in commands
    ]
    settings = data["settings"]
    if socket_mode:
        settings["socket_mode_enabled"] = True
        return data
    if base_url is None:
        raise ValueError("give the bot's public base URL, e.g. --url https://bot.example.org")
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError("Slack needs an https:// URL, e.g. https://bot.example.org")
    events = base_url.rstrip("/") + EVENTS_PATH
    settings["event_subscriptions"]["request_url"] = events
    settings["interactivity"]["request_url"] = events
    for command in data["features"]["slash_commands"]:
        command["url"] = events
    return data


def manifest_yaml(base_url: str | None, socket_mode: bool = False) -> str:
    return yaml.safe_dump(manifest(base_url, socket_mode), sort_keys=False, allow_unicode=True)
