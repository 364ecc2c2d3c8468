"""The overview's figures: participation per week, answers by status per commitment, and the
leaders gone quiet. Counted by the database (GROUP BY), so the page costs the same few queries
for ten leaders or ten thousand (benchmarks/dashboard_overview.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.pledge.content import Pledge
from bot.pledge.models import Checkin, Leader, Step, StepUpdate
from bot.pledge.progress import SUMMARY_WEEKS, WeekFigures
from bot.pledge.wording import STATUSES
from bot.store.models import Person

#: The weeks the participation chart shows.
WEEKS = 12


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class CommitmentAnswers:
    number: int
    title: str
    counts: Counter[str]


@dataclass(frozen=True)
class QuietLeader:
    name: str
    missed: int
    last_answered: date | None


@dataclass(frozen=True)
class Overview:
    weeks: list[WeekFigures]
    commitments: list[CommitmentAnswers]
    quiet: list[QuietLeader]
    #: The missed check-ins (within SUMMARY_WEEKS) that make a leader "gone quiet".
    threshold: int
    #: The weeks the answers and the leaders gone quiet cover.
    recent_weeks: int
    statuses: dict[str, str]


def participation(session: Session, now: datetime) -> list[WeekFigures]:
    """Check-ins by status for each of the last WEEKS weeks (Monday to Sunday), oldest first.
    Grouped by the day it was due; days are folded into their weeks here (at most 84 rows)."""
    first = monday_of(now.date()) - timedelta(weeks=WEEKS - 1)
    weeks = {first + timedelta(weeks=i): Counter[str]() for i in range(WEEKS)}
    rows = session.execute(
        select(Checkin.week_of, Checkin.status, func.count())
        .where(Checkin.week_of >= first)
        .group_by(Checkin.week_of, Checkin.status)
    )
    for day, status, count in rows:
        monday = monday_of(day)
        if monday in weeks:
            weeks[monday][status] += count
    return [WeekFigures(monday, counts) for monday, counts in sorted(weeks.items())]


def answers_by_commitment(
    session: Session, pledge: Pledge, now: datetime
) -> list[CommitmentAnswers]:
    """Statuses given to steps in the last SUMMARY_WEEKS weeks, per commitment: where each
    commitment stands now, over the weeks /pledge summary covers (a change of mind adds an
    answer, so these count answers). Read by answer time from a covering index: joining
    through the check-ins took three times as long at 10,000 leaders, and twelve weeks of
    answers (the participation chart's span) five times as long as five."""
    first = monday_of(now.date()) - timedelta(weeks=SUMMARY_WEEKS - 1)
    since = datetime.combine(first, time(), UTC)
    counts: dict[int, Counter[str]] = {c.number: Counter() for c in pledge.commitments}
    rows = session.execute(
        select(Step.commitment, StepUpdate.status, func.count())
        .join(Step, Step.id == StepUpdate.step_id)
        .where(StepUpdate.answered_at >= since)
        .group_by(Step.commitment, StepUpdate.status)
    )
    for number, status, count in rows:
        if number in counts:
            counts[number][status] += count
    return [CommitmentAnswers(c.number, c.title, counts[c.number]) for c in pledge.commitments]


def gone_quiet(session: Session, now: datetime, threshold: int) -> list[QuietLeader]:
    """Active leaders with ``threshold`` or more missed check-ins in the last SUMMARY_WEEKS
    weeks (what /pledge summary calls "not heard from"), most missed first.

    The missed check-ins are counted here rather than by GROUP BY leader_id: grouping made
    SQLite walk the whole (leader_id, week_of) index instead of the recent weeks."""
    first = monday_of(now.date()) - timedelta(weeks=SUMMARY_WEEKS - 1)
    missed = Counter(
        session.scalars(
            select(Checkin.leader_id).where(Checkin.week_of >= first, Checkin.status == "missed")
        )
    )
    quiet = [leader_id for leader_id, count in missed.items() if count >= threshold]
    if not quiet:
        return []
    rows = session.execute(
        select(
            Leader.id,
            Leader.status,
            Person.display_name,
            Person.user_id,
            func.max(Checkin.answered_at),
        )
        .join(Person, Person.id == Leader.person_id)
        .outerjoin(Checkin, Checkin.leader_id == Leader.id)
        .where(Leader.id.in_(quiet))
        .group_by(Leader.id, Leader.status, Person.display_name, Person.user_id)
    )
    found = [
        QuietLeader(name or user_id, missed[leader_id], last.date() if last else None)
        for leader_id, status, name, user_id, last in rows
        if status == "active"  # filtered here: in SQL it walked every active leader's row
    ]
    return sorted(found, key=lambda leader: (-leader.missed, leader.name))


def overview(session: Session, pledge: Pledge, now: datetime, threshold: int) -> Overview:
    return Overview(
        participation(session, now),
        answers_by_commitment(session, pledge, now),
        gone_quiet(session, now, threshold),
        threshold,
        SUMMARY_WEEKS,
        STATUSES,
    )
