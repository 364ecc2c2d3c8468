"""Records as CSV or JSON: what `inclusion-bot export checkins` and `inclusion-bot volunteers
export` write and the dashboard's People page downloads, written once here so both give the
same file."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

Row = Mapping[str, object]


def spreadsheet_safe(value: object) -> object:
    """Defuse formula injection: a cell a spreadsheet would evaluate starts with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _cell(value: object) -> object:
    """A list (a volunteer's kinds, regions, years) as one cell, "a; b"."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    return spreadsheet_safe(value)


def write(rows: Iterable[Row], columns: Sequence[str], fmt: str, out: TextIO) -> None:
    """``rows`` as ``fmt``, "csv" (with ``columns``) or "json"."""
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})
    else:
        json.dump(list(rows), out, ensure_ascii=False, indent=2)
        out.write("\n")
