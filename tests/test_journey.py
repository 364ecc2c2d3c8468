"""The leader's journey end to end, as a newcomer would script it: the real `inclusion-bot run`
with tests/journey.txt piped in, on SQLite or (with TEST_DATABASE_URL) PostgreSQL.

Alice and Bob sign on Tuesday 2 March 2027. Alice answers her first check-in (Monday 8 March),
with notes; both miss the next one and get exactly two private reminders; Bob never answers.
Dina, the D&I lead, reads the summary on Tuesday 30 March, when the Easter Monday check-in
arrives.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.pledge.models import Checkin, StepUpdate
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.conftest import fresh_store
from tests.processes import free_port
from tests.test_cli import TEST_REPORTS_KEY

SCRIPT = Path(__file__).with_name("journey.txt")


@pytest.fixture(scope="module")
def journey(
    tmp_path_factory: pytest.TempPathFactory, _postgres_ready: str | None
) -> Iterator[tuple[str, Store]]:
    """Run the script once for the module; yield the transcript and the store it wrote to."""
    tmp_path = tmp_path_factory.mktemp("journey")
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "ADMINS": "console:dina",
        "ANNOUNCEMENTS_CHANNEL": "console:#announcements",
        # The dashboard's web server, beside the console: on free ports, so runs side by side
        # do not collide.
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "METRICS_PORT": str(free_port()),
    }
    env.pop("DATABASE_URL", None)
    if _postgres_ready:
        fresh_store(_postgres_ready).dispose()
        env["DATABASE_URL"] = _postgres_ready
        env["REPORTS_KEY"] = TEST_REPORTS_KEY  # required with an external database
    # Without DATABASE_URL the run creates and migrates its own SQLite file in DATA_DIR.
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "run", "--as", "alice"],
        stdin=SCRIPT.open(),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    store = Store(_postgres_ready or f"sqlite:///{tmp_path / 'inclusion-bot.db'}")
    yield result.stdout, store
    store.dispose()


@pytest.fixture
def transcript(journey: tuple[str, Store]) -> str:
    return journey[0]


def _section(transcript: str, start: str, end: str) -> str:
    return transcript.split(start, 1)[1].split(end, 1)[0]


def _private_words_in_channels(section: str) -> list[str]:
    """Channel posts (awareness dates) in a section that mention a check-in or a reminder."""
    posts = [
        part
        for part in section.split("bot → ")[1:]
        if part.split("\n", 1)[0].endswith("(channel):")
    ]
    return [p for p in posts if "check-in" in p.lower() or "reminder" in p.lower()]


def test_signing_is_confirmed_with_the_first_checkin_date(transcript: str) -> None:
    assert transcript.count("Thank you for signing") == 2
    assert "Your first check-in arrives on Monday 8 March 2027 at 09:00 (Europe/London)" in (
        transcript
    )


def test_the_checkin_arrives_privately_a_week_later_and_is_answered(transcript: str) -> None:
    week = _section(transcript, "> /clock 2027-03-08T09:00Z", "> /clock 2027-03-15T09:00Z")
    assert "bot → you (direct message):" in week
    assert "bot → bob (direct message):" in week
    assert "Your pledge check-in for the week of Monday 8 March 2027" in week
    assert not _private_words_in_channels(week)
    assert week.count("Your answer: Done") >= 1
    assert "Saved 2 answer(s) for the week of Monday 8 March 2027" in week
    assert "“Booked the D&I away day”" in week


def test_a_missed_checkin_gets_two_private_reminders_and_no_more(transcript: str) -> None:
    first = _section(transcript, "> /clock +1d", "> /clock +2d")
    last = _section(transcript, "> /clock +2d", "> /clock +3d")
    after = _section(transcript, "> /clock +3d", "> /clock 2027-03-22T09:00Z")
    assert first.count("A gentle reminder") == 2  # Alice and Bob, each in a DM
    assert last.count("A last gentle reminder") == 2
    assert "bot →" not in after
    assert not _private_words_in_channels(first + last)


def test_the_admin_summary_shows_participation_and_who_has_gone_quiet(transcript: str) -> None:
    summary = _section(transcript, "dina> /pledge summary", "bob> 1")
    assert "2 leader(s) active" in summary
    assert "Week of 8 Mar: 1 of 2 responded (50%), 1 missed" in summary
    assert "Week of 15 Mar: 0 of 2 responded (0%), 2 missed" in summary
    assert "(D&I): 1" in summary  # one step done under commitment 1
    assert "bob: 3 missed" in summary
    assert "alice:" not in summary


def test_progress_shows_history_and_notes(transcript: str) -> None:
    progress = _section(transcript, "alice> /pledge progress", "alice> /as dina")
    assert "Latest: Done (week of 8 Mar)" in progress
    assert "Latest: Stuck (week of 8 Mar)" in progress
    assert "“Waiting for HR”" in progress
    assert "1 of 4 check-ins answered" in progress


def test_someone_elses_button_is_refused(transcript: str) -> None:
    assert "That check-in belongs to someone else" in transcript.split("bob> 1", 1)[1]


def test_the_store_holds_exactly_what_the_transcript_shows(journey: tuple[str, Store]) -> None:
    store = journey[1]
    with store.session() as session:
        keys = session.scalars(select(OutboxMessage.idempotency_key)).all()
        statuses = dict(
            session.execute(select(Checkin.status, func.count()).group_by(Checkin.status)).all()
        )
        updates = session.scalar(select(func.count()).select_from(StepUpdate))
    assert sum(key.startswith("checkin:") for key in keys) == 8  # 4 weeks x 2 leaders
    # Reminders fall due only in the week of 15 March, when the clock stops on their days;
    # the other weeks jump straight to the next check-in, which closes the open one first.
    assert sum(key.startswith("reminder:") for key in keys) == 4
    assert statuses == {"answered": 1, "missed": 5, "open": 2}
    assert updates == 4  # two buttons, then the notes form changed two answers
