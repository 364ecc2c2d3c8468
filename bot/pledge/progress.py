"""Records of progress: a leader's own view, the D&I lead's summary, and the export.

Nudges are private and never disciplinary; the summary's "not heard from" list is for the D&I
lead alone, and a late answer takes a leader off it at once (it is computed, never stored).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.conversation import Block, Message, TextBlock
from bot.dates import long_date, short_date
from bot.pledge.content import Pledge
from bot.pledge.leaders import away_until, next_checkin_day, workplace
from bot.pledge.models import Checkin, Leader, Step, StepUpdate
from bot.pledge.wording import STATUSES, schedule
from bot.pledge.workdays import why_off
from bot.store.models import Person

HISTORY_WEEKS = 6
SUMMARY_WEEKS = 5  # this week and the four before it


def streak(statuses_newest_first: list[str]) -> int:
    """Weeks answered in a row. Skipped and away weeks neither count nor break it; an open
    check-in (still answerable) is passed over; a missed one ends it."""
    count = 0
    for status in statuses_newest_first:
        if status == "answered":
            count += 1
        elif status == "missed" or (status == "open" and count):
            break
    return count


def progress(
    session: Session, pledge: Pledge, leader: Leader, now: datetime, closures: dict[date, str]
) -> Message:
    """A leader's own view. ``closures``: the organisation's closure days, by date."""
    checkins = session.scalars(
        select(Checkin).where(Checkin.leader_id == leader.id).order_by(Checkin.week_of.desc())
    ).all()
    updates = session.execute(
        select(StepUpdate.step_id, StepUpdate.status, StepUpdate.note, Checkin.week_of)
        .join(Checkin, Checkin.id == StepUpdate.checkin_id)
        .where(Checkin.leader_id == leader.id)
        .order_by(Checkin.week_of.desc(), StepUpdate.id.desc())
    ).all()
    history: dict[int, dict[date, tuple[str, str]]] = defaultdict(dict)
    for row in updates:  # newest first: the first seen per (step, week) is the latest
        history[row.step_id].setdefault(row.week_of, (row.status, row.note))
    answered = sum(1 for c in checkins if c.status == "answered")
    expected = sum(1 for c in checkins if c.status in ("answered", "missed", "open"))
    blocks: list[Block] = [TextBlock(text="Your pledge progress", style="heading")]
    state = {
        "active": f"Check-ins on {schedule(leader)}" + next_words(session, leader, closures),
        "paused": "Check-ins are paused (/pledge resume to restart them)",
        "left": "You have left the pledge; your history is kept",
    }[leader.status]
    away = away_until(leader, now)
    if away and leader.status == "active":
        state += f". You are away until {long_date(away)}"
    blocks.append(
        TextBlock(text=f"Signed {long_date(leader.signed_at.date())}. {state}.", style="context")
    )
    blocks.append(
        TextBlock(
            text=f"Streak: {streak([c.status for c in checkins])} week(s) answered in a row. "
            f"{answered} of {expected} check-ins answered."
        )
    )
    steps = [s for s in leader.steps if s.active]
    for commitment in pledge.commitments:
        mine = [s for s in steps if s.commitment == commitment.number]
        if not mine:
            continue
        blocks.append(TextBlock(text=f"{commitment.number}. {commitment.title}", style="heading"))
        for step in mine:
            blocks.append(TextBlock(text=step.text))
            weeks = sorted(history[step.id].items(), reverse=True)
            if not weeks:
                blocks.append(TextBlock(text="No answers yet.", style="context"))
                continue
            (latest_week, (status, note)) = weeks[0]
            line = f"Latest: {STATUSES[status]} (week of {short_date(latest_week)})"
            past = " · ".join(
                f"{short_date(w)} {STATUSES[s].lower()}" for w, (s, _) in weeks[:HISTORY_WEEKS]
            )
            blocks.append(TextBlock(text=f"{line}. History: {past}", style="context"))
            if note:
                blocks.append(TextBlock(text=note, style="quote"))
    return Message(blocks=blocks)


def next_words(session: Session, leader: Leader, closures: dict[date, str]) -> str:
    """ "; next on …", saying why when a day off moved it from the leader's usual day."""
    day = next_checkin_day(session, leader, frozenset(closures))
    if day is None:
        return ""
    words = f"; next on {long_date(day)}"
    usual = day - timedelta(days=(day.weekday() - leader.weekday) % 7)
    reason = why_off(usual, workplace(leader), closures) if usual != day else None
    if reason:
        words += f", moved from {long_date(usual)} ({reason})"
    return words


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekFigures:
    monday: date
    counts: Counter[str]

    @property
    def expected(self) -> int:
        return sum(n for status, n in self.counts.items() if status != "away")

    @property
    def responded(self) -> int:
        return self.counts["answered"] + self.counts["skipped"]

    def line(self) -> str:
        if not self.expected:
            return "no check-ins"
        share = round(100 * self.responded / self.expected)
        parts = [f"{self.responded} of {self.expected} responded ({share}%)"]
        parts += [
            f"{self.counts[s]} {s}" for s in ("skipped", "missed", "open", "away") if self.counts[s]
        ]
        return ", ".join(parts)


def summary(session: Session, pledge: Pledge, now: datetime, missed_threshold: int) -> Message:
    this_monday = _monday(now.date())
    first = this_monday - timedelta(weeks=SUMMARY_WEEKS - 1)
    rows = session.execute(
        select(Checkin.week_of, Checkin.status, Checkin.leader_id).where(Checkin.week_of >= first)
    ).all()
    weeks = {first + timedelta(weeks=i): Counter[str]() for i in range(SUMMARY_WEEKS)}
    missed: Counter[int] = Counter()
    for row in rows:
        monday = _monday(row.week_of)
        if monday in weeks:
            weeks[monday][row.status] += 1
        if row.status == "missed":
            missed[row.leader_id] += 1
    statuses = Counter(
        dict(session.execute(select(Leader.status, func.count()).group_by(Leader.status)).all())
    )
    done = Counter(
        dict(
            session.execute(
                select(Step.commitment, func.count(func.distinct(StepUpdate.step_id)))
                .join(StepUpdate, StepUpdate.step_id == Step.id)
                .join(Checkin, Checkin.id == StepUpdate.checkin_id)
                .where(Checkin.week_of >= first, StepUpdate.status.in_(("done", "ongoing")))
                .group_by(Step.commitment)
            ).all()
        )
    )
    blocks: list[Block] = [
        TextBlock(text="Pledge summary", style="heading"),
        TextBlock(
            text=f"{statuses['active']} leader(s) active, {statuses['paused']} paused, "
            f"{statuses['left']} left.",
            style="context",
        ),
    ]
    figures = [WeekFigures(monday, counts) for monday, counts in sorted(weeks.items())]
    blocks.append(
        TextBlock(text=f"This week (from {long_date(this_monday)}): {figures[-1].line()}.")
    )
    blocks.append(TextBlock(text="The four weeks before", style="heading"))
    blocks.append(
        TextBlock(
            text="\n".join(f"Week of {short_date(f.monday)}: {f.line()}" for f in figures[:-1])
        )
    )
    blocks.append(
        TextBlock(text="Steps marked done or ongoing, by commitment (five weeks)", style="heading")
    )
    blocks.append(
        TextBlock(
            text="\n".join(f"{c.number}. {c.title}: {done[c.number]}" for c in pledge.commitments)
        )
    )
    blocks.append(
        TextBlock(
            text=f"Not heard from ({missed_threshold} or more missed check-ins in five weeks)",
            style="heading",
        )
    )
    quiet = [(leader_id, n) for leader_id, n in missed.most_common() if n >= missed_threshold]
    if quiet:
        names = dict(
            session.execute(
                select(Leader.id, Person.display_name)
                .join(Person, Person.id == Leader.person_id)
                .where(Leader.id.in_([leader_id for leader_id, _ in quiet]))
            ).all()
        )
        lines = [f"{names[leader_id] or 'A leader'}: {n} missed" for leader_id, n in quiet]
        blocks.append(TextBlock(text="\n".join(lines)))
        blocks.append(
            TextBlock(
                text="A friendly word in private works better than a reminder in public.",
                style="context",
            )
        )
    else:
        blocks.append(TextBlock(text="Nobody.", style="context"))
    return Message(blocks=blocks)


EXPORT_COLUMNS = ("leader", "commitment", "step", "week", "status", "note", "answered_at")


def export_rows(session: Session) -> Iterator[dict[str, str | int]]:
    """One row per step update, oldest first, for CSV or JSON export."""
    rows = session.execute(
        select(
            Person.display_name,
            Person.user_id,
            Step.commitment,
            Step.text,
            Checkin.week_of,
            StepUpdate.status,
            StepUpdate.note,
            StepUpdate.answered_at,
        )
        .join(Checkin, Checkin.id == StepUpdate.checkin_id)
        .join(Step, Step.id == StepUpdate.step_id)
        .join(Leader, Leader.id == Checkin.leader_id)
        .join(Person, Person.id == Leader.person_id)
        .order_by(StepUpdate.id)
        .execution_options(yield_per=1000)
    )
    for row in rows:
        yield {
            "leader": row.display_name or row.user_id,
            "commitment": row.commitment,
            "step": row.text,
            "week": row.week_of.isoformat(),
            "status": row.status,
            "note": row.note,
            "answered_at": row.answered_at.isoformat(),
        }
