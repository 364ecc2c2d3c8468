"""Keeping people's identifiers out of every log line, the platform SDKs' included.

Bolt logs whole request bodies at DEBUG, and an exception message can quote a payload. Rather
than trust every library's loggers, the log record factory redacts each record as it is made:
Slack user, workspace and conversation ids, Teams and Azure AD ids, e-mail addresses and report
receipts (case references, passphrases), Slack response URLs and trigger ids, in the message
and its arguments (%-escapes decoded first), at every level, before any handler (a file,
stderr, a test's capture) sees it. Patterns cannot catch a report's words, so the libraries
that log payloads (``LIBRARY_LOGGERS``) are held at WARNING whatever LOG_LEVEL says.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote

#: What every surface may carry (platforms add their own ids: ``bot/platforms.py``).
COMMON = (
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"  # e-mail addresses
    # A report's receipt: platform SDKs log request bodies at DEBUG, and with a case reference
    # and its passphrase anyone reading the log could read and answer as the reporter.
    # Written as follow-up accepts them: any case, with dashes, spaces or (passphrase) neither.
    r"|\b[Rr][-\s][0-9A-Za-z]{4}[-\s]?[0-9A-Za-z]{4}\b"
    r"|\b[0-9A-Za-z]{5}(?:[-\s]?[0-9A-Za-z]{5}){4}\b"
)
_patterns: list[str] = [COMMON]
PATTERNS = re.compile(COMMON)
REDACTED = "[redacted]"

#: HTTP clients that log request and response bodies or URLs (case views, follow-ups,
#: conversation ids) at DEBUG or INFO; platforms add their SDKs'. They stay at WARNING or above
#: whatever LOG_LEVEL says: redaction works by pattern and cannot catch a report's words.
LIBRARY_LOGGERS = (
    "urllib3",
    "requests",
    "requests_oauthlib",
    "oauthlib",
    "aiohttp.access",
    "aiohttp.client",
    "aiohttp.server",
    "aiohttp.web",
    "jwt",
    "httpx",
    "httpcore",
)

_installed = False
_loggers: list[str] = list(LIBRARY_LOGGERS)


def add(patterns: tuple[str, ...], loggers: tuple[str, ...] = ()) -> None:
    """A platform's ids to redact and its SDK's loggers to quiet (``bot/platforms.py``)."""
    global PATTERNS
    for pattern in patterns:
        if pattern not in _patterns:
            _patterns.insert(-1, pattern)  # before the common ones, as they were written
    PATTERNS = re.compile("|".join(_patterns))
    _loggers.extend(name for name in loggers if name not in _loggers)
    if _installed:
        quiet_libraries()


def redact(text: str) -> str:
    """``text`` with identifiers replaced. %-escapes are decoded first (more than once, for
    doubly encoded URLs), or ``a%3A1Xy…`` in a URL would slip past the patterns."""
    for _ in range(3):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return PATTERNS.sub(REDACTED, text)


def quiet_libraries() -> None:
    """Hold the libraries' loggers at WARNING or above (a higher level set for one is kept)."""
    for name in _loggers:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


def install() -> None:
    """Make every new log record redacted, and the libraries' loggers quiet. Idempotent; safe
    to call from every entry point."""
    global _installed
    quiet_libraries()
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: keep the raw parts, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set, so the traceback is redacted too,
            # while exc_info stays for handlers that inspect the exception itself.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
