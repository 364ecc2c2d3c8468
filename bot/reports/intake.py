"""Filing a report: the form, its plain statement of what is kept, and the receipt.

The reporter's identity reaches this module (the adapters must say who clicked) but is used
for one thing only, unless they opt in: a keyed hash for an in-memory rate limit. It is not
stored, logged or sent; the case keeps the date it arrived, not the time.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import cast

from sqlalchemy.exc import IntegrityError

from bot.conversation import (
    Block,
    Form,
    FormErrors,
    FormEvent,
    FormField,
    FormValue,
    LinkBlock,
    Message,
    Option,
    Reply,
    Say,
    TextBlock,
)
from bot.forms import validate
from bot.reports import registry, replays
from bot.reports.desk import Category, Desk
from bot.reports.due import next_step
from bot.reports.secrets import hash_passphrase, new_passphrase, new_reference
from bot.store.models import CaseAudit, ReportCase
from bot.text import LONG_TEXT_LIMIT
from bot.turn import Turn

FILE_FORM = "report.file"
TEXT_LIMIT = LONG_TEXT_LIMIT
IDENTIFY = "identify"
NOT_RECEIVED = (
    "Your report was NOT received: it could not be stored. Nothing was kept. "
    "Please try again in a few minutes, or use your organisation's other reporting routes."
)


def statement(turn: Turn) -> list[Block]:
    """What is stored and who sees it, in plain words, before anything is sent."""
    blocks: list[Block] = [
        TextBlock(text="Report racism or harassment", style="heading"),
        TextBlock(
            text="Your report goes only to the people your organisation has designated to "
            "handle reports of the kind you choose (and you can leave any of them out). "
            "They must acknowledge it within 7 days and give you feedback within 3 months."
        ),
        TextBlock(
            text="What is kept: only what you write in this form, encrypted, and the date you "
            "send it (not the time). Who you are is not kept: not your name, user id or "
            "email, unless you choose below to share it. Handlers are told later the same "
            "day, not the moment you send it."
        ),
        TextBlock(
            text="You will get a case reference and a passphrase, shown once: keep both to "
            "read replies and answer with /report followup. Details only a few people could "
            "know may still identify you; leave them out if that worries you.",
            style="context",
        ),
    ]
    if turn.settings.reports_policy_url:
        blocks.append(LinkBlock(label="Our reporting policy", url=turn.settings.reports_policy_url))
    return blocks


def offered(turn: Turn, desk: Desk) -> list[Category]:
    """The categories someone would receive a report of (a handler or an escalation contact):
    the form offers no other, and ``/report`` is refused when there is none."""
    nobody = set(registry.uncovered(turn.session, [c.id for c in desk.categories]))
    return [c for c in desk.categories if c.id not in nobody]


def file_form(turn: Turn, desk: Desk, categories: list[Category] | None = None) -> Form:
    """The form, offering ``categories`` (by default those someone would receive)."""
    handlers = registry.everyone(turn.session)
    fields = [
        FormField(
            name="category",
            label="What is it about?",
            kind="choice",
            options=[
                Option(value=c.id, label=c.label)
                for c in (offered(turn, desk) if categories is None else categories)
            ],
        ),
        FormField(
            name="what",
            label="What happened?",
            kind="long_text",
            max_length=TEXT_LIMIT,
            hint=f"Up to {TEXT_LIMIT:,} characters.",
        ),
        FormField(name="when", label="When did it happen? (optional)", kind="date", required=False),
        FormField(
            name="where",
            label="Where did it happen? (optional)",
            kind="text",
            required=False,
            max_length=200,
        ),
        FormField(
            name="role",
            label="Were you the target, or a witness?",
            kind="choice",
            options=[
                Option(value="target", label="It happened to me"),
                Option(value="witness", label="I saw or heard it"),
            ],
        ),
    ]
    named = [h for h in handlers if h.name]
    if named:
        fields.append(
            FormField(
                name="exclude",
                label="Leave anyone out? (optional)",
                kind="multi_choice",
                required=False,
                hint="They will not be told about or see this report.",
                options=[Option(value=str(h.id), label=h.name) for h in named],
            )
        )
    fields.append(
        FormField(
            name=IDENTIFY,
            label="Share who you are with the handlers?",
            kind="choice",
            options=[
                Option(value="no", label="No, stay anonymous"),
                Option(value="yes", label="Yes, they may know it is me"),
            ],
            default="no",
        )
    )
    return Form(
        form_id=FILE_FORM,
        title="Report",
        intro=statement(turn),
        fields=fields,
        submit_label="Send report",
        anonymous=True,
        identity_field=IDENTIFY,
    )


def _errors(turn: Turn, desk: Desk, values: dict[str, FormValue]) -> dict[str, str]:
    """What the fields cannot say alone: a date to come, or nobody left to receive it."""
    errors: dict[str, str] = {}
    when = cast(str, values.get("when") or "")
    if when and date.fromisoformat(when) > turn.now.date():
        errors["when"] = "That date is still to come: give the day it happened."
    category = cast(str, values["category"])
    if not registry.receivers(registry.everyone(turn.session), category, _excluded(turn, values)):
        errors["exclude" if values.get("exclude") else "category"] = (
            "Nobody would receive this report: you left out everyone who handles this kind "
            "of report. Leave someone in."
            if values.get("exclude")
            else "Nobody can receive reports of this kind at the moment. Nothing was sent; "
            "please use your organisation's other reporting routes."
        )
    return errors


def _excluded(turn: Turn, values: dict[str, FormValue]) -> list[str]:
    """The addresses of the handlers left out (the form offers them by row id)."""
    chosen = {int(v) for v in cast(list[str], values.get("exclude") or [])}
    return [registry.key(h) for h in registry.everyone(turn.session) if h.id in chosen]


def file(turn: Turn, desk: Desk, event: FormEvent) -> list[Reply]:
    # Checked against every category: one nobody receives any more gets its own message.
    values, errors = validate(file_form(turn, desk, desk.categories), event.values)
    if not errors:
        errors = _errors(turn, desk, values)
    if errors:
        return [FormErrors(form_id=event.form_id, errors=errors)]
    if replays.seen(turn.session, event):
        return [Say(message=Message(blocks=[TextBlock(text=replays.ALREADY)]), ephemeral=True)]
    tag = desk.tag(event.actor)
    if desk.filed.blocked(tag, turn.now):
        return [
            FormErrors(
                form_id=event.form_id,
                errors={
                    "what": "You have sent several reports in the last hour. Please wait a while; "
                    "nothing was sent, and your words are still here."
                },
            )
        ]
    content = {k: values.get(k, "") for k in ("what", "when", "where", "role")}
    identified = values.get(IDENTIFY) == "yes"
    if identified:
        content["identity"] = f"{event.actor.name} ({event.actor.address})"
    low, high = turn.settings.reports_alert_delay_minutes
    delay = timedelta(minutes=desk.rng.uniform(low, high))
    passphrase = new_passphrase()
    case = None
    for _ in range(5):  # a reference clash is astronomically rare; never reuse one
        case = ReportCase(
            reference=new_reference(),
            passphrase_hash=hash_passphrase(passphrase),
            category=cast(str, values["category"]),
            # The platform routes the alerts; the reporter's workspace or tenant id is not
            # kept (in a Slack Enterprise Grid or a multi-tenant bot it narrows who it was).
            platform=event.actor.platform,
            tenant="",
            received_on=turn.now.date(),
            content=desk.vault.seal(json.dumps(content)),
            excluded=_excluded(turn, values),
            status="new",
            alert_at=turn.now + delay,
            deadline_stage="",
        )
        # The first deadline falls at 09:00 on a later day: derived from the date alone, it
        # does not repeat the moment of filing as alert_at's random delay hides it.
        first = next_step(case, turn.settings)
        case.deadline_check_at = first.at if first else None
        try:
            with turn.session.begin_nested():
                turn.session.add(case)
                turn.session.flush()
            break
        except IntegrityError:
            case = None
    if case is None:
        return [Say(message=Message(blocks=[TextBlock(text=NOT_RECEIVED)]), ephemeral=True)]
    turn.session.add(
        CaseAudit(
            case_id=case.id,
            actor="reporter",
            action="filed",
            at=turn.now.replace(hour=0, minute=0, second=0, microsecond=0),
        )
    )
    replays.remember(turn.session, event, turn.now.date())
    desk.filed.hit(tag, turn.now)
    return [Say(message=receipt(case.reference, passphrase, identified), ephemeral=True)]


def receipt(reference: str, passphrase: str, identified: bool = False) -> Message:
    who = (
        "You chose to share who you are: the handlers will see it with the report."
        if identified
        else "Nobody can find this report from your account."
    )
    return Message(
        blocks=[
            TextBlock(text="Your report has been received.", style="heading"),
            TextBlock(text=f"Case reference: {reference}"),
            TextBlock(text=f"Passphrase: {passphrase}"),
            TextBlock(
                text="Keep both somewhere safe: the passphrase is shown only this once and cannot "
                "be recovered. With them, /report followup shows replies and the case status, "
                f"and lets you answer. {who}",
                style="context",
            ),
        ]
    )
