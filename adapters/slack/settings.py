"""Slack's settings, read from the environment and ``.env`` with the core's (``bot/config.py``):
the process's settings class is the core's with every registered platform's settings mixed in
(``adapters/platforms.py``), so bot/ names no platform's settings."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import Settings


class SlackSettings(BaseSettings):
    """The SLACK_* settings (see the README's configuration table)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    #: An app-level token (xapp-…) switches Slack to Socket Mode.
    slack_app_token: SecretStr | None = None
    #: Base URL of the Slack Web API: Slack's own unless set (GovSlack, a local test server).
    slack_api_url: str | None = None
    #: Sends to one Slack channel or person: a burst of this many, then this many a second.
    slack_channel_burst: int = Field(default=3, ge=1)
    slack_channel_per_second: float = Field(default=1.0, gt=0)
    #: Sends to one workspace a second, if set (Slack publishes no figure; a 429 from Slack
    #: pauses the whole workspace for its Retry-After either way).
    slack_workspace_per_second: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _slack_complete(self) -> SlackSettings:
        if self.slack_bot_token and not (self.slack_signing_secret or self.slack_app_token):
            raise ValueError(
                "SLACK_BOT_TOKEN needs SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)"
            )
        if (self.slack_signing_secret or self.slack_app_token) and not self.slack_bot_token:
            raise ValueError("SLACK_SIGNING_SECRET and SLACK_APP_TOKEN need SLACK_BOT_TOKEN")
        return self

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None


def slack_settings(settings: Settings) -> SlackSettings:
    """The process's settings as Slack's: they are, once Slack is registered (a bare core
    ``Settings`` has none, which is a programming error, not an operator's)."""
    if not isinstance(settings, SlackSettings):
        raise TypeError("these settings were built without Slack's (adapters/platforms.py)")
    return settings


def configured(settings: Settings) -> bool:
    """Slack is served and delivered to when it has a bot token."""
    return isinstance(settings, SlackSettings) and settings.slack_enabled
