"""What reports have due at an instant: handlers' alerts, deadline reminders and escalations,
and deleting content after retention.

The deadlines (acknowledge within REPORTS_ACK_DAYS, feedback within REPORTS_FEEDBACK_MONTHS;
7 days and 3 months by default) are the organisation's own standard. They echo the EU
Whistleblowing Directive (2019/1937, art. 9), which covers reports of breaches of EU law in
member states, not workplace harassment in general nor the UK: so the words say "legal" only
when an organisation sets REPORTS_DEADLINES_ARE_LEGAL.

Alerts never carry a report's words (chat exports reach direct messages): they say a case
exists, its category and the day it arrived, with a button that opens it privately.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.conversation import Address, Button, Message, nudge
from bot.dates import long_date
from bot.outbox import Outgoing, queue
from bot.reports import registry, replays
from bot.reports.models import CaseMessage, ReportCase, ReportHandler

FEEDBACK_WARNING = timedelta(days=14)


def add_working_days(day: date, days: int) -> date:
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _at(day: date) -> datetime:
    """Deadlines fall at 09:00 UTC on their day: a working-hours nudge, not a midnight one."""
    return datetime.combine(day, time(9), tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    stage: str
    at: datetime


def next_step(case: ReportCase, settings: Settings) -> Step | None:
    """The next deadline event for a case, after the stage it has reached."""
    done = case.deadline_stage
    if case.status == "new":
        target = add_working_days(case.received_on, settings.reports_ack_target_days)
        if done == "":
            return Step("ack-reminder", _at(target))
        if done == "ack-reminder":
            return Step("ack-escalation", _at(ack_due(case, settings)))
        return None
    if case.status in ("acknowledged", "investigating") and case.acknowledged_on:
        due = feedback_due(case, settings)
        if done in ("", "ack-reminder", "ack-escalation"):
            return Step("feedback-reminder", _at(due - FEEDBACK_WARNING))
        if done == "feedback-reminder":
            return Step("feedback-escalation", _at(due))
        return None
    if case.status == "closed" and case.closed_on and not case.purged:
        return Step("purge", _at(case.closed_on + timedelta(days=settings.reports_retention_days)))
    return None


def ack_due(case: ReportCase, settings: Settings) -> date:
    return case.received_on + timedelta(days=settings.reports_ack_days)


def feedback_due(case: ReportCase, settings: Settings) -> date:
    start = case.acknowledged_on or case.received_on
    return start + relativedelta(months=settings.reports_feedback_months)


def basis(settings: Settings) -> str:
    """Why a deadline holds: a legal requirement only where the organisation says so."""
    return "a legal requirement" if settings.reports_deadlines_are_legal else "our standard"


def months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


def _notice(case: ReportCase, text: str) -> Message:
    opener = Button(
        action_id="report.open",
        value=str(case.id),
        label="Open the case",
        style="primary",
        confidential=True,
    )
    return nudge(text, opener)


def _send(
    case: ReportCase, handlers: list[ReportHandler], settings: Settings, key: str, text: str
) -> list[Outgoing]:
    """Each handler at their own address, whatever platform the report came from (the outbox
    sends on the handler's platform). The handlers' channel, if set, stands for the handlers
    on its platform, except for a case that left someone out: they may read that channel, so
    such a case goes by direct message. Nothing when there is nobody to tell."""
    found: list[Outgoing] = []
    channel = settings.reports_handlers_channel
    covered = ""
    if channel and not case.excluded:
        address = Address.parse(channel, kind="channel")
        if any(h.platform == address.platform for h in handlers):
            found.append(Outgoing(f"{key}:channel", address, _notice(case, text)))
            covered = address.platform
    found += [
        Outgoing(f"{key}:{h.id}", registry.address(h), _notice(case, text))
        for h in handlers
        if h.platform != covered
    ]
    return found


def queue_reports(session: Session, now: datetime, settings: Settings) -> int:
    """Queue alerts and deadline notices that have come due, and purge expired content."""
    outgoing: list[Outgoing] = []
    for case in session.scalars(
        select(ReportCase).where(ReportCase.alert_at <= now).with_for_update(skip_locked=True)
    ):
        handlers = registry.for_case(session, case)
        if case.alerted:
            text = f"The reporter of case {case.reference} has written again."
            key = f"report-reply:{case.id}:{case.alert_at.isoformat() if case.alert_at else ''}"
        else:
            # Only that something happened: what it is about is in the case, behind the
            # button, not in a chat history that a workspace export can reach.
            text = (
                f"A new report arrived on {long_date(case.received_on)}: case "
                f"{case.reference}. Please acknowledge it within "
                f"{settings.reports_ack_target_days} working days."
            )
            key = f"report-alert:{case.id}"
        told = _send(case, handlers, settings, key, text)
        if not told:
            # Nobody can be told (every handler removed since): alert_at stays due, so the
            # first handler added later is told at the next tick, and until then the case is
            # not listed as alerted anywhere.
            continue
        outgoing += told
        case.alert_at, case.alerted = None, True
    for case in session.scalars(
        select(ReportCase)
        .where(ReportCase.deadline_check_at <= now)
        .with_for_update(skip_locked=True)
    ):
        outgoing += _deadline(session, case, now, settings)
    replays.forget(session, now.date())
    return queue(session, outgoing, now)


def _deadline(
    session: Session, case: ReportCase, now: datetime, settings: Settings
) -> list[Outgoing]:
    step = next_step(case, settings)
    if step is None:
        case.deadline_check_at = None
        return []
    if step.at > now:
        case.deadline_check_at = step.at
        return []
    handlers = registry.for_case(session, case)
    everyone = registry.everyone(session)
    key = f"report-{step.stage}:{case.id}"
    found: list[Outgoing] = []
    if step.stage == "ack-reminder":
        found = _send(
            case,
            handlers,
            settings,
            key,
            f"Case {case.reference} has not been acknowledged yet. Please acknowledge it by "
            f"{long_date(ack_due(case, settings))} (within {settings.reports_ack_days} days: "
            f"{basis(settings)}).",
        )
    elif step.stage == "ack-escalation":
        found = _send(
            case,
            registry.escalation_for(everyone, case),
            settings,
            key,
            f"Escalation: case {case.reference} was not acknowledged within "
            f"{settings.reports_ack_days} days of {long_date(case.received_on)} "
            f"({basis(settings)}).",
        )
    elif step.stage == "feedback-reminder":
        found = _send(
            case,
            handlers,
            settings,
            key,
            f"Case {case.reference}: please give the reporter feedback by "
            f"{long_date(feedback_due(case, settings))} (within "
            f"{months(settings.reports_feedback_months)} of acknowledging it: "
            f"{basis(settings)}).",
        )
    elif step.stage == "feedback-escalation":
        found = _send(
            case,
            registry.escalation_for(everyone, case),
            settings,
            key,
            f"Escalation: case {case.reference} passed its feedback deadline, "
            f"{months(settings.reports_feedback_months)} after acknowledgement "
            f"({basis(settings)}).",
        )
    elif step.stage == "purge":
        purge(session, case)
    case.deadline_stage = step.stage
    following = next_step(case, settings)
    case.deadline_check_at = following.at if following else None
    return found


def purge(session: Session, case: ReportCase) -> None:
    """Delete a closed case's words; its category and month stay for anonymous counts."""
    case.content = None
    case.outcome = None
    case.purged = True
    session.execute(update(CaseMessage).where(CaseMessage.case_id == case.id).values(body=None))
