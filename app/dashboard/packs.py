"""The Packs page: each organisation pack's board (owners, due dates, colours) in the admin's
workspace, filtered by owner, colour, theme and overdue. The board's rows are
``bot.commitments.board``'s, the same data as the chat's board and `/pledge summary PACK`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.commitments.board import Board, BoardRow, board, find_adoption
from bot.packs.content import COLOURS, Pack, Packs

if TYPE_CHECKING:
    from app.dashboard.web import Dashboard, Viewer

#: The colour filter's choices: the board's colours, and actions nobody has answered yet.
NOT_ANSWERED = "none"
#: The owner filter's choice for actions nobody owns yet.
NOBODY = "nobody"


@dataclass(frozen=True)
class Filters:
    """What the admin asked to see; an unknown value shows everything for that filter."""

    owner: str = ""
    colour: str = ""
    theme: str = ""
    overdue: bool = False

    def keep(self, row: BoardRow) -> bool:
        owner = row.owner_address or NOBODY
        colour = row.colour or NOT_ANSWERED
        return (
            (not self.owner or owner == self.owner)
            and (not self.colour or colour == self.colour)
            and (not self.theme or row.theme == self.theme)
            and (not self.overdue or row.overdue)
        )

    @property
    def any(self) -> bool:
        return bool(self.owner or self.colour or self.theme or self.overdue)


def _filters(query: Mapping[str, str], found: Board) -> Filters:
    owners = {row.owner_address or NOBODY for row in found.rows}
    themes = {row.theme for row in found.rows if row.theme}
    colours = {*COLOURS, NOT_ANSWERED}
    return Filters(
        owner=query.get("owner", "") if query.get("owner", "") in owners else "",
        colour=query.get("colour", "") if query.get("colour", "") in colours else "",
        theme=query.get("theme", "") if query.get("theme", "") in themes else "",
        overdue=query.get("overdue") == "1",
    )


def packs_page(
    dashboard: Dashboard, session: Session, viewer: Viewer, query: Mapping[str, str]
) -> Mapping[str, Any]:
    runtime = dashboard.runtime
    loaded = runtime.bot.resources.find(Packs)
    organisation: tuple[Pack, ...] = loaded.of_mode("organisation") if loaded else ()
    who = viewer.address
    adopted = {
        pack.id: adoption
        for pack in organisation
        if (adoption := find_adoption(session, who.platform, who.tenant, pack.id)) is not None
    }
    wanted = query.get("pack", "")
    chosen = next((p for p in organisation if p.id == wanted), None) or next(
        (p for p in organisation if p.id in adopted), None
    )
    context: dict[str, Any] = {
        "title": "Packs",
        "packs": organisation,
        "adopted": set(adopted),
        "chosen": chosen,
        "board": None,
    }
    if chosen is None or chosen.id not in adopted:
        return context
    found = board(session, adopted[chosen.id], chosen, runtime.clock.now().date())
    filters = _filters(query, found)
    rows = [row for row in found.rows if filters.keep(row)]
    owners = sorted({(row.owner_address, row.owner) for row in found.rows if row.owner_address})
    context.update(
        board=found,
        rows=rows,
        filters=filters,
        owners=[(address, name) for address, name in owners],
        themes=sorted({row.theme for row in found.rows if row.theme}),
        colours=COLOURS,
        counts=Counter(row.colour or NOT_ANSWERED for row in rows),
        nobody=NOBODY,
        not_answered=NOT_ANSWERED,
    )
    return context
