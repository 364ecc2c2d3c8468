"""Keeping people's identifiers out of every log line, the platform SDKs' included.

Bolt logs whole request bodies at DEBUG, and an exception message can quote a payload. Rather
than trust every library's loggers, the log record factory redacts each record as it is made:
Slack user and workspace ids, Teams and Azure AD ids, and e-mail addresses, in the message and
its arguments, at every level, before any handler (a file, stderr, a test's capture) sees it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

PATTERNS = re.compile(
    r"\b[UWTB][A-Z0-9]{8,12}\b"  # Slack users (U…, W…), workspaces (T…), bots (B…)
    r"|\b(?:29|28|8):[\w.:\-]+"  # Teams user ids (29:…), bot ids (28:…), orgid:…
    r"|\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"  # e-mail addresses
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
