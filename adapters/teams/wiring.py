"""Putting Teams on the server: /api/messages, token checks, and the outbox sender.

With MicrosoftAppId set, botbuilder checks every request's token (issued by the Bot Framework
to this app id) and a request without a valid one gets 401 before anything is read. Without an
app id the endpoint refuses everything, unless TEAMS_ALLOW_UNAUTHENTICATED=1 says this is a
local test (the Bot Framework Emulator, or a test suite) and a warning is logged.

Unauthenticated, anyone who can reach the endpoint can act as anyone, a handler included, and
name the serviceUrl the bot answers to (where case text would go). So it is honoured only while
the server listens on loopback alone (HOST=127.0.0.1; the process refuses to start otherwise),
and then activities naming a serviceUrl off this machine are refused, and the sender posts to
none (``adapters/teams/sender.py``).
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import jwt
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)

from adapters.host import Host
from adapters.teams.app import TeamsBot
from adapters.teams.limits import TeamsLimits
from adapters.teams.sender import TeamsSender
from adapters.teams.settings import TeamsSettings, teams_settings
from bot.config import ConfigurationError, Settings, is_loopback_url
from bot.router import Bot

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
UNAUTHENTICATED_WARNING = (
    "TEAMS_ALLOW_UNAUTHENTICATED=1: Teams requests to %s are accepted WITHOUT checking who sent "
    "them. Use this only for local testing; set MicrosoftAppId and MicrosoftAppPassword for "
    "real use."
)


def unauthenticated(settings: Settings) -> bool:
    """True when Teams is served without checking tokens (no app id, explicitly allowed)."""
    teams = teams_settings(settings)
    return teams.teams_allow_unauthenticated and not teams.microsoft_app_id


def check_exposure(settings: Settings) -> None:
    """Refuse to serve unauthenticated Teams on anything but loopback."""
    if unauthenticated(settings) and not settings.loopback_only:
        raise ConfigurationError(
            "TEAMS_ALLOW_UNAUTHENTICATED=1 needs HOST=127.0.0.1 (loopback alone): without an app "
            f"id anyone who reaches {settings.host or 'every interface'}:{settings.port} could "
            "act as any Teams user. Set HOST=127.0.0.1 for local testing, or set MicrosoftAppId "
            "and MicrosoftAppPassword."
        )


def service_url_allowed(settings: Settings, service_url: str) -> bool:
    """Unauthenticated, only a serviceUrl on this machine (the Emulator, a test's fake)."""
    if not unauthenticated(settings):
        return True
    return is_loopback_url(service_url)


async def _refuse(_: web.Request) -> web.Response:
    """Teams is not configured: nobody may talk to the bot as if they were Teams."""
    return web.json_response({"error": "Teams is not configured on this server"}, status=401)


def build_adapter(settings: TeamsSettings) -> CloudAdapter:
    """botbuilder's CloudAdapter with this deployment's Azure Bot credentials."""
    configuration = SimpleNamespace(
        APP_ID=settings.microsoft_app_id or "",
        APP_PASSWORD=(
            settings.microsoft_app_password.get_secret_value()
            if settings.microsoft_app_password
            else ""
        ),
        APP_TYPE=settings.microsoft_app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id or "",
    )
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(configuration))

    async def on_error(_: TurnContext, error: Exception) -> None:
        # Logged without the activity: it holds what people typed.
        log.error("a Teams turn failed: %s", type(error).__name__, exc_info=error)

    adapter.on_turn_error = on_error
    return adapter


def attach_teams(server: Host, bot: Bot, settings: Settings) -> TeamsBot | None:
    """Serve Teams at /api/messages (or refuse it there when not configured)."""
    own = teams_settings(settings)
    if not own.teams_enabled:
        server.web.router.add_post(MESSAGES_PATH, _refuse)
        return None
    check_exposure(settings)
    if not own.microsoft_app_id:
        log.warning(UNAUTHENTICATED_WARNING, MESSAGES_PATH)
    elif own.teams_allow_unauthenticated:
        log.warning("TEAMS_ALLOW_UNAUTHENTICATED is ignored: MicrosoftAppId is set")
    adapter = build_adapter(own)
    app_id = own.microsoft_app_id or ""
    limits = TeamsLimits(bot.clock)
    teams = TeamsBot(bot, adapter, app_id, limits)
    sender = TeamsSender(adapter, app_id, bot.store, settings, bot.clock, limits)
    server.senders["teams"] = sender

    async def bind(_: web.Application) -> None:
        sender.bind(asyncio.get_running_loop())

    async def messages(request: web.Request) -> web.StreamResponse:
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.Response(status=415)
        if unauthenticated(settings):  # the body is read once; botbuilder reads it again
            try:
                activity = await request.json()
            except ValueError:
                return web.Response(status=400)
            service_url = activity.get("serviceUrl") if isinstance(activity, dict) else None
            if service_url and not service_url_allowed(settings, str(service_url)):
                log.warning("an unauthenticated Teams activity named a non-loopback serviceUrl")
                return web.Response(status=403)
        try:
            response = await adapter.process(request, teams)
        except (PermissionError, jwt.PyJWTError):
            return web.Response(status=401)
        except web.HTTPException:
            raise
        except Exception as exc:  # an unreadable activity, or the token keys out of reach
            log.warning("a Teams request was refused: %s", type(exc).__name__)
            return web.Response(status=400 if isinstance(exc, ValueError | KeyError) else 503)
        return response or web.Response(status=201)

    server.web.on_startup.append(bind)
    server.web.router.add_post(MESSAGES_PATH, messages)
    return teams
