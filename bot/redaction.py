"""Keeping people's identifiers out of every log line, the platform SDKs' included.

Bolt logs whole request bodies at DEBUG, and an exception message can quote a payload. Rather
than trust every library's loggers, the log record factory redacts each record as it is made:
Slack user, workspace and conversation ids, Teams and Azure AD ids, e-mail addresses and report
receipts (case references, passphrases), in the message and its arguments, at every level,
before any handler (a file, stderr, a test's capture) sees it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

PATTERNS = re.compile(
    # Slack users (U…, W…), workspaces (T…), organisations (E…), bots (B…) and conversations
    # (C…, G…, and D…: a person's direct messages with the bot, as telling as their user id).
    r"\b[UWTEBCDG][A-Z0-9]{8,12}\b"
    # Teams user ids (29:…), bot ids (28:…), 8:orgid:…, and personal conversations (a:…); long
    # enough that a clock time ("10:29:45") is left alone.
    r"|\b(?:29|28|8|a):[\w.:\-]{12,}"
    r"|\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"  # e-mail addresses
    # A report's receipt: platform SDKs log request bodies at DEBUG, and with a case reference
    # and its passphrase anyone reading the log could read and answer as the reporter.
    r"|\bR-[0-9A-Z]{4}-[0-9A-Z]{4}\b"
    r"|\b[0-9A-Z]{5}(?:-[0-9A-Z]{5}){4}\b"
)
REDACTED = "[redacted]"

_installed = False


def redact(text: str) -> str:
    return PATTERNS.sub(REDACTED, text)


def install() -> None:
    """Make every new log record redacted. Idempotent; safe to call from every entry point."""
    global _installed
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
