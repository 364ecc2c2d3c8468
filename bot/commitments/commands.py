"""``/commitments`` and its buttons and forms: adopting organisation packs, choosing and
assigning actions (admins), the board, and owners' answers."""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import select

from bot.commitments import adoption as adopting
from bot.commitments.board import board, board_message, figures, find_adoption, row_lines
from bot.commitments.checkins import STATUS_ACTION, checkin_message, offered, record
from bot.commitments.due import local_today
from bot.commitments.models import AdoptedAction, Adoption, OwnerCheckin
from bot.commitments.periods import CADENCE_WORDS
from bot.conversation import (
    ActionEvent,
    ActionsBlock,
    Block,
    Button,
    FormErrors,
    FormEvent,
    Message,
    OpenForm,
    Reply,
    Say,
    TextBlock,
    Update,
    text_message,
)
from bot.dates import long_date
from bot.features import Weekly
from bot.forms import validate
from bot.packs.content import NO_PACKS, Pack, Packs
from bot.people import find_person, person_for
from bot.turn import Turn

HELP = (
    "/commitments: the actions you own in your organisation's packs; admins see every pack\n"
    "/commitments adopt PACK: adopt a pack and choose its actions (admins only)\n"
    "/commitments PACK: a pack's board: owners, due dates, statuses, colours (admins only)"
)
MAX_ID = 2**31 - 1


def _as_id(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def _private(text: str) -> Say:
    return Say(message=text_message(text), ephemeral=True)


def _packs(turn: Turn) -> Packs:
    """The loaded packs (none in a process built without them: then there is nothing to
    adopt, rather than an error)."""
    return turn.resources.get(Packs, NO_PACKS)


def _organisation_packs(turn: Turn) -> tuple[Pack, ...]:
    return _packs(turn).of_mode("organisation")


def _pack(turn: Turn, word: str) -> Pack | None:
    found = _packs(turn).get(word)
    return found if found is not None and found.mode == "organisation" else None


def _unknown_pack(turn: Turn, word: str) -> list[Reply]:
    ids = ", ".join(p.id for p in _organisation_packs(turn))
    personal = _packs(turn).get(word.lower())
    if personal is not None:  # the pledge: signed by each leader, never adopted
        return [
            turn.say(
                text_message(
                    f"“{personal.id}” is a personal pack: each leader signs it with /pledge, "
                    f"so it isn't adopted. The organisation packs are: {ids}."
                )
            )
        ]
    return [turn.say(text_message(f"I don't know the pack “{word}”. The packs are: {ids}."))]


def _not_admin(turn: Turn) -> list[Reply]:
    return [
        turn.say(
            text_message(
                "Adopting packs and the boards are for your organisation's D&I lead. An "
                f"operator can grant you that role with: inclusion-bot admins add "
                f"{turn.actor.address}"
            )
        )
    ]


def _today(turn: Turn) -> date:
    return local_today(turn.now, turn.settings)


def on_command(turn: Turn, args: str) -> list[Reply]:
    word, _, rest = args.strip().partition(" ")
    word = word.lower()
    if word == "help":
        return [turn.say(text_message(HELP))]
    if word in ("", "mine") and (word == "mine" or not turn.is_admin()):
        return [turn.say(_mine(turn))]
    if not turn.is_admin():
        return _not_admin(turn)
    if word == "":
        return [turn.say(_overview(turn))]
    if word == "adopt":
        pack = _pack(turn, rest.strip().lower())
        if pack is None:
            return _unknown_pack(turn, rest.strip())
        # The adoption is made when the form is saved: a cancelled form leaves nothing.
        adoption = find_adoption(turn.session, turn.actor.platform, turn.actor.tenant, pack.id)
        return [OpenForm(form=adopting.choose_form(pack, adoption))]
    pack = _pack(turn, word)
    if pack is None:
        return _unknown_pack(turn, word)
    return [turn.say(_board(turn, pack))]


def _board(turn: Turn, pack: Pack) -> Message:
    adoption = find_adoption(turn.session, turn.actor.platform, turn.actor.tenant, pack.id)
    if adoption is None:
        return text_message(
            f"{pack.title} is not adopted yet. /commitments adopt {pack.id} adopts it."
        )
    return board_message(board(turn.session, adoption, pack, _today(turn)))


def _overview(turn: Turn) -> Message:
    blocks: list[Block] = [TextBlock(text="Commitment packs", style="heading")]
    for pack in _organisation_packs(turn):
        adoption = find_adoption(turn.session, turn.actor.platform, turn.actor.tenant, pack.id)
        blocks.append(TextBlock(text=f"{pack.title} ({pack.id})", style="heading"))
        if adoption is None:
            blocks.append(
                TextBlock(
                    text=f"Not adopted. /commitments adopt {pack.id} to choose its actions.",
                    style="context",
                )
            )
            continue
        found = board(turn.session, adoption, pack, _today(turn))
        owned = sum(1 for r in found.rows if r.owner)
        overdue = sum(1 for r in found.rows if r.overdue)
        blocks.append(
            TextBlock(
                text=f"{len(found.rows)} action(s), {owned} with an owner, {overdue} overdue. "
                f"Owners are asked {CADENCE_WORDS[pack.cadence]}.",
                style="context",
            )
        )
        blocks.append(
            ActionsBlock(
                buttons=[Button(action_id="commitments.board", value=pack.id, label="Board")]
            )
        )
    return Message(blocks=blocks)


def summary(turn: Turn, pack_id: str) -> Message | None:
    """The admins' summary of one organisation pack (``/pledge summary PACK``): the board's
    figures without its rows."""
    pack = _pack(turn, pack_id)
    if pack is None:
        return None
    adoption = find_adoption(turn.session, turn.actor.platform, turn.actor.tenant, pack.id)
    if adoption is None:
        return text_message(
            f"{pack.title} is not adopted yet. /commitments adopt {pack.id} adopts it."
        )
    found = board(turn.session, adoption, pack, _today(turn))
    blocks: list[Block] = [
        TextBlock(text=f"{pack.title}: summary", style="heading"),
        TextBlock(
            text=f"{len(found.rows)} action(s) adopted, "
            f"{sum(1 for r in found.rows if r.owner)} with an owner. "
            f"The board: /commitments {pack.id}",
            style="context",
        ),
        *figures(found),
    ]
    if found.rows:
        # Each action with its owner, due date and latest status: what the README promises,
        # one line each, without the board's words and buttons.
        blocks.append(TextBlock(text="Actions", style="heading"))
        blocks.append(
            TextBlock(
                text="\n".join(
                    f"{row.action_id}"
                    + (f" ({row.colour})" if row.colour else "")
                    + f": {row_lines(row)}"
                    for row in found.rows
                )
            )
        )
    return Message(blocks=blocks)


def _mine(turn: Turn) -> Message:
    """What the asker owns, across packs. Asking makes the bot know them, so an admin can
    then give them actions (only people the bot knows can be owners)."""
    person = person_for(turn.session, turn.actor)
    rows = turn.session.execute(
        select(AdoptedAction, Adoption)
        .join(Adoption, Adoption.id == AdoptedAction.adoption_id)
        .where(AdoptedAction.owner_id == person.id, AdoptedAction.active.is_(True))
        .order_by(Adoption.pack_id, AdoptedAction.id)
    ).all()
    if not rows:
        return text_message(
            "You don't own any of your organisation's actions yet. Your D&I lead can now give "
            "you some; I'll check in with you when they do."
        )
    blocks: list[Block] = [TextBlock(text="The actions you own", style="heading")]
    packs = _packs(turn)
    for adoption_id in dict.fromkeys(r[1].id for r in rows):
        adoption = next(r[1] for r in rows if r[1].id == adoption_id)
        pack = packs.get(adoption.pack_id)
        if pack is None:
            continue
        mine = {r[0].id for r in rows if r[1].id == adoption_id}
        found = board(turn.session, adoption, pack, _today(turn))
        blocks.append(TextBlock(text=pack.title, style="heading"))
        for row in found.rows:
            if row.adopted_action_id in mine:
                blocks.append(TextBlock(text=f"{row.action_id} {row.text}"))
                blocks.append(TextBlock(text=row_lines(row), style="context"))
    return Message(blocks=blocks)


def on_action(turn: Turn, action: ActionEvent) -> list[Reply]:
    if action.action_id == STATUS_ACTION:
        return _press_status(turn, action.value)
    if not turn.is_admin():
        return _not_admin(turn)
    if action.action_id == "commitments.board":
        pack = _pack(turn, action.value)
        return [turn.say(_board(turn, pack))] if pack else [_private("That button has expired.")]
    if action.action_id == "commitments.assign":
        found = _adopted(turn, action.value)
        if found is None:
            return [_private("That action is no longer on the board.")]
        adopted, pack = found
        people = adopting.people_of(turn.session, turn.actor.platform, turn.actor.tenant)
        return [OpenForm(form=adopting.assign_form(pack, adopted, people, _today(turn)))]
    return [_private("That button has expired.")]


def _adopted(turn: Turn, raw: str) -> tuple[AdoptedAction, Pack] | None:
    """An adopted action of the asker's own organisation, still active, by id."""
    action_id = _as_id(raw)
    adopted = turn.session.get(AdoptedAction, action_id) if action_id else None
    if adopted is None or not adopted.active:
        return None
    adoption = adopted.adoption
    if (adoption.platform, adoption.tenant) != (turn.actor.platform, turn.actor.tenant):
        return None
    pack = _pack(turn, adoption.pack_id)
    return (adopted, pack) if pack else None


def _press_status(turn: Turn, value: str) -> list[Reply]:
    raw_checkin, _, rest = value.partition(":")
    raw_action, _, status = rest.partition(":")
    checkin_id, action_id = _as_id(raw_checkin), _as_id(raw_action)
    checkin = turn.session.get(OwnerCheckin, checkin_id) if checkin_id else None
    adopted = turn.session.get(AdoptedAction, action_id) if action_id else None
    person = find_person(turn.session, turn.actor)
    if checkin is None or adopted is None or person is None or checkin.person_id != person.id:
        return [_private("That check-in isn't yours, or it has expired.")]
    if adopted.owner_id != person.id or not adopted.active:
        return [_private("That action is no longer yours, so I left it as it is.")]
    pack = _packs(turn).get(adopted.adoption.pack_id)
    found = pack.action(adopted.action_id) if pack else None
    if pack is None or found is None or status not in {s.key for s in offered(pack, found[1])}:
        return [_private("That button has expired.")]
    record(turn.session, checkin, adopted, status, person.id, turn.now)
    turn.session.flush()
    weekly = turn.resources.find(Weekly)
    if checkin.host and weekly is not None:  # redraw the whole message it rides in
        redrawn = weekly.redraw(
            checkin.host, turn.session, person.id, checkin.week_of, turn.resources
        )
    else:
        redrawn = checkin_message(turn.session, _packs(turn), checkin, _today(turn))
    if redrawn is None:
        return [_private("Saved.")]
    return [Update(message=redrawn)]


def on_form(turn: Turn, form: FormEvent) -> list[Reply]:
    if not turn.is_admin():
        return _not_admin(turn)
    if form.form_id == adopting.CHOOSE_FORM:
        return _choose(turn, form)
    if form.form_id == adopting.ASSIGN_FORM:
        return _assign(turn, form)
    return [_private("That form has expired.")]


def _choose(turn: Turn, form: FormEvent) -> list[Reply]:
    pack = _pack(turn, form.context)
    if pack is None:
        return [_private("That form has expired.")]
    adoption = find_adoption(turn.session, turn.actor.platform, turn.actor.tenant, pack.id)
    definition = adopting.choose_form(pack, adoption)
    values, errors = validate(definition, form.values)
    if errors:
        return [FormErrors(form_id=form.form_id, errors=errors)]
    wanted = adopting.chosen_ids(pack, values)
    if not wanted:
        first = definition.fields[0].name
        return [FormErrors(form_id=form.form_id, errors={first: "Choose at least one action."})]
    person = person_for(turn.session, turn.actor)
    if adoption is None:
        adoption = adopting.adopt(
            turn.session, turn.actor.platform, turn.actor.tenant, pack, person, turn.now
        )
    added, dropped = adopting.set_actions(turn.session, adoption, wanted, person, turn.now)
    turn.session.flush()
    said = f"Saved: {len(wanted)} action(s) chosen ({added} added, {dropped} dropped). "
    said += "Give each an owner and a due date with its Assign button."
    return [turn.say(text_message(said)), turn.say(_board(turn, pack))]


#: The furthest a due date may be: a typo such as 9999-12-31 would otherwise never be overdue
#: nor nudged.
DUE_YEARS = 10


def _latest_due(today: date) -> date:
    try:
        return today.replace(year=today.year + DUE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + DUE_YEARS, day=28)


def _assign(turn: Turn, form: FormEvent) -> list[Reply]:
    found = _adopted(turn, form.context)
    if found is None:
        return [_private("That action is no longer on the board.")]
    adopted, pack = found
    people = adopting.people_of(turn.session, turn.actor.platform, turn.actor.tenant)
    definition = adopting.assign_form(pack, adopted, people, _today(turn))
    values, errors = validate(definition, form.values)
    due = str(values.get("due") or "")
    when = date.fromisoformat(due) if due and "due" not in errors else None
    if when is not None and when < _today(turn) and when != adopted.due_on:
        errors["due"] = f"Due date: {long_date(when)} has passed; give today or a later date."
    elif when is not None and when > _latest_due(_today(turn)) and when != adopted.due_on:
        errors["due"] = (
            f"Due date: {long_date(when)} is more than {DUE_YEARS} years away; give a date "
            f"by {long_date(_latest_due(_today(turn)))}."
        )
    if errors:
        return [FormErrors(form_id=form.form_id, errors=errors)]
    owner_id = int(cast(str, values["owner"]))
    person = person_for(turn.session, turn.actor)
    changed = adopting.assign(
        turn.session,
        adopted,
        owner_id,
        date.fromisoformat(due),
        values["quick_win"] == "yes",
        cast(str, values["next_steps"]),
        person,
        turn.now,
    )
    if not changed:
        return [turn.say(text_message("Nothing changed."))]
    turn.session.flush()
    owner = adopted.owner
    assert owner is not None
    text = (
        f"Saved: {owner.display_name or owner.user_id} owns {adopted.action_id}, due "
        f"{long_date(date.fromisoformat(due))}. I'll include it in their check-ins."
    )
    return [turn.say(text_message(text)), turn.say(_board(turn, pack))]
