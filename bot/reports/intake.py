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

from bot import platforms
from bot.config import Settings
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
from bot.reports.due import months, next_step
from bot.reports.models import CaseAudit, ReportCase
from bot.reports.resources import Category, Desk
from bot.reports.secrets import hash_passphrase, new_passphrase, new_reference
from bot.text import LONG_TEXT_LIMIT
from bot.turn import Turn

FILE_FORM = "report.file"
TEXT_LIMIT = LONG_TEXT_LIMIT
#: Earlier than this, a date is a typing slip (0001-01-01), not a day anyone remembers.
EARLIEST_INCIDENT = date(1900, 1, 1)
IDENTIFY = "identify"
#: How the reporter knows (optional). The values are stored in cases and used by the adapters'
#: tests: keep them stable.
ROLES = {
    "target": "It happened to me",
    "witness": "I saw or heard it",
    "told": "Someone told me about it",
    "not_say": "I'd rather not say",
}
NOT_RECEIVED = (
    "Your report was NOT received: it could not be stored. Nothing was kept. "
    "Please try again in a few minutes, or use your organisation's other reporting routes."
)


EMERGENCY = (
    "If you are in danger or need help now, call your local emergency number (999 in the UK, "
    "112 in the EU, 911 in the US and Canada). This form is not watched around the clock."
)
RETALIATION = (
    "Nobody should be treated badly for reporting. If that happens to you, you can report it too."
)


def timings(settings: Settings) -> str:
    """The organisation's timings, called legal only where it says they are."""
    standard = (
        "as the law requires where it applies"
        if settings.reports_deadlines_are_legal
        else "this is our organisation's own standard"
    )
    return (
        f"They will acknowledge it within {settings.reports_ack_days} days and give you "
        f"feedback within {months(settings.reports_feedback_months)} of that ({standard})."
    )


def check_back(settings: Settings) -> str:
    """The reporter is never notified (that would need to know who they are), so: when to look,
    up to the day feedback is due, not only the first week."""
    return (
        "You will not be notified of replies: nobody knows who you are to tell you. Check "
        f"/report followup after {settings.reports_ack_days} days to see that your report has "
        "been acknowledged, and keep checking until you get feedback, which is due within "
        f"{months(settings.reports_feedback_months)} of the acknowledgement."
    )


def kept_for(settings: Settings) -> str:
    return (
        f"Your words are deleted {settings.reports_retention_days} days after the case is "
        "closed, so they are not kept longer than the case needs; only the kind of report and "
        "the month stay, as anonymous counts."
    )


def categories_text(categories: list[Category]) -> str:
    """What each kind of report covers, in plain words, so the choice is easy to make."""
    return "\n".join(f"{c.label}: {c.description}" for c in categories)


def heading(categories: list[Category]) -> str:
    """The form's heading names every kind of report it offers ("Report racism, harassment,
    bullying, discrimination or something else"), so nobody wonders whether theirs counts."""
    words = list(dict.fromkeys(c.heading_word for c in categories))
    if not words:
        return "Report something that happened"
    listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
    return f"Report {listed}"


def statement(turn: Turn, categories: list[Category] | None = None) -> list[Block]:
    """Safety and support first, then who reads a report, what is kept, and for how long,
    in plain words, before anything is sent."""
    settings = turn.settings
    blocks: list[Block] = [
        TextBlock(text=heading(categories or []), style="heading"),
        TextBlock(text=EMERGENCY),
        TextBlock(text=settings.reports_support_text),
        TextBlock(
            text="Your report goes only to the people your organisation has chosen to handle "
            "reports of the kind you choose (and you can leave any of them out). "
            + timings(settings)
        ),
        TextBlock(text=RETALIATION),
    ]
    if categories:
        blocks.append(TextBlock(text="What each kind of report covers", style="heading"))
        blocks.append(TextBlock(text=categories_text(categories)))
    blocks += [
        TextBlock(
            text="What is kept: only what you write in this form, encrypted, and the date you "
            "send it (not the time). Who you are is not kept: not your name, user id or "
            "email, unless you choose below to share it. The people handling reports are told "
            "a little later, not the moment you send it. " + kept_for(settings)
        ),
        TextBlock(
            text="What anonymity cannot do: details only a few people could know (a date, a "
            "place, words said to you alone) may still point to you; leave them out if that "
            "worries you. An anonymous report can be harder to look into, because nobody can "
            "ask you questions except through /report followup.",
            style="context",
        ),
        TextBlock(
            text="You will get a case reference and a passphrase, shown once: keep both. "
            + check_back(settings),
            style="context",
        ),
    ]
    if settings.reports_policy_url:
        blocks.append(LinkBlock(label="Our reporting policy", url=settings.reports_policy_url))
    return blocks


def offered(turn: Turn, desk: Desk) -> list[Category]:
    """The categories someone would receive a report of (a handler or an escalation contact):
    the form offers no other, and ``/report`` is refused when there is none."""
    nobody = set(
        registry.uncovered(
            turn.session, [c.id for c in desk.categories], platforms.served(turn.settings)
        )
    )
    return [c for c in desk.categories if c.id not in nobody]


def file_form(turn: Turn, desk: Desk, categories: list[Category] | None = None) -> Form:
    """The form, offering ``categories`` (by default those someone would receive)."""
    handlers = registry.everyone(turn.session)
    shown = offered(turn, desk) if categories is None else categories
    fields = [
        FormField(
            name="category",
            label="What is it about?",
            kind="choice",
            hint="What each kind covers is described above.",
            options=[Option(value=c.id, label=c.label) for c in shown],
        ),
        FormField(
            name="what",
            label="What happened?",
            kind="long_text",
            max_length=TEXT_LIMIT,
            hint=f"Up to {TEXT_LIMIT:,} characters.",
        ),
        FormField(
            name="when",
            label="When did it happen? (optional)",
            kind="date",
            required=False,
            hint="If it happened more than once, give the most recent day, and describe the "
            "others in “What happened?”.",
        ),
        FormField(
            name="where",
            label="Where did it happen? (optional)",
            kind="text",
            required=False,
            max_length=200,
        ),
        FormField(
            name="role",
            label="How do you know about it? (optional)",
            kind="choice",
            required=False,
            options=[Option(value=value, label=label) for value, label in ROLES.items()],
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
            label="Share who you are with the people handling your report?",
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
        intro=statement(turn, shown),
        fields=fields,
        submit_label="Send report",
        anonymous=True,
        identity_field=IDENTIFY,
    )


def _errors(turn: Turn, desk: Desk, values: dict[str, FormValue]) -> dict[str, str]:
    """What the fields cannot say alone: a date to come, or nobody left to receive it."""
    errors: dict[str, str] = {}
    when = cast(str, values.get("when") or "")
    # "Today" somewhere on Earth: the reporter's own time zone is not asked for (it narrows
    # who they are), so a date is refused only once it is in the future everywhere (UTC+14).
    if when and date.fromisoformat(when) > (turn.now + timedelta(hours=14)).date():
        errors["when"] = "That date is still to come: give the day it happened."
    elif when and date.fromisoformat(when) < EARLIEST_INCIDENT:
        errors["when"] = "Give the day it happened, as year-month-day (e.g. 2027-03-01)."
    category = cast(str, values["category"])
    reachable = registry.reachable(turn.session, platforms.served(turn.settings))
    if not registry.receivers(reachable, category, _excluded(turn, values)):
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
    return [
        Say(
            message=receipt(case.reference, passphrase, turn.settings, identified),
            ephemeral=True,
        )
    ]


def receipt(
    reference: str, passphrase: str, settings: Settings, identified: bool = False
) -> Message:
    """Thanks first, then the two things to keep, then what happens next."""
    who = (
        "You chose to share who you are: the people handling your report will see it with "
        "the report."
        if identified
        else "Nobody can find this report from your account."
    )
    return Message(
        blocks=[
            TextBlock(text="Thank you for telling us.", style="heading"),
            TextBlock(text="Your report has been received."),
            TextBlock(text=f"Case reference: {reference}"),
            TextBlock(text=f"Passphrase: {passphrase}"),
            TextBlock(
                text="Keep both somewhere safe: the passphrase is shown only this once and cannot "
                "be recovered. With them, /report followup shows replies and the case status, "
                f"and lets you answer. {who}",
                style="context",
            ),
            TextBlock(text="What happens next", style="heading"),
            TextBlock(
                text="The people handling your report will be told about it shortly (not at the "
                "moment you sent it, so the time cannot point to you). "
                + timings(settings)
                + " "
                + check_back(settings)
            ),
            TextBlock(text=settings.reports_support_text, style="context"),
        ]
    )
