"""The board of an adopted pack: every action with its owner, due date, latest status and
colour, plus the checklist's follow-up answers (counts per colour, quick wins).

``board()`` returns data, not chat: the chat's board (``board_message``), the admins' summary
and the web dashboard all draw from it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.commitments.models import ActionUpdate, AdoptedAction, Adoption
from bot.commitments.periods import CADENCE_WORDS
from bot.conversation import ActionsBlock, Block, Button, LinkBlock, Message, TextBlock
from bot.dates import long_date, short_date
from bot.packs.content import COLOURS, Pack
from bot.people import address_of
from bot.store.models import Person

BOARD_REF = "commitments.board"


@dataclass(frozen=True)
class BoardRow:
    """One adopted action as the board shows it."""

    adopted_action_id: int
    action_id: str
    commitment: int
    theme: str  # the theme's title, or ""
    text: str
    owner: str  # a display name, or "" when nobody owns it yet
    owner_address: str
    due_on: date | None
    status: str  # the latest status's key, or "" before any answer
    status_label: str
    colour: str  # red, amber, green, or "" before any answer
    answered_at: datetime | None
    overdue: bool
    quick_win: bool
    next_steps: str


@dataclass(frozen=True)
class Board:
    pack: Pack
    adoption_id: int
    adopted_at: datetime
    rows: tuple[BoardRow, ...]

    def colours(self, theme: str | None = None) -> Counter[str]:
        """Actions per colour ("" for not yet answered), in one theme or all."""
        return Counter(r.colour for r in self.rows if theme is None or r.theme == theme)

    @property
    def quick_wins(self) -> tuple[BoardRow, ...]:
        return tuple(r for r in self.rows if r.quick_win)


def find_adoption(session: Session, platform: str, tenant: str, pack_id: str) -> Adoption | None:
    return session.scalar(
        select(Adoption).where(
            Adoption.platform == platform, Adoption.tenant == tenant, Adoption.pack_id == pack_id
        )
    )


def latest_updates(session: Session, ids: list[int]) -> dict[int, ActionUpdate]:
    """The newest update per adopted action: only those rows are read, not every week's
    history (the tick asks this of every owned action on every run)."""
    if not ids:
        return {}
    newest = (
        select(func.max(ActionUpdate.id))
        .where(ActionUpdate.adopted_action_id.in_(ids))
        .group_by(ActionUpdate.adopted_action_id)
    )
    return {
        update.adopted_action_id: update
        for update in session.scalars(select(ActionUpdate).where(ActionUpdate.id.in_(newest)))
    }


def board(session: Session, adoption: Adoption, pack: Pack, today: date) -> Board:
    """Every active action of an adoption, in the pack's order (an action an organisation's
    edited pack no longer has is left out: it has no words to show)."""
    actions = session.scalars(
        select(AdoptedAction).where(
            AdoptedAction.adoption_id == adoption.id, AdoptedAction.active.is_(True)
        )
    ).all()
    latest = latest_updates(session, [a.id for a in actions])
    people = {
        p.id: p
        for p in session.scalars(
            select(Person).where(Person.id.in_({a.owner_id for a in actions if a.owner_id}))
        )
    }
    order = {a.id: i for i, a in enumerate(a for c in pack.commitments for a in c.actions)}
    rows = []
    for adopted in sorted(actions, key=lambda a: order.get(a.action_id, len(order))):
        found = pack.action(adopted.action_id)
        if found is None:
            continue
        commitment, action = found
        update = latest.get(adopted.id)
        status = pack.status(update.status) if update else None
        owner = people.get(adopted.owner_id) if adopted.owner_id else None
        rows.append(
            BoardRow(
                adopted_action_id=adopted.id,
                action_id=action.id,
                commitment=commitment.number,
                theme=pack.theme_title(commitment.theme),
                text=action.text,
                owner=(owner.display_name or owner.user_id) if owner else "",
                owner_address=str(address_of(owner)) if owner else "",
                due_on=adopted.due_on,
                status=status.key if status else "",
                status_label=status.label if status else "",
                colour=status.colour if status else "",
                answered_at=update.answered_at if update else None,
                overdue=bool(
                    adopted.due_on and adopted.due_on < today and not (status and status.settled)
                ),
                quick_win=adopted.quick_win,
                next_steps=adopted.next_steps,
            )
        )
    return Board(pack, adoption.id, adoption.adopted_at, tuple(rows))


def _counts(counts: Counter[str]) -> str:
    parts = [f"{counts[c]} {c}" for c in COLOURS]
    if counts[""]:
        parts.append(f"{counts['']} not answered yet")
    return ", ".join(parts)


def figures(found: Board) -> list[Block]:
    """The follow-up answers the board can give itself: counts per colour (by theme when the
    pack has themes) and the quick wins."""
    pack = found.pack
    blocks: list[Block] = [
        TextBlock(text="How many in each colour", style="heading"),
    ]
    lines = [f"All: {_counts(found.colours())}"]
    lines += [
        f"{t.title}: {_counts(found.colours(t.title))}"
        for t in pack.themes
        if any(r.theme == t.title for r in found.rows)
    ]
    blocks.append(TextBlock(text="\n".join(lines)))
    overdue = [r for r in found.rows if r.overdue]
    if overdue:
        blocks.append(TextBlock(text=f"{len(overdue)} overdue.", style="context"))
    blocks.append(TextBlock(text="Quick wins", style="heading"))
    wins = found.quick_wins
    blocks.append(
        TextBlock(
            text="\n".join(f"{r.action_id} {r.text}" for r in wins)
            if wins
            else "None marked yet: mark one when you assign it.",
            style="plain" if wins else "context",
        )
    )
    return blocks


def row_lines(row: BoardRow) -> str:
    owner = f"Owner: {row.owner}" if row.owner else "No owner yet"
    due = f"due {long_date(row.due_on)}" if row.due_on else "no due date"
    if row.status and row.answered_at:
        latest = f"{row.status_label} ({short_date(row.answered_at.date())})"
    else:
        latest = "no status yet"
    flags = [f for f, on in (("overdue", row.overdue), ("quick win", row.quick_win)) if on]
    return " · ".join([owner, due, latest, *flags])


def _about(pack: Pack) -> list[Block]:
    """Where the pack comes from and what it is for: the source document's own introduction,
    and its title as the bot's own link (or as words when it has no address)."""
    blocks: list[Block] = []
    if pack.intro:
        blocks.append(TextBlock(text=pack.intro, style="context"))
    if pack.source.url:
        blocks.append(LinkBlock(label=f"Source: {pack.source.title}", url=pack.source.url))
    else:
        blocks.append(TextBlock(text=f"Source: {pack.source.title}", style="context"))
    return blocks


def board_message(found: Board, *, buttons: bool = True) -> Message:
    pack = found.pack
    blocks: list[Block] = [
        TextBlock(text=pack.title, style="heading"),
        TextBlock(
            text=f"Adopted {long_date(found.adopted_at.date())}. Owners are asked "
            f"{CADENCE_WORDS[pack.cadence]}, at most once a week with everything they own.",
            style="context",
        ),
        *_about(pack),
    ]
    if not found.rows:
        blocks.append(
            TextBlock(text=f"No actions chosen yet: /commitments adopt {pack.id} to choose.")
        )
        return Message(blocks=blocks, ref=BOARD_REF)
    blocks += figures(found)
    theme = None
    commitment = None
    for row in found.rows:
        if row.theme and row.theme != theme:
            blocks.append(TextBlock(text=row.theme, style="heading"))
            theme = row.theme
        if row.commitment != commitment:
            shown = pack.commitment(row.commitment)
            blocks.append(TextBlock(text=f"{row.commitment}. {shown.title}", style="heading"))
            if shown.note:
                blocks.append(TextBlock(text=shown.note, style="context"))
            commitment = row.commitment
        colour = f"{row.colour.capitalize()}: " if row.colour else ""
        blocks.append(TextBlock(text=f"{colour}{row.action_id} {row.text}"))
        blocks.append(TextBlock(text=row_lines(row), style="context"))
        found_action = pack.action(row.action_id)
        if found_action is not None:
            action = found_action[1]
            # The editors' notes mark words reconstructed or explained: the owner must see them.
            if action.note:
                blocks.append(TextBlock(text=action.note, style="context"))
            blocks += [LinkBlock(label=link.label, url=link.url) for link in action.links]
        if row.next_steps:
            blocks.append(TextBlock(text=f"Next steps: {row.next_steps}", style="quote"))
        if buttons:
            blocks.append(
                ActionsBlock(
                    buttons=[
                        Button(
                            action_id="commitments.assign",
                            value=str(row.adopted_action_id),
                            label="Edit" if row.owner else "Assign",
                        )
                    ]
                )
            )
    if pack.follow_up:
        blocks.append(TextBlock(text="Follow-up questions to talk through", style="heading"))
        blocks.append(TextBlock(text="\n".join(pack.follow_up), style="context"))
    return Message(blocks=blocks, ref=BOARD_REF)
