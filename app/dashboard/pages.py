"""What each dashboard page reads, as its template's context. Each is given the open session
and the signed-in admin, once the role has been checked."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.dashboard import charts
from app.dashboard.overview import overview as read_overview
from bot.awareness.calendar import EMPTY_CALENDAR, FIRST_DAY, LAST_DAY, Calendar
from bot.awareness.confirmations import effective, waiting
from bot.awareness.models import AwarenessSubscription
from bot.awareness.posts import override, preview_message
from bot.awareness.schedule import plan
from bot.conversation import ActionsBlock, Address, Block, Button
from bot.people import list_admins
from bot.pledge.content import Pledge
from bot.reports import registry
from bot.reports.commands import SMALL
from bot.reports.models import ReportCase
from bot.reports.resources import Desk
from bot.volunteers.directory import listed_offers
from bot.volunteers.offers import KINDS, TIMES
from bot.volunteers.offers import REGIONS as VOLUNTEER_REGIONS

if TYPE_CHECKING:
    from app.dashboard.web import Dashboard, Viewer

#: The months the reports' trend covers.
TREND_MONTHS = 12


def overview(
    dashboard: Dashboard, session: Session, viewer: Viewer, query: Mapping[str, str]
) -> Mapping[str, Any]:
    runtime = dashboard.runtime
    figures = read_overview(
        session,
        runtime.need(Pledge),
        runtime.clock.now(),
        runtime.settings.missed_alert_threshold,
    )
    return {
        "title": "Overview",
        "figures": figures,
        "participation_chart": charts.participation_chart(figures.weeks),
        "answers_chart": charts.answers_chart(figures.commitments, figures.statuses),
    }


# --- awareness -------------------------------------------------------------------------------


@dataclass
class Day:
    """A calendar cell: what each channel gets that day."""

    day: date
    in_month: bool
    posts: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """One post as the admins' chat preview shows it, with its buttons as forms."""

    anchor: str
    day: date
    channels: list[str]
    blocks: list[Block]
    buttons: list[Button]


def month_of(text: str, today: date) -> tuple[date, str]:
    """The first day of the month ``YYYY-MM``, and a note for the page when the month asked
    for is not one, or lies outside the years the calendars can work out (FIRST_DAY to
    LAST_DAY): then this month, itself kept within those years."""
    here = min(max(today, FIRST_DAY), LAST_DAY).replace(day=1)
    if not text:
        return here, ""
    found = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not found or not 1 <= int(found[2]) <= 12:
        return (
            here,
            "That month was not understood (write it as 2027-03), so this is the current month.",
        )
    first = date(int(found[1]), int(found[2]), 1)
    if not FIRST_DAY <= first <= LAST_DAY:
        return here, (
            f"The calendar covers {FIRST_DAY:%B %Y} to {LAST_DAY:%B %Y} only, so this is the "
            "current month."
        )
    return first, ""


def _subscriptions(session: Session, who: Address) -> list[AwarenessSubscription]:
    """The channels of the admin's own workspace: an admin decides for their workspace only,
    as the chat's preview buttons do."""
    found = session.scalars(
        select(AwarenessSubscription)
        .where(
            AwarenessSubscription.platform == who.platform,
            AwarenessSubscription.tenant == who.tenant,
        )
        .order_by(AwarenessSubscription.channel_id)
    )
    return [subscription for subscription in found if subscription.regions]


def awareness(
    dashboard: Dashboard, session: Session, viewer: Viewer, query: Mapping[str, str]
) -> Mapping[str, Any]:
    """The month's calendar of what each channel of the admin's workspace gets, and the
    previews of the posts still to come, with the chat preview's Don't send and Edit."""
    runtime = dashboard.runtime
    today = runtime.clock.now().date()
    first, note = month_of(query.get("month", ""), today)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    days = {d: Day(d, d.month == first.month) for week in grid for d in week}
    who = viewer.address
    shipped = runtime.bot.resources.get(Calendar, EMPTY_CALENDAR)
    # The admins' confirmations applied, as every reader of the calendar must.
    calendar_of = effective(session, shipped)
    previews: dict[tuple[str, str, date], Preview] = {}
    for subscription in _subscriptions(session, who):
        channel = str(
            Address(
                platform=who.platform, tenant=who.tenant, kind="channel", id=subscription.channel_id
            )
        )
        for planned in plan(subscription, calendar_of, first, last):
            occurrence = planned.occurrence
            kind = "heads-up" if planned.post == "heads-up" else "on the day"
            days[planned.day].posts.append(f"{channel}: {occurrence.entry.name} ({kind})")
            if planned.day < today:
                continue
            key = (occurrence.key, planned.post, planned.day)
            if key not in previews:
                decided = override(session, who.platform, who.tenant, occurrence.key, planned.post)
                message = preview_message(occurrence, planned.post, decided, planned.day)
                previews[key] = Preview(
                    anchor=f"post-{len(previews) + 1}",
                    day=planned.day,
                    channels=[],
                    blocks=[b for b in message.blocks if not isinstance(b, ActionsBlock)],
                    buttons=[
                        button
                        for b in message.blocks
                        if isinstance(b, ActionsBlock)
                        for button in b.buttons
                    ],
                )
            previews[key].channels.append(channel)
    before = (first - timedelta(days=1)).replace(day=1)
    after = last + timedelta(days=1)
    return {
        "title": "Awareness",
        "month": first,
        "note": note,
        "weeks": [[days[d] for d in week] for week in grid],
        "weekdays": [calendar.day_name[i] for i in range(7)],
        "previews": sorted(previews.values(), key=lambda p: p.day),
        # No link past the calendar's years: those months would only be refused.
        "before": before.strftime("%Y-%m") if before >= FIRST_DAY else "",
        "after": after.strftime("%Y-%m") if after <= LAST_DAY else "",
        "subscribed": bool(_subscriptions(session, who)),
        "waiting": waiting(session, shipped, today),
    }


# --- reports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandlerRow:
    name: str
    address: str
    kinds: str
    escalation: bool


def handlers(session: Session, desk: Desk | None) -> list[HandlerRow]:
    labels = {c.id: c.label for c in desk.categories} if desk else {}
    return [
        HandlerRow(
            h.name or h.user_id,
            str(registry.address(h)),
            ", ".join(labels.get(c, c) for c in h.categories),
            h.escalation,
        )
        for h in registry.everyone(session)
    ]


def shown(count: int) -> int | None:
    """A count as the dashboard may show it: None (hidden) under SMALL, since a small number
    can point at a person; nought is hidden too, so a hidden month does not mean "some"."""
    return count if count >= SMALL else None


def suppressed(kinds: list[int], total: int) -> tuple[list[int | None], int | None]:
    """One month's counts by kind and its total, as the dashboard may show them.

    Hiding small cells alone is not enough: a shown total less the shown kinds gives back the
    hidden one (5 racism + 1 bullying: total 6, so bullying is 1). So the total is hidden too
    whenever any kind is hidden, or when the total holds cases of kinds no longer on the desk
    (they have no row, so the total less the rows would give them). With the total hidden
    there are always two unknowns in the one sum, and no cell can be worked out."""
    cells = [shown(n) for n in kinds]
    complete = None not in cells and (not kinds or sum(kinds) == total)
    return cells, shown(total) if complete else None


def reports(
    dashboard: Dashboard, session: Session, viewer: Viewer, query: Mapping[str, str]
) -> Mapping[str, Any]:
    """Trends only: cases handlers have been told of, by month and kind. Never a case."""
    runtime = dashboard.runtime
    desk = runtime.bot.resources.find(Desk)
    this_month = runtime.clock.now().date().replace(day=1)
    months = [this_month]
    while len(months) < TREND_MONTHS:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    counts = Counter(
        (category, received.strftime("%Y-%m"))
        for category, received in session.execute(
            # Only alerted cases: a count that moved at filing would date a report.
            select(ReportCase.category, ReportCase.received_on).where(
                ReportCase.received_on >= months[0], ReportCase.alerted
            )
        )
    )
    labels = [m.strftime("%Y-%m") for m in months]
    categories = desk.categories if desk else []
    columns = [
        suppressed(
            [counts[(category.id, label)] for category in categories],
            sum(n for (_, m), n in counts.items() if m == label),
        )
        for label in labels
    ]
    totals = [total for _, total in columns]
    kinds = [
        (category.label, [cells[row] for cells, _ in columns])
        for row, category in enumerate(categories)
    ]
    return {
        "title": "Reports",
        "small": SMALL,
        "months": labels,
        "totals": totals,
        "kinds": kinds,
        "chart": charts.monthly_chart(labels, totals, "Cases handlers were told of"),
        "handlers": handlers(session, desk),
    }


# --- people ----------------------------------------------------------------------------------


def people(
    dashboard: Dashboard, session: Session, viewer: Viewer, query: Mapping[str, str]
) -> Mapping[str, Any]:
    runtime = dashboard.runtime
    return {
        "title": "People",
        "admins": list_admins(session, runtime.settings),
        "handlers": handlers(session, runtime.bot.resources.find(Desk)),
        # Only those who agreed to be listed: the directory's own rule (listed_offers).
        "volunteers": listed_offers(session),
        "kinds": KINDS,
        "times": TIMES,
        "regions": VOLUNTEER_REGIONS,
    }
