"""The core's settings, from the environment and an optional ``.env`` file (pydantic-settings).

Names match the README's configuration table exactly; they carry no prefix because operators
paste a platform's from its console next to our own. Each platform declares its own settings
in ``adapters/<platform>/settings.py``; the process's settings class mixes them into this one
(``adapters/platforms.py``).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.awareness.calendar import REGIONS
from bot.conversation import Address
from bot.timezones import UnknownTimeZone, parse_local_time, zone


class ConfigurationError(Exception):
    """Something an operator must fix before the bot can start; the message says what."""


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("inclusion-bot", appauthor=False))


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost``: reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """An http(s) URL whose host is this machine, written so that every parser agrees.

    Python's urlsplit and an HTTP client can read one URL differently: in
    ``http://evil\\@127.0.0.1/`` urlsplit sees the host 127.0.0.1 while a client that treats
    the backslash as a path separator sends to ``evil``. So a URL with userinfo, a backslash,
    a %-escape, whitespace or a control character in it is refused outright, whatever its host.
    """
    if any(char in url for char in "\\@%") or any(char.isspace() or ord(char) < 32 for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and is_loopback(parts.hostname or "")


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Everything an operator can configure. See the README for each setting's meaning."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    data_dir: Path = Field(default_factory=_default_data_dir)
    #: A folder with an organisation's own edited copies of content files (pledge.yaml, ...).
    content_dir: Path | None = None
    database_url: str | None = None
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: People who may search the volunteer directory besides admins (/volunteers).
    outreach: Annotated[list[str], NoDecode] = Field(default_factory=list)
    announcements_channel: Annotated[list[str], NoDecode] = Field(default_factory=list)
    default_timezone: str = "Europe/London"
    reminder_after_hours: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [24, 72])
    reminder_cap: int = Field(default=2, ge=0, le=5)
    missed_alert_threshold: int = Field(default=3, ge=1)
    tick_interval_seconds: int = Field(default=60, ge=5)
    outbox_max_attempts: int = Field(default=8, ge=1)
    log_level: str = "WARNING"
    #: text (readable) or json (one object per line, for log collectors); both redacted.
    log_format: Literal["text", "json"] = "text"
    #: Regions a channel gets when subscribed by default (the announcements channels).
    awareness_regions: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["uk", "global"]
    )
    awareness_heads_up_days: int = Field(default=7, ge=0, le=60)
    awareness_post_time: str = "09:00"
    #: A folder of the organisation's own awareness YAML files (add or override entries).
    awareness_dir: Path | None = None

    #: Fernet keys for report content, comma-separated, newest first (rotation: add a new key
    #: in front, run `inclusion-bot reports rekey`, then drop the old one).
    reports_key: SecretStr | None = None
    reports_policy_url: str | None = None
    #: Handlers' alert of a new case comes a random number of minutes within this window later.
    reports_alert_delay_minutes: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [5, 30]
    )
    #: Internal target for acknowledging a case, in working days (inside REPORTS_ACK_DAYS).
    reports_ack_target_days: int = Field(default=2, ge=1, le=7)
    #: The organisation's standard: acknowledge a report within this many days, and give the
    #: reporter feedback within this many months of acknowledging it.
    reports_ack_days: int = Field(default=7, ge=1, le=60)
    reports_feedback_months: int = Field(default=3, ge=1, le=12)
    #: Say that those timings are legal requirements. Off by default: the EU Whistleblowing
    #: Directive (2019/1937, art. 9) sets 7 days and 3 months only for reports of breaches of
    #: EU law in member states; it does not cover workplace harassment grievances, nor the UK.
    reports_deadlines_are_legal: bool = False
    reports_retention_days: int = Field(default=365, ge=30)
    #: Where to get support whether or not someone reports (shown on the report form and the
    #: receipt): the organisation's employee assistance programme or helpline.
    reports_support_text: str = Field(
        default=(
            "Support is available whether or not you report: your employee assistance "
            "programme, your HR team or a trusted manager. In the UK, Samaritans listen day or "
            "night on 116 123; in the US and Canada, call or text 988."
        ),
        min_length=1,
        max_length=1000,
    )
    #: A private channel for handlers' alerts instead of direct messages.
    reports_handlers_channel: str | None = None
    #: Reports one person may file per hour (counted in memory, by a keyed hash, never stored).
    reports_per_hour: int = Field(default=5, ge=1)

    #: The bot's public web server (the platforms' routes).
    port: int = Field(default=3000, ge=1, le=65535)
    #: The interface it listens on: all of them unless set (``127.0.0.1`` for local development;
    #: a platform may refuse to serve unauthenticated anywhere else).
    host: str | None = None
    #: /healthz, /readyz and /metrics, on their own listener: never on the public port, since
    #: the counters move when anyone acts (a report included).
    #: The address links to the bot's own web pages use (the dashboard's sign-in links): how
    #: people reach PORT, e.g. https://bot.example.org behind a proxy. http://127.0.0.1:PORT
    #: unless set.
    public_url: str | None = None
    #: A dashboard session ends after this many minutes without a page being opened.
    dashboard_idle_minutes: int = Field(default=30, ge=1, le=720)
    #: A dashboard session ends this many hours after its sign-in, however busy: a cookie
    #: left in a shared browser must not live for ever by being used.
    dashboard_session_hours: int = Field(default=12, ge=1, le=168)
    metrics_port: int = Field(default=9464, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"

    _split = field_validator(
        "admins",
        "outreach",
        "announcements_channel",
        "reminder_after_hours",
        "awareness_regions",
        "reports_alert_delay_minutes",
        mode="before",
    )(_split_commas)

    @field_validator("reports_alert_delay_minutes")
    @classmethod
    def _window(cls, value: list[int]) -> list[int]:
        # At least a minute: an alert at the instant of filing dates the report to the second.
        # A window at least 5 minutes wide: a fixed delay would date it just as well. At most
        # 4 hours: the form promises handlers are told later the same day.
        if len(value) != 2 or not (value[0] >= 1 and value[0] + 5 <= value[1] <= 240):
            raise ValueError(
                "give the shortest and longest delay in minutes, e.g. 5,30: at least 1, "
                "the longest at least 5 more than the shortest and at most 240"
            )
        return value

    @field_validator("reports_handlers_channel")
    @classmethod
    def _handlers_channel(cls, value: str | None) -> str | None:
        return str(Address.parse(value, kind="channel")) if value else None

    @field_validator("awareness_regions")
    @classmethod
    def _known_regions(cls, value: list[str]) -> list[str]:
        unknown = [region for region in value if region not in REGIONS]
        if unknown:
            raise ValueError(f"unknown region {unknown[0]!r}; known: {', '.join(REGIONS)}")
        return value

    @field_validator("public_url")
    @classmethod
    def _a_web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError("give the address people open, e.g. https://bot.example.org")
        return value.strip().rstrip("/")

    @field_validator("awareness_post_time")
    @classmethod
    def _a_time(cls, value: str) -> str:
        return parse_local_time(value).strftime("%H:%M")

    @field_validator("admins", "outreach")
    @classmethod
    def _admins_are_addresses(cls, value: list[str]) -> list[str]:
        return [str(Address.parse(item, kind="user")) for item in value]

    @field_validator("announcements_channel")
    @classmethod
    def _channels_are_addresses(cls, value: list[str]) -> list[str]:
        return [str(Address.parse(item, kind="channel")) for item in value]

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            return zone(value).key
        except UnknownTimeZone as exc:
            raise ValueError(str(exc)) from None

    @field_validator("reminder_after_hours")
    @classmethod
    def _ladder_increases(cls, value: list[int]) -> list[int]:
        if any(hours <= 0 for hours in value) or value != sorted(set(value)):
            raise ValueError("must be increasing positive hours, e.g. 24,72")
        return value

    @model_validator(mode="after")
    def _ack_target_inside_standard(self) -> Settings:
        # N working days from the worst weekday (a Friday) span N days plus the weekends.
        span = self.reports_ack_target_days + 2 * ((self.reports_ack_target_days + 4) // 5)
        if span > self.reports_ack_days:
            raise ValueError(
                f"REPORTS_ACK_TARGET_DAYS ({self.reports_ack_target_days} working days) can "
                f"take up to {span} days, past REPORTS_ACK_DAYS ({self.reports_ack_days})"
            )
        return self

    @field_validator("host", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """An empty HOST= line in a .env file means "not set", not an interface of ""."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def loopback_only(self) -> bool:
        """True when the public web server listens on a loopback address alone."""
        return is_loopback(self.host or "")

    @property
    def public_base(self) -> str:
        """PUBLIC_URL, or this machine's address on PORT: where the bot's links point."""
        return self.public_url or f"http://127.0.0.1:{self.port}"

    @property
    def embedded_database(self) -> bool:
        """True when no DATABASE_URL is set: the SQLite file in the data directory is used."""
        return not self.database_url

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'inclusion-bot.db'}"

    def content_file(self, name: str, shipped: Path) -> Path:
        """The organisation's copy of a content file in CONTENT_DIR, else the shipped one."""
        if self.content_dir is not None and (self.content_dir / name).is_file():
            return self.content_dir / name
        return shipped

    @property
    def reminder_ladder(self) -> list[int]:
        """Hours after a check-in at which reminders go out, cut to the configured cap."""
        return self.reminder_after_hours[: self.reminder_cap]

    def announcement_channel_for(self, platform: str, tenant: str) -> Address | None:
        """The announcements channel on the leader's own platform and workspace, if configured."""
        for text in self.announcements_channel:
            address = Address.parse(text, kind="channel")
            if address.platform == platform and address.tenant == tenant:
                return address
        return None
