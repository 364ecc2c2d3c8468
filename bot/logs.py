"""Log output: readable text by default, or one JSON object per line (LOG_FORMAT=json).

Identifiers are redacted before any of this runs: bot/redaction.py rewrites every record as it
is created, so both formats, and every library's loggers, print redacted text.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from bot import redaction

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: timestamp (UTC, ISO 8601), level, logger, message, and
    exception (the traceback) when there is one.

    Written here on the standard library rather than taken from a package (python-json-logger,
    structlog): it is a dozen lines, log collectors (Loki, CloudWatch, Elastic) need nothing
    more than these fields, and it keeps the redaction in one place (the record factory)
    instead of trusting a formatter library's own handling of messages and tracebacks.
    """

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # The redaction factory has already put the redacted traceback in exc_text.
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


def configure(level: str, fmt: str = "text") -> None:
    """Set up the root logger once per process (a no-op if it already has handlers, as under
    a test runner), and install the redaction first so no record escapes it."""
    redaction.install()
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler])
