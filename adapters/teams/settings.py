"""Teams' settings, read from the environment and ``.env`` with the core's (``bot/config.py``)
under the names the Azure portal and the Bot Framework samples use, so operators can paste them
as they are; mixed into the process's settings by ``adapters/platforms.py``."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import Settings

#: How an Azure Bot authenticates (the "Type of App" chosen when it was created).
TEAMS_APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")


class TeamsSettings(BaseSettings):
    """The Azure Bot registration and the TEAMS_* settings (see the README)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    microsoft_app_id: str | None = Field(
        default=None, validation_alias=AliasChoices("MicrosoftAppId", "microsoft_app_id")
    )
    microsoft_app_password: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("MicrosoftAppPassword", "microsoft_app_password"),
    )
    #: MultiTenant, SingleTenant or UserAssignedMSI, as chosen when the Azure Bot was created.
    microsoft_app_type: str = Field(
        default="MultiTenant",
        validation_alias=AliasChoices("MicrosoftAppType", "microsoft_app_type"),
    )
    microsoft_app_tenant_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MicrosoftAppTenantId", "microsoft_app_tenant_id"),
    )
    #: Serve Teams without an app id and without checking tokens: only for local testing with
    #: the Bot Framework Emulator (a warning is logged at start-up).
    teams_allow_unauthenticated: bool = Field(
        default=False,
        validation_alias=AliasChoices("TEAMS_ALLOW_UNAUTHENTICATED", "teams_allow_unauthenticated"),
    )
    #: The organisation's own privacy notice and terms of use, linked from the Teams app's
    #: details (https): ``inclusion-bot teams package`` needs both.
    teams_privacy_url: str | None = None
    teams_terms_url: str | None = None

    @field_validator(
        "microsoft_app_id", "microsoft_app_tenant_id", "microsoft_app_password", mode="before"
    )
    @classmethod
    def _blank_app_is_unset(cls, value: object) -> object:
        """An empty MicrosoftAppId= line in a .env file means "not set", not an app id of "".
        (Named apart from the core's validator for HOST: a mixin's of the same name would be
        hidden by it.)"""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("microsoft_app_type")
    @classmethod
    def _app_type(cls, value: str) -> str:
        known = {t.lower(): t for t in TEAMS_APP_TYPES}
        if value.strip().lower() not in known:
            raise ValueError(f"must be one of {', '.join(TEAMS_APP_TYPES)}")
        return known[value.strip().lower()]

    @model_validator(mode="after")
    def _teams_complete(self) -> TeamsSettings:
        if not self.microsoft_app_id:
            if self.microsoft_app_password or self.microsoft_app_tenant_id:
                raise ValueError(
                    "MicrosoftAppPassword and MicrosoftAppTenantId need MicrosoftAppId"
                )
            return self
        if self.microsoft_app_type != "UserAssignedMSI" and not self.microsoft_app_password:
            raise ValueError(
                f"MicrosoftAppId needs MicrosoftAppPassword ({self.microsoft_app_type} app)"
            )
        if self.microsoft_app_type != "MultiTenant" and not self.microsoft_app_tenant_id:
            raise ValueError(
                f"MicrosoftAppType {self.microsoft_app_type} needs MicrosoftAppTenantId"
            )
        return self

    @property
    def teams_enabled(self) -> bool:
        """Teams is served with an app id, or without one only when explicitly allowed."""
        return bool(self.microsoft_app_id) or self.teams_allow_unauthenticated


def teams_settings(settings: Settings) -> TeamsSettings:
    """The process's settings as Teams': they are, once Teams is registered (a bare core
    ``Settings`` has none, which is a programming error, not an operator's)."""
    if not isinstance(settings, TeamsSettings):
        raise TypeError("these settings were built without Teams' (adapters/platforms.py)")
    return settings


def configured(settings: Settings) -> bool:
    """Teams is delivered to with an app id, or unauthenticated when explicitly allowed."""
    return isinstance(settings, TeamsSettings) and settings.teams_enabled
