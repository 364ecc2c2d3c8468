"""A JSON-lines journey per pack, as a script would drive the bot (SQLite, or PostgreSQL with
TEST_DATABASE_URL): adopt (or sign), assign, the check-in answered, the due-date nudge, the
board, and `inclusion-bot export checkins --pack ID`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from adapters.console.jsonl import JsonLinesChat
from adapters.platforms import Settings
from app.cli import main
from bot.commitments.checkins import offered
from bot.packs.content import Pack, Packs
from tests.conftest import Harness

DINA = {"platform": "console", "user_id": "dina", "display_name": "Dina"}  # the admin
OMAR = {"platform": "console", "user_id": "omar", "display_name": "Omar"}
SETTING_NAMES = [name.upper() for name in Settings.model_fields]


class Script:
    """JSON lines in, JSON lines out: each ``run`` returns what its lines printed."""

    def __init__(self, harness: Harness) -> None:
        self.out = io.StringIO()
        self.chat = JsonLinesChat(
            harness.runtime.bot.handle, harness.run_due, harness.clock, self.out
        )
        harness.senders["console"] = self.chat  # type: ignore[assignment]

    def run(self, *records: dict[str, Any]) -> list[dict[str, Any]]:
        start = self.out.tell()
        for record in records:
            self.chat.feed(json.dumps(record))
        self.out.seek(start)
        printed = [json.loads(line) for line in self.out.read().splitlines()]
        self.out.seek(0, io.SEEK_END)
        assert [p for p in printed if p["type"] == "error"] == []
        return printed


def command(actor: dict[str, str], name: str, args: str = "") -> dict[str, Any]:
    return {"type": "command", "actor": actor, "name": name, "args": args}


def words(printed: list[dict[str, Any]]) -> str:
    """Every text block's words in what was printed."""
    found = []
    for record in printed:
        body = record.get("reply", record).get("message") or record.get("reply", {}).get("form")
        for block in (body or {}).get("blocks", []) + (body or {}).get("intro", []):
            if block.get("type") == "text":
                found.append(block["text"])
    return " ".join(" ".join(found).split())


def buttons(printed: list[dict[str, Any]], action_id: str) -> list[dict[str, str]]:
    found = []
    for record in printed:
        message = record.get("reply", record).get("message") or {}
        for block in message.get("blocks", []):
            found += [b for b in block.get("buttons", []) if b["action_id"] == action_id]
    return found


def export(database_url: str, tmp_path: Path, pack_id: str) -> list[dict[str, str]]:
    env: dict[str, str | None] = dict.fromkeys(SETTING_NAMES)
    env.update(DATA_DIR=str(tmp_path / "cli"), DATABASE_URL=database_url)
    result = CliRunner().invoke(main, ["export", "checkins", "--pack", pack_id], env=env)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


ORGANISATION = ["anti-racism", "progression-checklist", "social-mobility"]


@pytest.mark.parametrize("pack_id", ORGANISATION)
def test_an_organisation_pack_journey(
    harness: Harness, packs: Packs, pack_id: str, database_url: str, tmp_path: Path
) -> None:
    pack: Pack = packs.need(pack_id)
    script = Script(harness)
    script.run({"type": "clock", "set": "2027-03-01T08:00:00Z"}, command(OMAR, "commitments"))
    # Adopt: the form asks about every commitment; choose every action (the most there are).
    [opened] = script.run(command(DINA, "commitments", f"adopt {pack_id}"))
    form = opened["reply"]["form"]
    assert [f["name"] for f in form["fields"]] == [f"actions_{c.number}" for c in pack.commitments]
    values = {f["name"]: [o["value"] for o in f["options"]] for f in form["fields"]}
    total = sum(len(c.actions) for c in pack.commitments)
    chosen = script.run(
        {
            "type": "form",
            "actor": DINA,
            "form_id": "commitments.choose",
            "context": pack_id,
            "values": values,
        }
    )
    assert f"Saved: {total} action(s) chosen ({total} added, 0 dropped)." in words(chosen)
    assign = buttons(chosen, "commitments.assign")
    assert len(assign) == total
    # Assign: the first action to Omar, due on 12 March, a quick win; the form names him.
    [form_reply] = script.run(
        {
            "type": "action",
            "actor": DINA,
            "action_id": "commitments.assign",
            "value": assign[0]["value"],
        }
    )
    [owner] = [f for f in form_reply["reply"]["form"]["fields"] if f["name"] == "owner"]
    omar = next(o["value"] for o in owner["options"] if o["label"] == "Omar")
    first = pack.commitments[0].actions[0]
    saved = script.run(
        {
            "type": "form",
            "actor": DINA,
            "form_id": "commitments.assign",
            "context": assign[0]["value"],
            "values": {"owner": omar, "due": "2027-03-12", "quick_win": "yes", "next_steps": ""},
        }
    )
    assert f"Saved: Omar owns {first.id}, due Friday 12 March 2027." in words(saved)
    # The check-in, with the due date in it (the nudge), answered.
    sent = script.run({"type": "clock", "set": "2027-03-01T09:00:00Z"})
    [checkin] = [s for s in sent if s["type"] == "send" and s["destination"] == "console:omar"]
    assert f"{first.id} {first.text}" in words([checkin])
    assert "Due on Friday 12 March 2027 (in 11 days)." in words([checkin])
    statuses = buttons([checkin], "commitments.status")
    assert [b["label"] for b in statuses] == [s.button for s in offered(pack, first)]
    middle = pack.statuses[len(pack.statuses) // 2]
    pressed = next(b for b in statuses if b["value"].endswith(f":{middle.key}"))
    [update] = script.run(
        {
            "type": "action",
            "actor": OMAR,
            "action_id": "commitments.status",
            "value": pressed["value"],
        }
    )
    assert update["reply"]["type"] == "update"
    assert f"Latest: {middle.label}." in words([update])
    # The board: owner, due date, latest status and colour; counts per colour; quick wins.
    board = words(script.run(command(DINA, "commitments", pack_id)))
    assert f"{middle.colour.capitalize()}: {first.id} {first.text}" in board
    assert "Owner: Omar · due Friday 12 March 2027 · " + middle.label in board
    assert f"All: {_counts(middle.colour, total)}" in board
    assert f"Quick wins {first.id} {first.text}" in board
    # A week later the due date is near: asked again, however long the pack's cadence.
    nudge = script.run({"type": "clock", "set": "2027-03-08T09:00:00Z"})
    assert "Due on Friday 12 March 2027 (in 4 days)." in words(nudge)
    # The export: one row for Omar's answer, with its pack.
    rows = export(database_url, tmp_path, pack_id)
    assert [(r["pack"], r["leader"], r["step"], r["status"]) for r in rows] == [
        (pack_id, "Omar", first.text, middle.key)
    ]
    assert export(database_url, tmp_path, "pledge") == []


def _counts(colour: str, total: int) -> str:
    counts = {c: int(c == colour) for c in ("red", "amber", "green")}
    return ", ".join(f"{n} {c}" for c, n in counts.items()) + f", {total - 1} not answered yet"


def test_the_pledge_pack_journey_is_the_pledges(
    harness: Harness, database_url: str, tmp_path: Path
) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## JSON lines", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    script = Script(harness)
    printed = script.run(*(json.loads(line) for line in section.strip().splitlines()))
    assert "Thank you for signing" in json.dumps(printed)
    summary = words(script.run(command(DINA, "pledge", "summary pledge")))
    assert "Pledge summary" in summary and "1 leader(s) active" in summary
    assert "Other packs: anti-racism, progression-checklist, social-mobility." in summary
    rows = export(database_url, tmp_path, "pledge")
    assert [(r["pack"], r["leader"], r["status"]) for r in rows] == [("pledge", "Alice", "done")]
    assert export(database_url, tmp_path, "anti-racism") == []
