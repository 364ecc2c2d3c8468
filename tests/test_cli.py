"""The ``inclusion-bot`` command: help, configuration errors, migrations, the admin role, the
one-shot tick, the export and the JSON-lines mode.

Commands that need no piped conversation run in-process with click's CliRunner; the console
chat runs as a real subprocess fed through a pipe. On SQLite the CLI uses the embedded database
in DATA_DIR; with TEST_DATABASE_URL set it uses that (migrated, emptied) PostgreSQL database.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from app.cli import main
from app.runtime import open_store
from bot.awareness.models import OrganiserDecision
from bot.config import Settings
from bot.pledge.content import Pledge
from bot.store import Store
from tests.conftest import SIGN_UP

SETTING_NAMES = [name.upper() for name in Settings.model_fields]
CHECKIN_HEADING = "Your pledge check-in for the week of Monday 1 March 2027"
ALICE = {"platform": "console", "user_id": "alice", "display_name": "Alice"}


@dataclass
class Cli:
    """The command line with a clean configuration: nothing leaks in from the environment."""

    env: dict[str, str | None]
    cwd: Path

    def invoke(self, *args: str, **settings: str | None) -> Result:
        """Run ``inclusion-bot ARGS`` in-process; ``settings`` override the environment."""
        return CliRunner().invoke(main, list(args), env={**self.env, **settings})

    def pipe(self, args: list[str], lines: list[str], **settings: str) -> str:
        """Run ``inclusion-bot ARGS`` as a process with ``lines`` on its standard input."""
        env = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES}
        env.update({k: v for k, v in {**self.env, **settings}.items() if v is not None})
        env["PYTHONIOENCODING"] = "utf-8"
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=self.cwd,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        return done.stdout


@pytest.fixture
def cli(
    tmp_path: Path,
    database_url: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    """SQLite: the embedded database in DATA_DIR. PostgreSQL: the test database, emptied."""
    monkeypatch.chdir(tmp_path)  # so no stray .env file is read
    env: dict[str, str | None] = dict.fromkeys(SETTING_NAMES)
    env["DATA_DIR"] = str(tmp_path / "data")
    env["ANNOUNCEMENTS_CHANNEL"] = "console:#announcements"  # SIGN_UP answers that question
    if database_url.startswith("postgresql"):
        request.getfixturevalue("store")  # empties the tables
        env["DATABASE_URL"] = database_url
        env["REPORTS_KEY"] = TEST_REPORTS_KEY  # required with an external database
    return Cli(env, tmp_path)


TEST_REPORTS_KEY = "x8bHmaSWsAW7SZyj0aBwhgbVm1BEiFPe0G4KMvZoSls="


def one_line_error(result: Result) -> str:
    """The error of a failed command: one line, exit status 1, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


def head_revision(tmp_path: Path) -> str:
    store = Store(f"sqlite:///{tmp_path / 'for-the-head-revision.db'}")
    try:
        head = store.head_revision()
    finally:
        store.dispose()
    assert head
    return head


def sign_up_alice(cli: Cli, *then: str) -> str:
    """Sign alice up in a piped console session at 08:00 UTC, then type ``then``."""
    printed = cli.pipe(
        ["chat", "--as", "alice"], ["/clock 2027-03-01T08:00Z", "/pledge", *SIGN_UP, *then]
    )
    assert "Thank you for signing" in printed
    return printed


# --- help --------------------------------------------------------------------------------------


def _command_paths(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _command_paths(sub, (*path, name))


COMMAND_PATHS = list(_command_paths(main))


def test_the_walk_finds_every_command() -> None:
    expected = {
        ("run",),
        ("chat",),
        ("tick",),
        ("db", "upgrade"),
        ("admins", "add"),
        ("admins", "list"),
        ("admins", "remove"),
        ("export", "checkins"),
        ("dashboard", "link"),
    }
    assert expected <= set(COMMAND_PATHS)


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "inclusion-bot")
def test_help_works_everywhere_even_when_the_configuration_is_bad(
    tmp_path: Path, path: tuple[str, ...]
) -> None:
    env = {"DEFAULT_TIMEZONE": "Mars/Base", "DATA_DIR": str(tmp_path)}
    for flag in ("--help", "-h"):
        result = CliRunner().invoke(main, [*path, flag], env=env)
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Usage: ")
        assert len(result.output.splitlines()) > 3
        assert "Error" not in result.output
    assert not (tmp_path / "inclusion-bot.db").exists()


# --- configuration errors ----------------------------------------------------------------------

COMMANDS_THAT_NEED_SETTINGS = [
    ["admins", "list"],
    ["db", "upgrade"],
    ["export", "checkins"],
    ["tick", "--now", "2027-03-01T09:00:00Z"],
    ["chat", "--jsonl"],
]


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Base", "'Mars/Base' is not a time zone I know"),
        ("REMINDER_AFTER_HOURS", "72,24", "must be increasing positive hours, e.g. 24,72"),
        ("ADMINS", "nonsense", "'nonsense' is not an address"),
        ("AWARENESS_REGIONS", "uk,mars", "unknown region 'mars'; known: global, uk"),
    ],
)
def test_bad_configuration_is_one_clear_line(cli: Cli, name: str, value: str, says: str) -> None:
    for args in COMMANDS_THAT_NEED_SETTINGS:
        error = one_line_error(cli.invoke(*args, **{name: value}))
        assert error.startswith(f"Error: Configuration error: {name}: "), args
        assert says in error, args


def test_an_unreachable_database_is_named_without_its_password(cli: Cli) -> None:
    url = "postgresql://bob:s3cret@127.0.0.1:1/nowhere"
    for args in COMMANDS_THAT_NEED_SETTINGS:
        result = cli.invoke(*args, DATABASE_URL=url)
        error = one_line_error(result)
        assert "s3cret" not in result.output
        assert "Cannot reach the database at postgresql://bob:***@127.0.0.1:1/nowhere" in error


# --- migrations --------------------------------------------------------------------------------


def test_a_database_that_is_not_migrated_says_to_run_db_upgrade(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    for args in (["admins", "list"], ["export", "checkins"]):
        error = one_line_error(cli.invoke(*args, DATABASE_URL=url))
        assert "needs migrating: run `inclusion-bot db upgrade`" in error
    result = cli.invoke("db", "upgrade", DATABASE_URL=url)
    assert result.exit_code == 0, result.output
    assert result.output == f"Database is at revision {head_revision(tmp_path)} (latest).\n"
    result = cli.invoke("admins", "list", DATABASE_URL=url)
    assert result.exit_code == 0, result.output
    assert "No admins yet" in result.output


def test_db_upgrade_reports_the_revision_and_can_run_again(
    cli: Cli, database_url: str, tmp_path: Path
) -> None:
    expected = f"Database is at revision {head_revision(tmp_path)} (latest).\n"
    for _ in range(2):
        result = cli.invoke("db", "upgrade", DATABASE_URL=database_url)
        assert result.exit_code == 0, result.output
        assert result.output == expected


def test_the_embedded_database_needs_no_upgrade(cli: Cli) -> None:
    result = cli.invoke("admins", "list", DATABASE_URL=None)
    assert result.exit_code == 0, result.output
    assert (cli.cwd / "data" / "inclusion-bot.db").exists()


# --- the admin role ----------------------------------------------------------------------------


def test_admins_add_list_and_remove(cli: Cli) -> None:
    result = cli.invoke("admins", "list")
    assert result.output == "No admins yet: inclusion-bot admins add console:alice\n"
    assert cli.invoke("admins", "add", "console:alice").output == (
        "console:alice is now an admin.\n"
    )
    assert cli.invoke("admins", "add", "console:alice").output == (
        "console:alice is already an admin.\n"
    )
    assert cli.invoke("admins", "add", "slack:T0123:U0456").exit_code == 0
    result = cli.invoke("admins", "list", ADMINS="console:dina")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "console:dina\tADMINS setting",
        "console:alice\tstore",
        "slack:T0123:U0456\tstore",
    ]
    result = cli.invoke("admins", "remove", "console:alice")
    assert result.output == "console:alice is no longer an admin.\n"
    result = cli.invoke("admins", "remove", "console:alice")
    assert result.output == "console:alice was not an admin.\n"
    result = cli.invoke("admins", "remove", "console:dina", ADMINS="console:dina")
    assert result.output == (
        "console:dina is an admin through the ADMINS setting: "
        "take them out of ADMINS to remove the role.\n"
    )
    assert cli.invoke("admins", "list").output == "slack:T0123:U0456\tstore\n"


@pytest.mark.parametrize("address", ["nonsense", "console:", ":alice", "slack:T0123", "slack::U1"])
def test_a_malformed_admin_address_is_refused(cli: Cli, address: str) -> None:
    result = cli.invoke("admins", "add", address)
    assert result.exit_code == 2, result.output
    assert "is not an address" in result.output
    assert "Traceback" not in result.output
    assert "No admins yet" in cli.invoke("admins", "list").output


# --- the one-shot tick -------------------------------------------------------------------------


def test_tick_sends_a_due_checkin_once(cli: Cli) -> None:
    sign_up_alice(cli)
    result = cli.invoke("tick", "--now", "2027-03-01T08:59:00Z")
    assert result.exit_code == 0, result.output
    assert "queued 0 check-in(s)" in result.output
    result = cli.invoke("tick", "--now", "2027-03-01T09:00:00Z")
    assert result.exit_code == 0, result.output
    assert "bot → alice (direct message):" in result.output
    assert CHECKIN_HEADING in result.output
    # Monday 1 March also brings Women's History Month and the heads-up for 8 March.
    assert result.output.splitlines()[-1] == (
        "Tick at 2027-03-01T09:00:00+00:00: queued 1 check-in(s), 0 reminder(s), "
        "0 owners' check-in(s), 0 overdue note(s), 2 awareness post(s), "
        "0 date question(s) to admins, 0 report notice(s) and "
        "0 volunteer nudge(s); sent 3, retrying 0, failed 0."
    )
    result = cli.invoke("tick", "--now", "2027-03-01T09:00:00Z")
    assert result.exit_code == 0, result.output
    assert CHECKIN_HEADING not in result.output
    assert (
        "queued 0 check-in(s), 0 reminder(s), 0 owners' check-in(s), 0 overdue note(s), "
        "0 awareness post(s), 0 date question(s) to admins, 0 report notice(s) and "
        "0 volunteer nudge(s); sent 0," in (result.output)
    )


@pytest.mark.parametrize("now", ["yesterday", "2027-13-01T09:00:00Z", "", "9am"])
def test_tick_refuses_a_bad_instant(cli: Cli, now: str) -> None:
    result = cli.invoke("tick", "--now", now)
    assert result.exit_code == 2, result.output
    assert "Invalid value for --now: use ISO 8601, e.g. 2027-03-08T09:00:00Z" in result.output
    assert "Traceback" not in result.output
    assert not (cli.cwd / "data").exists()  # refused before touching the database


def test_tick_needs_an_instant(cli: Cli) -> None:
    result = cli.invoke("tick")
    assert result.exit_code == 2
    assert "Missing option '--now'" in result.output


# --- the export --------------------------------------------------------------------------------


def answered_just_after_nine(text: str) -> bool:
    answered = datetime.fromisoformat(text)
    nine = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    return answered.utcoffset() == timedelta(0) and nine <= answered < nine + timedelta(minutes=1)


NOTE = '=HYPERLINK("http://example.com") see the minutes'


def test_export_has_one_row_per_step_update_in_csv_and_json(cli: Cli, pledge: Pledge) -> None:
    fields_in_the_notes_form = 18  # nine steps, each with a status and a note
    printed = sign_up_alice(
        cli,
        "/clock 2027-03-01T09:00Z",  # the check-in arrives; its buttons are numbered 1 to 43
        "1",  # Done, for the first step
        "8",  # Progressing, for the second
        "41",  # Answer with notes
        "",  # the first step's status: keep Done
        NOTE,
        *[""] * (fields_in_the_notes_form - 2),
    )
    assert CHECKIN_HEADING in printed
    assert "Saved 1 answer(s) for the week of Monday 1 March 2027." in printed
    first, second = (step.text for step in pledge.commitment(1).steps[:2])
    columns = ["pack", "leader", "commitment", "step", "week", "status", "note", "answered_at"]
    expected = [
        ["pledge", "alice", "1", first, "2027-03-01", "done", ""],
        ["pledge", "alice", "1", second, "2027-03-01", "progressing", ""],
        ["pledge", "alice", "1", first, "2027-03-01", "done", NOTE],
    ]

    result = cli.invoke("export", "checkins", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == columns
    assert [row[:7] for row in rows[1:3]] == expected[:2]
    assert rows[3][:7] == [*expected[2][:6], "'" + NOTE]  # a formula is defused
    assert len(rows) == 4
    for row in rows[1:]:  # the console's clock runs on from 09:00 as the session goes
        assert answered_just_after_nine(row[7])

    result = cli.invoke("export", "checkins", "--format", "json")
    assert result.exit_code == 0, result.output
    records: list[dict[str, Any]] = json.loads(result.stdout)
    assert [list(r) for r in records] == [columns] * 3
    assert [list(r.values())[:7] for r in records] == [
        [row[0], row[1], int(row[2]), *row[3:]] for row in expected
    ]
    assert records[2]["note"] == NOTE  # JSON is data, not a spreadsheet: left as typed
    assert [r["answered_at"] for r in records] == [row[7] for row in rows[1:]]

    out = cli.cwd / "checkins.csv"
    result = cli.invoke("export", "checkins", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(columns)


def test_export_of_nothing_is_just_the_header(cli: Cli) -> None:
    result = cli.invoke("export", "checkins")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "pack,leader,commitment,step,week,status,note,answered_at"
    ]
    result = cli.invoke("export", "checkins", "--format", "json")
    assert json.loads(result.stdout) == []


def test_export_refuses_an_unknown_format(cli: Cli) -> None:
    result = cli.invoke("export", "checkins", "--format", "xlsx")
    assert result.exit_code == 2
    assert "'xlsx' is not one of 'csv', 'json'" in result.output


# --- JSON lines --------------------------------------------------------------------------------


def _event(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, "actor": ALICE, **fields})


def test_jsonl_answers_events_reports_bad_lines_and_carries_on(cli: Cli, pledge: Pledge) -> None:
    signing: Mapping[str, str | list[str]] = {
        **{f"steps_{c.number}": [c.steps[0].id] for c in pledge.commitments},
        "weekday": "1",
        "time": "09:00",
        "timezone": "Europe/London",
        "announce": "no",
    }
    lines = [
        '{"type":"clock","set":"2027-03-01T08:00Z"}',
        _event("command", name="pledge", args=""),
        "this is not JSON",
        '{"type": "command", "name": "pledge"}',  # no actor
        '{"hello": "world"}',
        '{"type": "telepathy", "actor": {"platform": "console", "user_id": "alice"}}',
        '{"type": "clock", "set": "teatime"}',
        _event("form", form_id="pledge.sign", values=signing),
        '{"type":"clock","set":"2027-03-01T09:00Z"}',
        _event("command", name="frobnicate"),
    ]
    printed = cli.pipe(["chat", "--jsonl"], lines)
    out = [json.loads(line) for line in printed.splitlines()]
    posts = [o for o in out if o.get("destination") == "console:#announcements"]
    assert len(posts) == 2  # Monday 1 March: Women's History Month, and 8 March's heads-up
    out = [o for o in out if o not in posts]
    assert [o["type"] for o in out] == [
        "clock",
        "reply",
        "error",
        "error",
        "error",
        "error",
        "error",
        "reply",
        "clock",
        "send",
        "reply",
    ]
    assert out[0] == {"type": "clock", "now": "2027-03-01T08:00:00+00:00"}
    assert out[1]["to"] == "console:alice"
    assert out[1]["reply"]["type"] == "open_form"
    assert out[1]["reply"]["form"]["form_id"] == "pledge.sign"
    assert out[2]["error"].startswith("not JSON: ")
    assert out[3]["error"].startswith("not an event: ")
    assert "actor" in out[3]["error"]
    assert out[4]["error"].startswith("not an event: ")
    assert out[5]["error"].startswith("not an event: ")
    assert '{"type": "clock", "set": "2027-03-08T09:00:00Z"}' in out[6]["error"]
    assert out[7]["reply"]["type"] == "say"
    assert "Thank you for signing" in out[7]["reply"]["message"]["blocks"][0]["text"]
    assert out[8] == {"type": "clock", "now": "2027-03-01T09:00:00+00:00"}
    assert out[9]["destination"] == "console:alice"
    assert out[9]["message"]["blocks"][0]["text"] == CHECKIN_HEADING
    assert out[10]["reply"]["message"]["blocks"][0]["text"] == (
        "I don't know the command /frobnicate."
    )


def test_the_operators_command_prints_a_link_for_an_admin_only(cli: Cli) -> None:
    done = cli.invoke(
        "dashboard",
        "link",
        "console:dina",
        ADMINS="console:dina",
        PUBLIC_URL="https://bot.example.org/",
    )
    assert done.exit_code == 0, done.output
    assert re.match(
        r"https://bot\.example\.org/admin/sign-in\?token=[\w-]{40,}$", done.stdout.strip()
    )
    refused = cli.invoke("dashboard", "link", "console:mallory", ADMINS="console:dina")
    assert refused.exit_code == 1
    assert "console:mallory is not an admin" in refused.output
    assert "token=" not in refused.output


# --- issue 15: organisers' dates confirmed in chat --------------------------------------------


def test_awareness_list_shows_a_confirmed_date_as_confirmed(
    cli: Cli, database_url: str, tmp_path: Path
) -> None:
    def listed(fmt: str) -> str:
        result = cli.invoke(
            "awareness",
            "list",
            "--from",
            "2027-09-01",
            "--to",
            "2027-10-31",
            "--region",
            "uk",
            "--format",
            fmt,
        )
        assert result.exit_code == 0, result.output
        return result.output

    assert "2027-09-27  2027-10-03  National Inclusion Week [uk] (unconfirmed)" in listed("text")
    external = database_url if database_url.startswith("postgresql") else None
    store = open_store(
        Settings(_env_file=None, data_dir=tmp_path / "data", database_url=external)  # type: ignore[call-arg]
    )
    with store.session() as session:
        session.add(
            OrganiserDecision(
                entry_id="national-inclusion-week",
                year=2027,
                status="confirmed",
                start=date(2027, 9, 27),
                end=date(2027, 10, 3),
                decided_by="console:dina",
                decided_at=datetime(2027, 8, 16, 8, tzinfo=UTC),
            )
        )
    store.dispose()
    text = listed("text")
    assert "2027-09-27  2027-10-03  National Inclusion Week [uk]\n" in text
    [week] = [row for row in json.loads(listed("json")) if row["id"] == "national-inclusion-week"]
    assert week["confirmed"] is True
