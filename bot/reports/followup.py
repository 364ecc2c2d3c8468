"""The reporter's side after filing: with the reference and passphrase, read the handlers'
messages and the status, and answer. No account is involved at any point.

A wrong reference and a wrong passphrase get the same answer in the same time (the passphrase
is checked against a dummy hash when the reference is unknown), and repeated wrong guesses from
one person are refused for a while; the right passphrase always opens the case for anyone else.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from sqlalchemy import select

from bot.conversation import (
    Block,
    Form,
    FormErrors,
    FormEvent,
    FormField,
    Message,
    Reply,
    Say,
    TextBlock,
)
from bot.dates import long_date
from bot.forms import validate
from bot.reports import replays
from bot.reports.cases import STATUSES
from bot.reports.intake import TEXT_LIMIT
from bot.reports.models import CaseAudit, CaseMessage, ReportCase
from bot.reports.resources import Desk
from bot.reports.secrets import DUMMY_HASH, check_passphrase, normalise
from bot.turn import Turn

FOLLOWUP_FORM = "report.followup"
NOT_FOUND = "No case matches that reference and passphrase."
SLOW_DOWN = "Too many attempts. Please wait 15 minutes and try again."


def followup_form() -> Form:
    return Form(
        form_id=FOLLOWUP_FORM,
        title="Your report",
        intro=[
            TextBlock(
                text="Enter the case reference and passphrase you were given, and choose Open: "
                "you will see the status and any messages from the people handling your "
                "report. To answer them, come back here and write your answer below."
            )
        ],
        fields=[
            FormField(name="reference", label="Case reference", kind="text", max_length=20),
            FormField(name="passphrase", label="Passphrase", kind="text", max_length=60),
            FormField(
                name="reply",
                label="Your answer to the people handling your report (optional)",
                kind="long_text",
                required=False,
                hint="Leave this empty the first time, to read their messages before you answer.",
                max_length=TEXT_LIMIT,
            ),
        ],
        submit_label="Open",
        anonymous=True,
    )


def canonical(reference: str) -> str:
    """``R-XXXX-XXXX`` however it was typed: any case, spaces, missing dashes or "R"."""
    code = normalise(reference)
    if len(code) == 9 and code.startswith("R"):
        code = code[1:]
    return f"R-{code[:4]}-{code[4:8]}"


def _case(turn: Turn, reference: str, passphrase: str) -> ReportCase | None:
    case = turn.session.scalar(select(ReportCase).where(ReportCase.reference == reference))
    matches = check_passphrase(passphrase, case.passphrase_hash if case else DUMMY_HASH)
    return case if case is not None and matches else None


def _refused(event: FormEvent, message: str) -> list[Reply]:
    """The same error on both fields, so every surface asks for both again."""
    return [FormErrors(form_id=event.form_id, errors={"reference": message, "passphrase": message})]


def follow_up(turn: Turn, desk: Desk, event: FormEvent) -> list[Reply]:
    values, errors = validate(followup_form(), event.values)
    if errors:
        return [FormErrors(form_id=event.form_id, errors=errors)]
    if replays.seen(turn.session, event):  # a replayed answer would be sent twice
        return [Say(message=Message(blocks=[TextBlock(text=replays.ALREADY)]), ephemeral=True)]
    reference = canonical(cast(str, values["reference"]))
    # The guesser is slowed down, never the case: counting wrong guesses per case would let
    # anyone who knows a reference (handlers see it in alerts) lock its reporter out. With 125
    # random bits in a passphrase, guessing from many accounts gets nowhere either.
    who = desk.tag(event.actor)
    if desk.guesses.blocked(who, turn.now):
        return _refused(event, SLOW_DOWN)
    case = _case(turn, reference, cast(str, values["passphrase"]))
    if case is None:
        desk.guesses.hit(who, turn.now)
        return _refused(event, NOT_FOUND)
    today = turn.now.replace(hour=0, minute=0, second=0, microsecond=0)
    reply = cast(str, values.get("reply") or "")
    sent = bool(reply) and not case.purged  # a purged case takes no more answers
    if sent:
        turn.session.add(
            CaseMessage(
                case_id=case.id,
                kind="from_reporter",
                body=desk.vault.seal(reply),
                sent_on=turn.now.date(),
            )
        )
        low, high = turn.settings.reports_alert_delay_minutes
        case.alert_at = case.alert_at or turn.now + timedelta(minutes=desk.rng.uniform(low, high))
        turn.session.add(CaseAudit(case_id=case.id, actor="reporter", action="replied", at=today))
        replays.remember(turn.session, event, turn.now.date())
    else:
        turn.session.add(
            CaseAudit(case_id=case.id, actor="reporter", action="followed up", at=today)
        )
    view = _reporter_view(turn, desk, case, replied=sent, unsent=bool(reply) and not sent)
    return [Say(message=view, ephemeral=True)]


def _reporter_view(
    turn: Turn, desk: Desk, case: ReportCase, replied: bool, unsent: bool = False
) -> Message:
    blocks: list[Block] = [
        TextBlock(text=f"Case {case.reference}", style="heading"),
        TextBlock(
            text=f"Status: {STATUSES.get(case.status, case.status)}. "
            f"Received on {long_date(case.received_on)}.",
            style="context",
        ),
    ]
    if replied:
        blocks.append(
            TextBlock(text="Thank you. Your answer was sent to the people handling your report.")
        )
    if case.purged:
        closed = f" on {long_date(case.closed_on)}" if case.closed_on else ""
        blocks.append(
            TextBlock(
                text=f"This case was closed{closed}, and its details were deleted "
                f"{turn.settings.reports_retention_days} days later, as the retention policy "
                "says, so that nobody keeps what was written longer than the case needed. It "
                "takes no more answers."
                + (" What you wrote just now was not sent." if unsent else "")
            )
        )
    if case.outcome and not case.purged:
        blocks.append(TextBlock(text=f"Outcome: {desk.vault.open(case.outcome)}"))
    thread = turn.session.scalars(
        select(CaseMessage)
        .where(CaseMessage.case_id == case.id, CaseMessage.kind != "note")
        .order_by(CaseMessage.id)
    ).all()
    for item in thread:
        if item.body is None:
            continue
        who = "From the people handling your report" if item.kind == "to_reporter" else "You wrote"
        blocks.append(TextBlock(text=f"{who}, {long_date(item.sent_on)}:", style="context"))
        blocks.append(TextBlock(text=desk.vault.open(item.body), style="quote"))
    if not thread:
        blocks.append(TextBlock(text="No messages yet."))
    if not case.purged and not replied:
        blocks.append(
            TextBlock(
                text="To answer, type /report followup again, with the same reference and "
                "passphrase, and write your answer in the last box.",
                style="context",
            )
        )
    return Message(blocks=blocks, confidential=True)
