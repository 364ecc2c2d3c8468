"""Records as CSV or JSON: what `inclusion-bot export checkins` and `inclusion-bot volunteers
export` write and the dashboard's People page downloads, written once here so both give the
same file; and the check-in record's rows (every pack's)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TextIO

from sqlalchemy.orm import Session

from bot.commitments.export import export_rows as organisation_rows
from bot.packs.content import PLEDGE_PACK, Packs
from bot.pledge.progress import EXPORT_COLUMNS, export_rows

Row = Mapping[str, object]
#: The check-in record's columns: the pledge's, after the pack each row belongs to.
CHECKIN_COLUMNS = ("pack", *EXPORT_COLUMNS)


def checkin_rows(session: Session, packs: Packs, pack_id: str | None = None) -> Iterator[Row]:
    """One row per status given, the pledge's then the organisation packs' (or one pack's)."""
    if pack_id in (None, PLEDGE_PACK):
        for row in export_rows(session):
            yield {"pack": PLEDGE_PACK, **row}
    if pack_id != PLEDGE_PACK:
        yield from organisation_rows(session, packs, pack_id)


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
