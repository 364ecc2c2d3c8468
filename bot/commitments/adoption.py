"""Adopting a pack and setting up its actions: which actions the organisation takes on (the
choose form), and each one's owner, due date, quick win and next steps (the assign form).

Every save of an action adds an ``ActionChange`` row, so editing keeps who owned it and when it
was due; dropping an action only marks it inactive, so its statuses stay on record.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commitments.models import ActionChange, AdoptedAction, Adoption
from bot.conversation import Form, FormField, FormValue, Option, TextBlock
from bot.packs.content import Pack
from bot.store.models import Person
from bot.store.upsert import insert_new

CHOOSE_FORM = "commitments.choose"
ASSIGN_FORM = "commitments.assign"
NEXT_STEPS_LIMIT = 1000


def adopt(
    session: Session, platform: str, tenant: str, pack: Pack, by: Person, now: datetime
) -> Adoption:
    """The organisation's adoption of ``pack``, made once (a race makes one row)."""
    insert_new(
        session,
        Adoption,
        [
            {
                "platform": platform,
                "tenant": tenant,
                "pack_id": pack.id,
                "adopted_by": by.id,
                "adopted_at": now,
            }
        ],
        ["platform", "tenant", "pack_id"],
    )
    found = session.scalar(
        select(Adoption).where(
            Adoption.platform == platform, Adoption.tenant == tenant, Adoption.pack_id == pack.id
        )
    )
    assert found is not None
    return found


def choose_form(pack: Pack, adoption: Adoption | None) -> Form:
    """The actions to take on, ticked as chosen so far (none before the pack is adopted)."""
    chosen = {a.action_id for a in adoption.actions if a.active} if adoption else set()
    fields = [
        FormField(
            name=f"actions_{c.number}",
            label=f"{c.number}. {c.title}",
            kind="multi_choice",
            required=False,
            options=[Option(value=a.id, label=a.text) for a in c.actions],
            # The commitment's editors' note (at most 300 characters: within every
            # platform's hint).
            hint=c.note or None,
            default=[a.id for a in c.actions if a.id in chosen],
        )
        for c in pack.commitments
    ]
    return Form(
        form_id=CHOOSE_FORM,
        title="Choose actions",
        intro=[
            TextBlock(text=pack.title, style="heading"),
            TextBlock(
                text="Choose the actions your organisation takes on. You give each an owner "
                "and a due date next, from the board. Unticking one keeps its history.",
                style="context",
            ),
        ],
        fields=fields,
        submit_label="Save",
        context=pack.id,
    )


def chosen_ids(pack: Pack, values: dict[str, FormValue]) -> list[str]:
    ids: list[str] = []
    for commitment in pack.commitments:
        picked = values.get(f"actions_{commitment.number}")
        if isinstance(picked, list):
            ids += [str(v) for v in picked]
    return ids


def record_change(session: Session, action: AdoptedAction, by: Person, now: datetime) -> None:
    session.add(
        ActionChange(
            adopted_action_id=action.id,
            changed_at=now,
            changed_by=by.id,
            owner_id=action.owner_id,
            due_on=action.due_on,
            quick_win=action.quick_win,
            next_steps=action.next_steps,
            active=action.active,
        )
    )


def set_actions(
    session: Session, adoption: Adoption, wanted: list[str], by: Person, now: datetime
) -> tuple[int, int]:
    """Take on ``wanted`` and drop the others; (added, dropped)."""
    existing = {a.action_id: a for a in adoption.actions}
    added = dropped = 0
    for action_id in wanted:
        action = existing.get(action_id)
        if action is None:
            action = AdoptedAction(
                adoption_id=adoption.id,
                action_id=action_id,
                quick_win=False,
                next_steps="",
                active=True,
            )
            session.add(action)
            adoption.actions.append(action)
        elif action.active:
            continue
        action.active = True
        session.flush()
        record_change(session, action, by, now)
        added += 1
    for action_id, action in existing.items():
        if action.active and action_id not in wanted:
            action.active = False
            record_change(session, action, by, now)
            dropped += 1
    return added, dropped


def people_of(session: Session, platform: str, tenant: str) -> list[Person]:
    """Whom an action can be given to: people the bot knows in this organisation (leaders,
    admins, anyone who typed /commitments). A platform such as Teams lets the bot write only
    to people who have talked to it, and a reporter is never a Person, so nobody else is."""
    return list(
        session.scalars(
            select(Person)
            .where(Person.platform == platform, Person.tenant == tenant)
            .order_by(Person.display_name, Person.user_id)
        )
    )


def assign_form(pack: Pack, action: AdoptedAction, people: list[Person], today: date) -> Form:
    found = pack.action(action.action_id)
    text = found[1].text if found else action.action_id
    return Form(
        form_id=ASSIGN_FORM,
        title="Owner and due date",
        intro=[
            TextBlock(text=f"{pack.title}: {action.action_id}", style="heading"),
            TextBlock(text=text),
            TextBlock(
                text="Not in the list? Ask them to type /commitments to me once, so I can "
                "write to them privately.",
                style="context",
            ),
        ],
        fields=[
            FormField(
                name="owner",
                label="Owner",
                kind="choice",
                options=[
                    Option(value=str(p.id), label=p.display_name or p.user_id) for p in people
                ],
                default=str(action.owner_id) if action.owner_id else None,
            ),
            FormField(
                name="due",
                label="Due date",
                kind="date",
                hint="year-month-day, e.g. " + today.replace(day=28).isoformat(),
                default=action.due_on.isoformat() if action.due_on else None,
            ),
            FormField(
                name="quick_win",
                label="A quick win?",
                kind="choice",
                options=[Option(value="yes", label="Yes"), Option(value="no", label="No")],
                default="yes" if action.quick_win else "no",
            ),
            FormField(
                name="next_steps",
                label="Next steps (optional)",
                kind="long_text",
                required=False,
                max_length=NEXT_STEPS_LIMIT,
                default=action.next_steps or None,
            ),
        ],
        submit_label="Save",
        context=str(action.id),
    )


def assign(
    session: Session,
    action: AdoptedAction,
    owner_id: int,
    due_on: date,
    quick_win: bool,
    next_steps: str,
    by: Person,
    now: datetime,
) -> bool:
    """Save the owner, due date and the rest; False when nothing changed (no history row)."""
    new = (owner_id, due_on, quick_win, next_steps)
    if new == (action.owner_id, action.due_on, action.quick_win, action.next_steps):
        return False
    if due_on != action.due_on:
        action.overdue_told_on = None  # a new due date may be told about again
    if owner_id != action.owner_id:
        action.asked_period = None  # a new owner is asked at their next check-in
    action.owner_id, action.due_on, action.quick_win, action.next_steps = new
    record_change(session, action, by, now)
    return True
