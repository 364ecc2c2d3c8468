"""Putting Slack on the server: the Bolt app, its route or Socket Mode, and the outbox sender."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.host import Host
from adapters.slack.app import SlackAdapter
from adapters.slack.limits import SlackLimits
from adapters.slack.sender import SlackSender
from adapters.slack.settings import SlackSettings, slack_settings
from bot.clock import Clock
from bot.config import Settings
from bot.router import Bot

EVENTS_PATH = "/slack/events"


def build_app(settings: SlackSettings) -> AsyncApp:
    """Bolt's AsyncApp on a client whose base URL comes from SLACK_API_URL (if set).

    Interactive Web API calls retry a 429 once after its Retry-After; sends from the outbox
    do not go through this client (see SlackSender).
    """
    assert settings.slack_bot_token is not None
    token = settings.slack_bot_token.get_secret_value()
    client = AsyncWebClient(
        token=token, base_url=settings.slack_api_url or AsyncWebClient.BASE_URL, timeout=10
    )
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    secret = settings.slack_signing_secret
    return AsyncApp(
        client=client,  # the token rides on the client (Bolt warns when given both)
        signing_secret=secret.get_secret_value() if secret else None,
        request_verification_enabled=secret is not None,
    )


def slack_sender(settings: SlackSettings, clock: Clock) -> SlackSender:
    """The outbox's sender for Slack, paced by the configured limits on the bot's ``clock``
    (the outbox's own, so a deferred row is due when the limiter has room again)."""
    assert settings.slack_bot_token is not None
    return SlackSender(
        settings.slack_bot_token.get_secret_value(),
        settings.slack_api_url,
        SlackLimits(
            clock,
            channel_burst=settings.slack_channel_burst,
            channel_per_second=settings.slack_channel_per_second,
            workspace_per_second=settings.slack_workspace_per_second,
        ),
    )


def attach_slack(server: Host, bot: Bot, settings: Settings) -> SlackAdapter:
    """Serve Slack over HTTP at /slack/events, or over Socket Mode with an app token."""
    slack = slack_settings(settings)
    adapter = SlackAdapter(bot, build_app(slack))
    server.senders["slack"] = slack_sender(slack, bot.clock)
    if slack.slack_app_token is not None:
        app_token = slack.slack_app_token.get_secret_value()
        handlers: list[AsyncSocketModeHandler] = []

        async def connect() -> None:
            # Made here, not above: its aiohttp session needs the server's running loop.
            handlers.append(AsyncSocketModeHandler(adapter.app, app_token))
            await handlers[-1].connect_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt

        async def close() -> None:
            for handler in handlers:
                await handler.close_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt

        server.on_start.append(connect)
        server.on_stop.append(close)
    else:

        async def events(request: web.Request) -> web.StreamResponse:
            with adapter.acking():  # until the ack is sent: the work it acked waits for it
                bolt_response = await adapter.app.async_dispatch(await to_bolt_request(request))
                response = await to_aiohttp_response(bolt_response)
                await response.prepare(request)
                await response.write_eof()
            return response

        server.web.router.add_post(EVENTS_PATH, events)
    server.on_stop.append(adapter.finish)  # after Socket Mode's: work already acked is finished
    return adapter
