"""Commitment packs as content: the four shipped packs, their validation at start-up, and
`inclusion-bot packs list`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import content
from app.cli import main
from bot.packs.content import PackError, load_packs, read_pack
from bot.pledge.content import Pledge

SHIPPED = sorted(content.path("packs").glob("*.yaml"))

GOOD = """\
id: ours
title: Our own commitments
source: {title: Our board paper}
mode: organisation
cadence: monthly
scale: rag
commitments:
  - number: 1
    title: Listen
    actions:
      - {id: "1.1", text: Hold listening sessions, tags: [black-history-month]}
"""
#: A second commitment whose action repeats the first's id.
SECOND = """\
  - number: 2
    title: Act
    actions:
      - {id: "1.1", text: Act on what we heard}"""


def test_the_four_packs_load_from_content_packs() -> None:
    packs = load_packs(SHIPPED)
    assert [p.id for p in packs] == [
        "anti-racism",
        "pledge",
        "progression-checklist",
        "social-mobility",
    ]
    anti_racism = packs.need("anti-racism")
    assert [t.title for t in anti_racism.themes] == [
        "We are all responsible",
        "We are all committed",
        "We are all accountable",
    ]
    assert len(anti_racism.commitments) == 9
    texts = [a.text for c in anti_racism.commitments for a in c.actions]
    assert (
        "Publish an annual ethnicity pay gap as part of our wider diversity pay gap report, "
        "and take actions to reduce any pay gap that exists" in texts
    )
    checklist = packs.need("progression-checklist")
    assert [s.colour for s in checklist.statuses] == ["red", "amber", "green"]
    assert [t.id for t in checklist.themes] == [
        "leadership-culture",
        "workforce",
        "data",
        "enablers",
    ]
    assert "What are your quick wins?" in checklist.follow_up


def test_no_conversion_artefacts_survive_in_any_pack() -> None:
    for path in SHIPPED:
        pack = read_pack(path)
        words = [pack.title, pack.intro] + [
            text
            for c in pack.commitments
            for text in (c.title, c.note, *(a.text for a in c.actions))
        ]
        for text in words:
            for artefact in ("bookmark", "footnote", "Β", "·", "\n", "  ", "**", "#"):
                assert artefact not in text, (path.name, artefact, text)


def test_the_pledge_is_one_pack_with_the_same_words() -> None:
    pledge = Pledge.from_pack(read_pack(content.path("packs/pledge.yaml")))
    assert len(pledge.commitments) == 8
    assert pledge.suggestion("4.3") is not None and pledge.ongoing("4.3") is True
    assert pledge.url == "https://ipinclusive.org.uk/the-ip-inclusive-senior-leaders-pledge/"


def test_actions_may_carry_tags(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert read_pack(path).commitments[0].actions[0].tags == ("black-history-month",)


@pytest.mark.parametrize(
    ("change", "entry", "problem"),
    [
        (("mode: organisation", "mode: team"), "ours: mode", "'personal' or 'organisation'"),
        (("Hold listening", "x" * 501 + " Hold"), "commitment 1: action 1.1: text", "500"),
        (("  - number: 1", "  - number: 2"), "ours: the pack", "numbered 1, 2, 3"),
        (('id: "1.1", ', ""), "commitment 1: action 1: id", "Field required"),
        (("tags:", "tag:"), "action 1.1: tag", "Extra inputs"),
        (("scale: rag", "scale: [red, green]"), "ours: scale", "'pledge' or 'rag'"),
        (("title: Listen", "title: Listen\n    theme: nope"), "ours: the pack", "theme nope"),
        (("commitments:", "commitments: 3\nnothing:"), "ours: commitments", "tuple"),
        (
            ("tags: [black-history-month]}", "tags: [black-history-month]}\n" + SECOND),
            "ours: the pack",
            "action id 1.1 is used twice, in commitments 1 and 2",
        ),
    ],
)
def test_a_broken_pack_names_the_file_entry_and_problem(
    tmp_path: Path, change: tuple[str, str], entry: str, problem: str
) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        read_pack(path)
    assert str(caught.value).startswith(f"{path}: ours: ")
    assert entry in str(caught.value) and problem in str(caught.value)


def test_a_broken_pack_stops_start_up(tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    broken = tmp_path / "packs" / "ours.yaml"
    broken.write_text(GOOD.replace("text: Hold listening sessions", "text: ''"), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["admins", "list"], env={"DATA_DIR": str(tmp_path), "CONTENT_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1
    assert "A commitment pack is broken, so I won't start" in result.output
    assert str(broken) in result.output and "action 1.1: text" in result.output
    assert "at least 1 character" in result.output


def test_two_own_packs_with_one_id_stop_start_up_naming_both(tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    first, second = tmp_path / "packs" / "a.yaml", tmp_path / "packs" / "b.yaml"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text(GOOD, encoding="utf-8")
    env = {"DATA_DIR": str(tmp_path), "CONTENT_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, ["packs", "list"], env=env)
    assert result.exit_code == 1
    assert "A commitment pack is broken, so I won't start" in result.output
    assert str(first) in result.output and str(second) in result.output
    assert "same id" in result.output
    # Replacing a shipped pack with the organisation's own copy stays allowed.
    second.unlink()
    shipped = content.path("packs/anti-racism.yaml").read_text(encoding="utf-8")
    first.write_text(shipped.replace("title: Our Anti-Racism", "title: Our Own"), encoding="utf-8")
    result = CliRunner().invoke(main, ["packs", "list", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    titles = {p["id"]: p["title"] for p in json.loads(result.output)}
    assert titles["anti-racism"].startswith("Our Own")


def test_an_old_pledge_copy_is_pointed_to_its_new_place(tmp_path: Path) -> None:
    (tmp_path / "pledge.yaml").write_text("title: ours\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["packs", "list"], env={"DATA_DIR": str(tmp_path), "CONTENT_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1
    assert "move it to" in result.output and str(tmp_path / "packs" / "pledge.yaml") in (
        result.output
    )


def test_packs_list_json_is_the_contract(tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "ours.yaml").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["packs", "list", "--format", "json"],
        env={"DATA_DIR": str(tmp_path), "CONTENT_DIR": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [p["id"] for p in listed] == [
        "anti-racism",
        "ours",
        "pledge",
        "progression-checklist",
        "social-mobility",
    ]
    for pack in listed:
        assert set(pack) == {"id", "title", "mode", "cadence", "scale", "commitments"}
        assert pack["mode"] in ("personal", "organisation")
        assert pack["cadence"] in ("weekly", "monthly", "quarterly")
        for commitment in pack["commitments"]:
            assert set(commitment) == {"title", "actions"} and commitment["actions"]
    ours = listed[1]
    assert ours["scale"] == ["red", "amber", "green"]
    assert ours["commitments"] == [{"title": "Listen", "actions": ["Hold listening sessions"]}]
    pledge = listed[2]
    assert pledge["mode"] == "personal" and pledge["cadence"] == "weekly"
    assert len(pledge["commitments"]) == 8


SEEDS = Path("/work/shared/seeds")


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"the source document {name} is not on this machine")
    return " ".join(path.read_text(encoding="utf-8").split())


def test_reconstructed_words_quote_the_source_and_the_scale_uses_its_words() -> None:
    """Every note about words cut off quotes what the source has, so a reader can tell what
    was added; the red/amber/green labels are the checklist's column headings."""
    source = _seed("progression-masterclass-checklist.txt")
    checklist = read_pack(content.path("packs/progression-checklist.yaml"))
    for action_id, cut_off in [("3.1", False), ("3.3", True), ("4.1", True), ("4.4", True)]:
        found = checklist.action(action_id)
        assert found is not None
        note = found[1].note
        quoted = [part.split("”")[0] for part in note.split("“")[1:]]
        assert any(q not in source for q in quoted), note  # what was added
        if cut_off:
            assert any(q in source for q in quoted), note  # what the source says
    for status in checklist.statuses:
        assert status.label.split(": ", 1)[1] in source


def test_the_social_mobility_pack_quotes_and_links_its_document() -> None:
    source = _seed("careers-in-ideas-week-outcomes.txt")
    pack = read_pack(content.path("packs/social-mobility.yaml"))
    note = pack.commitment(1).note
    assert note.split("“")[1].split("”")[0] in source
    links = {link.url for c in pack.commitments for a in c.actions for link in a.links}
    assert "Teach-First-Virtual-Work-Experience-Employer-Brochure.pdf" in " ".join(links)
    assert "201020-soc-mob-think-tank-outcomes.docx" in " ".join(links)
