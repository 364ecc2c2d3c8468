"""Helpers for tests that start the real `inclusion-bot` in its own process."""

from __future__ import annotations

import os
import socket

from adapters.platforms import Settings


def free_port() -> int:
    """A port nobody listens on right now, for the server under test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without any of the bot's settings (nor the platforms'
    aliased ones), plus ``settings``: the child sees only what the test chose. Unless told
    otherwise it listens on loopback alone (as local development does), with health and
    metrics on a free port of their own, so test runs side by side do not collide."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k.lower() not in Settings.model_fields
        and not k.lower().startswith(("microsoftapp", "teams_", "slack_"))
    }
    env.update({"HOST": "127.0.0.1", "METRICS_PORT": str(free_port()), **settings})
    return env
