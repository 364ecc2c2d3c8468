"""The check-in record as CSV or JSON: what `inclusion-bot export checkins` writes and the
dashboard's People page downloads, written once here so both give the same file."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from bot.pledge.progress import EXPORT_COLUMNS


def spreadsheet_safe(value: str | int) -> str | int:
    """Defuse formula injection: a cell a spreadsheet would evaluate starts with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write(rows: Iterator[dict[str, str | int]], fmt: str, out: TextIO) -> None:
    """``rows`` (``bot.pledge.progress.export_rows``) as ``fmt``, "csv" or "json"."""
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    else:
        json.dump(list(rows), out, ensure_ascii=False, indent=2)
        out.write("\n")
