"""The Teams app package: manifest.json and two icons, zipped for sideloading or admin upload.

The icons are drawn here with the standard library (zlib and struct make a PNG), so the
package needs no image files or imaging library: a 192×192 colour icon and the 32×32 outline
icon Teams requires to be white on transparent.
"""

from __future__ import annotations

import io
import json
import math
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlsplit

from bot.catalogue import COMMANDS
from bot.features import Command

MANIFEST_VERSION = "1.16"
SCHEMA = (
    f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}"
    "/MicrosoftTeams.schema.json"
)
ACCENT = (0x2C, 0x2D, 0x72)
WHITE = (0xFF, 0xFF, 0xFF)
DEFAULT_WEBSITE = "https://ipinclusive.org.uk/the-ip-inclusive-senior-leaders-pledge/"
#: Teams shows at most 10 commands in each of a bot's command menus ("Each menu supports up
#: to 10 commands": https://learn.microsoft.com/microsoftteams/platform/resources/bot-v3/
#: bots-menus); a longer list would not be shown as registered, so it is refused.
MENU_LIMIT = 10

Pixel = tuple[int, int, int, int]


def _https(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"{what} must be an https:// URL, e.g. https://bot.example.org")
    return url


def manifest(
    app_id: str,
    *,
    bot_url: str | None = None,
    website_url: str = DEFAULT_WEBSITE,
    privacy_url: str,
    terms_url: str,
    developer: str = "inclusion-bot",
    commands: Sequence[Command] = COMMANDS,
) -> dict[str, Any]:
    """The manifest for the Azure Bot ``app_id`` (its Microsoft App ID, a GUID)."""
    try:
        app_id = str(uuid.UUID(app_id))
    except ValueError:
        raise ValueError(
            f"{app_id!r} is not an app id: use the Azure Bot's Microsoft App ID, a GUID like "
            "00000000-0000-0000-0000-000000000000"
        ) from None
    website = _https(website_url, "--website-url")
    domains = [urlsplit(_https(bot_url, "--url")).netloc] if bot_url else []
    menu = [{"title": c.name, "description": c.summary} for c in commands]
    # An anonymous command is offered only in the personal scope: never where others read.
    shared = [item for item, c in zip(menu, commands, strict=True) if not c.anonymous]
    if len(menu) > MENU_LIMIT:
        raise ValueError(
            f"Teams shows at most {MENU_LIMIT} commands in a bot's menu and {len(menu)} are "
            "registered: fold some into another command's words (like /pledge progress) "
            "before building the Teams app."
        )
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": _version(),
        "id": app_id,
        "developer": {
            "name": developer,
            "websiteUrl": website,
            "privacyUrl": _https(privacy_url, "TEAMS_PRIVACY_URL (--privacy-url)"),
            "termsOfUseUrl": _https(terms_url, "TEAMS_TERMS_URL (--terms-url)"),
        },
        "name": {"short": "inclusion-bot", "full": "inclusion-bot: keep inclusion promises"},
        "description": {
            "short": "Keeps diversity and inclusion promises, privately and on time.",
            "full": (
                "inclusion-bot helps an organisation keep its diversity and inclusion promises. "
                "Leaders who signed the IP Inclusive Senior Leaders' Pledge get a private weekly "
                "check-in on the practical steps they chose and a record of their progress; the "
                "D&I lead sees a summary. Channels get awareness dates correct for their region, "
                "and staff can report racism or harassment anonymously to designated handlers."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": app_id,
                # Where activities.py answers: 1:1 chats, team channels, and group chats.
                "scopes": ["personal", "team", "groupChat"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": menu},
                    {"scopes": ["team", "groupChat"], "commands": shared},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": domains,
    }


def _version() -> str:
    try:
        return version("inclusion-bot")
    except PackageNotFoundError:
        return "0.1.0"


def package(manifest_data: dict[str, Any]) -> bytes:
    """The app package (a zip with manifest.json, color.png and outline.png at its root)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest_data, indent=2, ensure_ascii=False))
        archive.writestr("color.png", colour_icon())
        archive.writestr("outline.png", outline_icon())
    return buffer.getvalue()


# --- icons -------------------------------------------------------------------------------------


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An RGBA PNG whose pixel at (x, y) is ``pixel(x, y)``."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _mark(size: int) -> Callable[[int, int], bool]:
    """The bot's mark: a ring around a dot, scaled to ``size``."""
    centre = (size - 1) / 2

    def inside(x: int, y: int) -> bool:
        distance = math.hypot(x - centre, y - centre)
        return size * 0.30 <= distance <= size * 0.42 or distance <= size * 0.13

    return inside


def colour_icon() -> bytes:
    """192×192: the white mark on the accent colour, filling the square."""
    inside = _mark(192)
    return png(192, 192, lambda x, y: (*WHITE, 255) if inside(x, y) else (*ACCENT, 255))


def outline_icon() -> bytes:
    """32×32: the mark in white on a transparent background, as Teams requires."""
    inside = _mark(32)
    return png(32, 32, lambda x, y: (*WHITE, 255) if inside(x, y) else (*WHITE, 0))
