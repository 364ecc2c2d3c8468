"""Time pledges and the volunteer directory in the console: offering, consent, searching,
paging, the Careers in Ideas Week nudge and question, withdrawal, and the operators' export.

The real calendar (content/awareness.yaml) dates the week: 16 to 22 November 2026, estimated
and so unconfirmed. SQLite, or PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError
from sqlalchemy import select

import content
from adapters.platforms import Settings
from app.cli import main
from app.runtime import Runtime
from bot.awareness.calendar import load_calendar
from bot.clock import ManualClock
from bot.conversation import ActionEvent, Actor, CommandEvent, FormEvent
from bot.pledge.content import Pledge
from bot.router import Bot
from bot.store import Store
from bot.store.models import OutboxMessage
from bot.volunteers.directory import PAGE_ACTION, listed_offers
from bot.volunteers.models import VolunteerOffer, VolunteerYear
from scheduler.tick import tick
from tests.conftest import Harness
from tests.test_cli import SETTING_NAMES

#: Speaker and mentor, half a day, London and online, a line about them, listed.
MONDAY = datetime(2030, 11, 4, 9, 0, tzinfo=UTC)
OFFER = ["1,2", "2", "1,13", "Patent attorney; came in through an apprenticeship", "1"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        admins="console:dina",
        outreach="console:olu",
    )


@pytest.fixture
def week(store: Store, settings: Settings, pledge: Pledge) -> Harness:
    clock = ManualClock(datetime(2026, 10, 20, 10, 0, tzinfo=UTC))
    calendar = load_calendar([content.path("awareness.yaml")])
    bot = Bot(store, clock, settings, pledge, calendar)
    return Harness(Runtime(settings, store, clock, bot), clock)


def say(harness: Harness, *lines: str) -> str:
    return " ".join(harness.say(*lines).split())


def button(printed: str, label: str) -> str:
    return printed.split(f"] {label}")[-2].rsplit("[", 1)[1]


def offer(harness: Harness, who: str, *answers: str) -> str:
    return say(harness, f"/as {who}", "/volunteer", *(answers or OFFER))


def test_an_offer_is_confirmed_in_words_and_shown_again(week: Harness) -> None:
    printed = offer(week, "alice")
    assert (
        "Thank you for offering your time: half a day as a speaker and mentor, in London "
        "and online." in printed
    )
    assert "You are in the volunteer directory" in printed
    card = say(week, "/volunteer")
    assert "Your offer: Half a day as a speaker and mentor, in London and online." in card
    assert "“Patent attorney; came in through an apprenticeship”" in card
    assert "[" in card and "Change my offer" in card and "Withdraw my offer" in card


def test_changing_an_offer_keeps_one_offer_and_asks_consent_again(week: Harness) -> None:
    offer(week, "alice")
    printed = say(week, "/volunteer edit", "6", "", "10,11", "", "2")
    assert "a careers clinic volunteer, in Wales and Scotland." in printed
    assert "You are not in the directory" in printed
    with week.runtime.store.session() as session:
        offers = session.scalars(select(VolunteerOffer)).all()
        assert [(o.kinds, o.regions, o.listed) for o in offers] == [
            (["careers-clinic"], ["wales", "scotland"], False)
        ]
        assert listed_offers(session, None) == []


def test_bad_answers_are_asked_again_and_nothing_is_lost(week: Harness) -> None:
    alice = Actor(platform="console", user_id="alice")
    form = {"kinds": ["speaker"], "time": "day", "regions": ["london"], "listed": "yes"}
    for values, field, problem in [
        ({**form, "about": "x" * 301}, "about", "That is 301 characters; the limit is 300."),
        ({**form, "listed": ""}, "listed", "May we list you in the volunteer directory?: This"),
        ({**form, "kinds": ["juggler"]}, "kinds", "juggler is not one of the choices."),
        ({**form, "regions": []}, "regions", "Choose at least one."),
    ]:
        event = FormEvent(actor=alice, form_id="volunteer.offer", values=values)
        [reply] = week.runtime.bot.handle(event)
        assert reply.type == "form_errors", reply
        assert problem in reply.errors[field]
    with week.runtime.store.session() as session:
        assert session.scalars(select(VolunteerOffer)).all() == []


def test_only_admins_and_outreach_search_and_only_listed_offers_show(week: Harness) -> None:
    offer(week, "alice")
    offer(week, "carol", "3", "1", "11", "", "2")  # a writer who did not agree to be listed
    refused = say(week, "/as bob", "/volunteers")
    assert refused.endswith(
        "Only admins and the outreach team can search the volunteer directory. "
        "To offer your own time, type /volunteer."
    )
    assert "alice" not in refused
    for who in ("olu", "dina"):
        found = say(week, f"/as {who}", "/volunteers")
        assert "1 offer(s) are listed." in found
        assert "alice: Speaker, Mentor. Half a day. London, Online." in found
        assert "carol" not in found
    assert "No offers match “writer”" in say(week, "/volunteers writer")


def test_the_directory_and_its_counts_stay_in_the_askers_workspace(week: Harness) -> None:
    offer(week, "alice")
    values = {"kinds": ["speaker"], "time": "day", "regions": ["london"], "listed": "yes"}
    strangers = [
        Actor(platform="slack", tenant="T999", user_id="U1", display_name="slackstranger"),
        Actor(platform="console", tenant="acme", user_id="zed", display_name="acmestranger"),
    ]
    for actor in strangers:
        week.runtime.bot.handle(FormEvent(actor=actor, form_id="volunteer.offer", values=values))
    with week.runtime.store.session() as session:
        for offer_row in session.scalars(select(VolunteerOffer)):
            if offer_row.kinds == ["speaker"]:  # the strangers' offers: a later week answered
                session.add(
                    VolunteerYear(offer_id=offer_row.id, year=2030, done="yes", nudged_at=MONDAY)
                )
    found = say(week, "/as dina", "/volunteers")
    assert "1 offer(s) are listed." in found and "alice: " in found
    assert "stranger" not in found and "2030" not in found
    assert "1 offer(s) match “speaker”." in say(week, "/volunteers speaker")
    with week.runtime.store.session() as session:
        assert len(listed_offers(session, None)) == 3  # the operators' export: everyone


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("speaker", ["alice", "erin"]),
        ("mentors", ["alice"]),
        ("coach scotland", ["dan"]),
        ("speaker scotland", ["alice"]),  # alice offers online: every region
        ("work experience", ["dan"]),
        ("apprenticeship", ["alice"]),
        ("speaker chemist", ["erin"]),
        ("yorkshire and the humber", ["alice", "erin"]),
        ("careers clinic north east", []),
    ],
)
def test_search_by_kind_region_and_words(week: Harness, search: str, names: list[str]) -> None:
    offer(week, "alice")
    offer(week, "dan", "4,5", "3", "11", "", "1")
    offer(week, "erin", "1", "1", "9", "Chemist turned patent examiner", "1")
    found = say(week, "/as olu", f"/volunteers {search}")
    shown = [n for n in ("alice", "dan", "erin") if f"{n}: " in found]
    assert shown == names, found


def test_a_big_directory_pages_with_more_and_earlier(week: Harness) -> None:
    bot = week.runtime.bot
    values = {"kinds": ["speaker"], "time": "day", "regions": ["london"], "listed": "yes"}
    for n in range(23):
        actor = Actor(platform="console", user_id=f"v{n:02d}", display_name=f"v{n:02d}")
        bot.handle(FormEvent(actor=actor, form_id="volunteer.offer", values=values))
    first = say(week, "/as olu", "/volunteers speaker")
    assert "23 offer(s) match “speaker”. Page 1 of 3." in first
    assert "v00:" in first and "v09:" in first and "v10:" not in first
    second = say(week, button(first, "More"))
    assert "updated the message" in second and "Page 2 of 3." in second
    assert "v10:" in second and "v19:" in second and "Earlier" in second
    third = say(week, button(second, "More"))
    assert "Page 3 of 3." in third and "v22:" in third and "] More" not in third
    forged = ActionEvent(
        actor=Actor(platform="console", user_id="bob"),
        action_id=PAGE_ACTION,
        value=json.dumps({"q": "", "p": 1}),
    )
    [reply] = bot.handle(forged)
    assert "Only admins and the outreach team" in reply.message.plain_text()  # type: ignore[union-attr]


def test_a_nudge_before_the_week_once_a_year_and_a_question_after_it(week: Harness) -> None:
    offer(week, "alice")
    assert "You offered" not in say(week, "/clock 2026-11-02T08:59Z")
    nudge = say(week, "/clock 2026-11-02T09:00Z")  # two weeks before Monday 16 November
    assert "bot → you (direct message):" in nudge  # alice
    assert (
        "Careers in Ideas Week is expected to run from Monday 16 November to Sunday 22 "
        "November 2026 (the organisers have not confirmed the dates yet)." in nudge
    )
    assert "You offered half a day as a speaker and mentor, in London and online." in nudge
    assert "More from the organisers of Careers in Ideas Week: https://ipinclusive.org.uk/" in (
        nudge
    )
    assert "Careers in Ideas Week" not in say(
        week, "/clock 2026-11-10T09:00Z", "/clock 2026-11-22T20:00Z"
    )
    question = say(week, "/clock 2026-11-23T09:00Z")
    assert "Careers in Ideas Week 2026 is over. Did you give the time you offered?" in question
    assert "bot → you (direct message):" in question  # alice
    printed = say(week, "/as dina", button(question, "Yes, I did"))
    assert "That question was for someone else" in printed
    printed = say(week, "/as alice", button(question, "Yes, I did"))
    assert "Careers in Ideas Week 2026: you gave your time. Thank you!" in printed
    again = say(week, button(question, "Not this time"))  # a second answer is refused
    assert (
        "You already answered for Careers in Ideas Week 2026 (you gave your time), "
        "so I left it as it is." in again
    )
    assert "Careers in Ideas Week" not in say(week, "/clock 2026-12-01T09:00Z")
    summary = say(week, "/as dina", "/volunteers")
    assert "Careers in Ideas Week 2026: 1 volunteer(s) reminded; 1 gave their time" in summary
    again = say(week, "/clock 2027-11-01T09:00Z")  # the 2027 week starts on 15 November
    assert "expected to run from Monday 15 November to Sunday 21 November 2027" in again
    with week.runtime.store.session() as session:
        years = session.execute(select(VolunteerYear.year, VolunteerYear.done)).all()
        assert sorted(years, key=lambda y: y.year) == [(2026, "yes"), (2027, None)]
        assert listed_offers(session, None)[0].gave_time_in == (2026,)


def test_withdraw_removes_the_offer_everywhere_at_once(
    week: Harness, cli_env: dict[str, str | None]
) -> None:
    offer(week, "alice")
    week.clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    tick(week.runtime.store, week.clock.now(), week.runtime.settings, *week.runtime.bot.loaded)
    alice = Actor(platform="console", user_id="alice")
    [reply] = week.runtime.bot.handle(CommandEvent(actor=alice, name="volunteer", args="withdraw"))
    assert reply.message.plain_text() == (  # type: ignore[union-attr]
        "Your offer is withdrawn and deleted, and you are no longer in the directory. "
        "Thank you for offering. Type /volunteer if you'd like to offer again."
    )
    week.run_due()  # the nudge queued before the withdrawal is not sent
    assert "You offered" not in week.out.getvalue().split("/volunteer")[-1]
    assert "Nobody is listed" in say(week, "/as olu", "/volunteers")
    with week.runtime.store.session() as session:
        assert session.scalars(select(VolunteerOffer)).all() == []
        assert session.scalars(select(VolunteerYear)).all() == []
        status = session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.idempotency_key.like("volunteer-%"))
        )
    assert status == "cancelled"
    assert json.loads(export(cli_env, "json")) == []
    assert "You haven't offered any time yet" in say(week, "/as alice", "/volunteer withdraw")


@pytest.fixture
def cli_env(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str | None]:
    """The command line on the test's database, with nothing from the environment."""
    monkeypatch.chdir(tmp_path)  # so no stray .env file is read
    env: dict[str, str | None] = dict.fromkeys(SETTING_NAMES)
    env.update(DATA_DIR=str(tmp_path / "cli"), DATABASE_URL=database_url)
    return env


def export(env: dict[str, str | None], fmt: str) -> str:
    result = CliRunner().invoke(main, ["volunteers", "export", "--format", fmt], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_export_lists_consenting_offers_only_as_csv_or_json(
    week: Harness, cli_env: dict[str, str | None]
) -> None:
    offer(week, "alice")
    offer(week, "carol", "3", "1", "11", "", "2")
    [row] = json.loads(export(cli_env, "json"))
    assert row["name"] == "alice" and row["address"] == "console:alice"
    assert row["kinds"] == ["speaker", "mentor"] and row["regions"] == ["london", "online"]
    assert row["time"] == "half-day" and row["gave_time_in"] == []
    lines = export(cli_env, "csv").splitlines()
    assert lines[0] == "name,address,kinds,time,regions,about,offered_at,updated_at,gave_time_in"
    assert lines[1].startswith("alice,console:alice,speaker; mentor,half-day,london; online,")
    assert len(lines) == 2


def test_export_writes_csv_by_default_to_the_out_file(
    week: Harness, cli_env: dict[str, str | None], tmp_path: Path
) -> None:
    offer(week, "alice")
    out = tmp_path / "volunteers.csv"
    result = CliRunner().invoke(main, ["volunteers", "export", "--out", str(out)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert result.output == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("name,address,kinds,")
    assert lines[1].startswith("alice,console:alice,")


def test_outreach_is_a_list_of_addresses_like_admins() -> None:
    settings = Settings(_env_file=None, outreach="slack:T1:U2, console:olu")  # type: ignore[call-arg]
    assert settings.outreach == ["slack:T1:U2", "console:olu"]
    with pytest.raises(ValidationError, match="is not an address"):
        Settings(_env_file=None, outreach="olu")  # type: ignore[call-arg]


def test_a_forged_or_stale_answer_button_changes_nothing(week: Harness) -> None:
    offer(week, "alice")
    say(week, "/clock 2026-11-02T09:00Z")
    question = say(week, "/clock 2026-11-23T09:00Z")
    alice = Actor(platform="console", user_id="alice")
    for value in ("", "x:yes", "99999:yes", "1:maybe", "1" * 40 + ":yes"):
        event = ActionEvent(actor=alice, action_id="volunteer.done", value=value)
        [reply] = week.runtime.bot.handle(event)
        assert reply.message.plain_text() == (  # type: ignore[union-attr]
            "That question has expired, so I left everything as it is."
        )
    say(week, "/volunteer withdraw")
    printed = say(week, button(question, "Yes, I did"))
    assert "That question has expired" in printed
    with week.runtime.store.session() as session:
        assert session.scalars(select(VolunteerYear)).all() == []


def test_volunteers_help_and_a_search_too_long_are_answered_plainly(week: Harness) -> None:
    assert "/volunteer withdraw" in say(week, "/as olu", "/volunteers help")
    printed = say(week, "/volunteers " + "x" * 201)
    assert "That search is 201 characters; please use at most 200" in printed


def _answer_about_the_week(printed: str, label: str) -> str:
    """The button ``label`` on the admins' question about Careers in Ideas Week's dates."""
    question = printed.split("Please confirm the dates of Careers in Ideas Week")[1]
    return question.split(f"] {label}")[0].rsplit("[", 1)[1]


def test_the_week_as_the_admins_confirmed_changed_or_declined_it(week: Harness) -> None:
    # Admins are asked only when their workspace has a channel that would post the week.
    say(week, "/as dina", "/in #office", "/awareness subscribe uk")
    offer(week, "alice")
    asked = say(week, "/clock 2026-10-05T12:00Z")  # six weeks before the week
    assert "Please confirm the dates of Careers in Ideas Week 2026" in asked
    say(week, "/as dina", _answer_about_the_week(asked, "Confirm"))
    nudge = say(week, "/clock 2026-11-02T09:00Z")
    assert "Careers in Ideas Week runs from Monday 16 November to Sunday 22 November 2026." in (
        nudge
    )
    assert "Careers in Ideas Week is expected" not in nudge
    asked = say(week, "/clock 2027-10-04T12:00Z")
    assert "Please confirm the dates of Careers in Ideas Week 2027" in asked
    say(week, _answer_about_the_week(asked, "Not this year"))
    assert "Careers in Ideas Week" not in say(week, "/clock 2027-11-01T09:00Z")
    assert "Careers in Ideas Week" not in say(week, "/clock 2027-11-22T09:00Z")
    with week.runtime.store.session() as session:
        years = session.scalars(select(VolunteerYear.year)).all()
    assert years == [2026]


def test_a_week_the_admins_moved_moves_the_nudge_and_the_question(week: Harness) -> None:
    say(week, "/as dina", "/in #office", "/awareness subscribe uk")
    offer(week, "alice")
    asked = say(week, "/clock 2026-10-05T12:00Z")  # six weeks before the week
    # The organisers moved the week a week later: 23 to 29 November 2026.
    say(week, "/as dina", _answer_about_the_week(asked, "Change dates"), "2026-11-23", "2026-11-29")
    assert "Careers in Ideas Week" not in say(week, "/clock 2026-11-02T09:00Z")
    nudge = say(week, "/clock 2026-11-09T09:00Z")  # two weeks before the moved Monday
    assert "Careers in Ideas Week runs from Monday 23 November to Sunday 29 November 2026." in (
        nudge
    )
    assert "is over" not in say(week, "/clock 2026-11-23T09:00Z")  # the shipped week's end
    question = say(week, "/clock 2026-11-30T09:00Z")
    assert "Careers in Ideas Week 2026 is over. Did you give the time you offered?" in question
