"""Case work from chat, for handlers: open a case, acknowledge, assign, message the reporter,
private notes, status and outcome. Every view and action is written to the audit log."""

from __future__ import annotations

import json
from typing import cast

from sqlalchemy import select

from bot.conversation import (
    ActionEvent,
    ActionsBlock,
    Block,
    Button,
    Form,
    FormErrors,
    FormEvent,
    FormField,
    Message,
    OpenForm,
    Option,
    Reply,
    Say,
    TextBlock,
    text_message,
)
from bot.dates import long_date
from bot.forms import validate
from bot.reports import registry
from bot.reports.intake import TEXT_LIMIT
from bot.reports.models import CaseAudit, CaseMessage, ReportCase, ReportHandler
from bot.reports.resources import Desk
from bot.turn import Turn

STATUSES = {
    "new": "New",
    "acknowledged": "Acknowledged",
    "investigating": "Investigating",
    "resolved": "Resolved",
    "closed": "Closed",
}
NOTHING = "There is nothing here for you."


def audit(turn: Turn, case: ReportCase, actor: str, action: str) -> None:
    turn.session.add(CaseAudit(case_id=case.id, actor=actor, action=action, at=turn.now))


def _mine(turn: Turn, raw_id: str) -> tuple[ReportCase, ReportHandler] | None:
    """The case and the handler asking, if they may see it; otherwise nothing, and the same
    nothing whether the case exists or not."""
    handler = registry.find(turn.session, turn.actor.address)
    if handler is None or not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 9:
        return None
    case = turn.session.get(ReportCase, int(raw_id))
    # Not before handlers are alerted: case ids are sequential, and a handler opening the next
    # one as it appears would learn the moment of filing that the delayed alert hides.
    if case is None or not case.alerted or not registry.can_see(handler, case):
        return None
    return case, handler


#: How the reporter knows, as the handler reads it (the form's answers are optional).
ROLES = {
    "target": "it happened to the reporter",
    "witness": "the reporter saw or heard it",
    "told": "someone told the reporter about it",
    "not_say": "the reporter preferred not to say how they know",
}


def assigned(turn: Turn, case: ReportCase) -> str:
    """Who the case is assigned to, by name if the handler has one."""
    who = turn.session.get(ReportHandler, case.assignee_id) if case.assignee_id else None
    if who is None:
        return "not assigned"
    return f"assigned to {who.name or registry.address(who)}"


def view(turn: Turn, desk: Desk, case: ReportCase) -> Message:
    """The whole case for a handler. Shown privately (ephemeral), never as a plain message:
    chat exports reach message history."""
    category = desk.category(case.category)
    blocks: list[Block] = [
        TextBlock(
            text=f"Case {case.reference}: {category.label if category else case.category}",
            style="heading",
        ),
        TextBlock(
            text=f"Received on {long_date(case.received_on)}. Status: "
            f"{STATUSES.get(case.status, case.status)}; {assigned(turn, case)}.",
            style="context",
        ),
    ]
    if case.purged or case.content is None:
        blocks.append(TextBlock(text="The content was deleted after the retention period."))
        return Message(blocks=blocks, confidential=True)
    content = json.loads(desk.vault.open(case.content))
    blocks.append(TextBlock(text=content["what"], style="quote"))
    details = [ROLES.get(content.get("role") or "", "the reporter did not say how they know")]
    if content.get("when"):
        details.append(f"when: {content['when']}")
    if content.get("where"):
        details.append(f"where: {content['where']}")
    details.append(
        f"reporter: {content['identity']}"
        if content.get("identity")
        else "the reporter chose to stay anonymous"
    )
    blocks.append(TextBlock(text="; ".join(details), style="context"))
    if case.outcome:
        blocks.append(TextBlock(text=f"Outcome: {desk.vault.open(case.outcome)}"))
    thread = turn.session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
    ).all()
    for item in thread:
        if item.body is None:
            continue
        who = {
            "to_reporter": "To the reporter",
            "from_reporter": "From the reporter",
            "note": "Private note",
        }[item.kind]
        blocks.append(TextBlock(text=f"{who}, {long_date(item.sent_on)}:", style="context"))
        blocks.append(TextBlock(text=desk.vault.open(item.body), style="quote"))
    value = str(case.id)
    buttons = (
        [Button(action_id="report.ack", value=value, label="Acknowledge", style="primary")]
        if case.status == "new"
        else []
    )
    if case.status == "closed":
        buttons += [Button(action_id="report.reopen", value=value, label="Reopen the case")]
    else:
        buttons += [
            Button(action_id="report.assign", value=value, label="Assign to me"),
            Button(action_id="report.message", value=value, label="Message the reporter"),
            Button(action_id="report.note", value=value, label="Add a private note"),
            Button(action_id="report.status", value=value, label="Set status"),
        ]
    blocks.append(ActionsBlock(buttons=buttons))
    return Message(blocks=blocks, ref=f"case:{case.id}", confidential=True)


def _text_form(form_id: str, title: str, label: str, case: ReportCase) -> Form:
    return Form(
        form_id=form_id,
        title=title,
        fields=[FormField(name="text", label=label, kind="long_text", max_length=TEXT_LIMIT)],
        context=str(case.id),
        submit_label="Save",
    )


def _status_form(case: ReportCase) -> Form:
    return Form(
        form_id="report.status",
        title="Case status",
        context=str(case.id),
        submit_label="Save",
        fields=[
            FormField(
                name="status",
                label="Status",
                kind="choice",
                default=case.status if case.status != "new" else "acknowledged",
                # "New" is where a case starts, not somewhere to send it back to; a closed
                # case is reopened with its own, audited, action.
                options=[Option(value=k, label=v) for k, v in STATUSES.items() if k != "new"],
            ),
            FormField(
                name="outcome",
                label="Outcome: the reporter will see it (needed to close the case)",
                kind="long_text",
                required=False,
                max_length=TEXT_LIMIT,
            ),
        ],
    )


def on_action(turn: Turn, desk: Desk, action: ActionEvent) -> list[Reply]:
    found = _mine(turn, action.value)
    if found is None:
        return [Say(message=text_message(NOTHING), ephemeral=True)]
    case, handler = found
    me = str(registry.address(handler))
    name = action.action_id
    if name == "report.open":
        audit(turn, case, me, "viewed")
        return [Say(message=view(turn, desk, case), ephemeral=True)]
    if name == "report.ack":
        if case.status == "new":
            case.status = "acknowledged"
            case.acknowledged_on = turn.now.date()
            case.deadline_stage = ""
            case.deadline_check_at = turn.now
            audit(turn, case, me, "acknowledged")
        return [Say(message=view(turn, desk, case), ephemeral=True)]
    if name == "report.reopen":
        if case.status == "closed" and not case.purged:
            set_status(turn, case, "investigating", None, desk)
            audit(turn, case, me, "reopened")
        return [Say(message=view(turn, desk, case), ephemeral=True)]
    if case.status == "closed" and name != "report.open":
        return [Say(message=view(turn, desk, case), ephemeral=True)]  # reopen it first
    if name == "report.assign":
        case.assignee_id = handler.id
        audit(turn, case, me, "assigned to self")
        return [Say(message=view(turn, desk, case), ephemeral=True)]
    if name == "report.message":
        return [
            OpenForm(
                form=_text_form(
                    "report.message",
                    "Message the reporter",
                    "Your message (the reporter sees it at follow-up)",
                    case,
                )
            )
        ]
    if name == "report.note":
        return [
            OpenForm(form=_text_form("report.note", "Private note", "Note (handlers only)", case))
        ]
    if name == "report.status":
        return [OpenForm(form=_status_form(case))]
    return [Say(message=text_message(NOTHING), ephemeral=True)]


def on_form(turn: Turn, desk: Desk, event: FormEvent) -> list[Reply]:
    found = _mine(turn, event.context)
    if found is None:
        return [Say(message=text_message(NOTHING), ephemeral=True)]
    case, handler = found
    me = str(registry.address(handler))
    if case.purged:
        return [Say(message=text_message("This case's content has been deleted."), ephemeral=True)]
    if case.status == "closed":  # a form opened before it was closed: reopen it first
        return [
            Say(
                message=text_message("This case is closed: reopen it first. Nothing was saved."),
                ephemeral=True,
            )
        ]
    if event.form_id in ("report.message", "report.note"):
        kind = "to_reporter" if event.form_id == "report.message" else "note"
        values, errors = validate(_text_form(event.form_id, "x", "x", case), event.values)
        if errors:
            return [FormErrors(form_id=event.form_id, errors=errors)]
        turn.session.add(
            CaseMessage(
                case_id=case.id,
                kind=kind,
                author_id=handler.id,
                body=desk.vault.seal(cast(str, values["text"])),
                sent_on=turn.now.date(),
            )
        )
        audit(turn, case, me, "messaged the reporter" if kind == "to_reporter" else "added a note")
        return [Say(message=view(turn, desk, case), ephemeral=True)]
    values, errors = validate(_status_form(case), event.values)
    status, outcome = cast(str, values.get("status", "")), cast(str, values.get("outcome", ""))
    if not errors and status == "closed" and not outcome:
        errors = {"outcome": "Say what the outcome was before closing the case."}
    if errors:
        return [FormErrors(form_id=event.form_id, errors=errors)]
    set_status(turn, case, status, outcome or None, desk)
    audit(turn, case, me, f"status: {status}")
    return [Say(message=view(turn, desk, case), ephemeral=True)]


def set_status(turn: Turn, case: ReportCase, status: str, outcome: str | None, desk: Desk) -> None:
    case.status = status
    if status != "new" and case.acknowledged_on is None:
        case.acknowledged_on = turn.now.date()
    if outcome:
        case.outcome = desk.vault.seal(outcome)
    case.closed_on = turn.now.date() if status == "closed" else None
    case.deadline_stage = ""
    case.deadline_check_at = turn.now
