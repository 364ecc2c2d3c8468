"""LOG_FORMAT: text by default, or one JSON object per line, redacted either way (the record
factory in bot/redaction.py redacts each record before any formatter sees it)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from adapters.platforms import Settings
from bot import redaction
from bot.logs import TEXT_FORMAT, JsonFormatter

SLACK_USER = "U0123ABCD9"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing JSON lines to a buffer, as LOG_FORMAT=json makes the root logger do."""
    redaction.install()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.json_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, out
    logger.removeHandler(handler)


def lines(out: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_json_line_has_the_fields_and_a_slack_user_id_comes_out_redacted(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = captured
    logger.warning("check-in for %s could not be sent", SLACK_USER)
    [line] = lines(out)
    assert set(line) == {"timestamp", "level", "logger", "message"}
    assert line["level"] == "WARNING"
    assert line["logger"] == "tests.json_logs"
    assert line["message"] == "check-in for [redacted] could not be sent"
    assert datetime.fromisoformat(line["timestamp"]).utcoffset() is not None
    assert SLACK_USER not in out.getvalue()


def test_an_exception_is_one_field_of_one_line_and_redacted_too(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = captured
    try:
        raise LookupError(f"no conversation with {SLACK_USER}\nsecond line")
    except LookupError:
        logger.exception("sending failed")
    assert len(out.getvalue().splitlines()) == 1  # the traceback's newlines are escaped
    [line] = lines(out)
    assert line["message"] == "sending failed"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert "LookupError: no conversation with [redacted]" in line["exception"]
    assert SLACK_USER not in out.getvalue()


def test_text_is_the_default_and_json_is_chosen_in_any_case(tmp_path: Path) -> None:
    assert Settings(_env_file=None, data_dir=tmp_path).log_format == "text"  # type: ignore[call-arg]
    chosen = Settings(_env_file=None, data_dir=tmp_path, log_format=" JSON ")  # type: ignore[call-arg]
    assert chosen.log_format == "json"
    with pytest.raises(ValueError, match="'text' or 'json'"):
        Settings(_env_file=None, data_dir=tmp_path, log_format="xml")  # type: ignore[call-arg]
    assert "%(message)s" in TEXT_FORMAT
