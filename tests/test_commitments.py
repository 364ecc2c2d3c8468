"""Organisation packs in the console: adopt, choose, assign, the owner's check-in, the due-date
nudge, the overdue note to admins, the board, edits that keep history, per-pack summaries."""

from __future__ import annotations

from sqlalchemy import select

from bot.commitments.board import board, find_adoption, latest_updates
from bot.commitments.models import ActionChange, ActionUpdate, AdoptedAction, OwnerCheckin
from bot.conversation import ActionEvent, Actor
from bot.packs.content import Packs
from tests.conftest import Harness, sign_up


def say(harness: Harness, *lines: str) -> str:
    return " ".join(harness.say(*lines).split())


def number(printed: str, label: str) -> str:
    """The number of the first button shown with ``label``."""
    return printed.split(f"] {label}")[0].rsplit("[", 1)[1]


def meet(harness: Harness, *names: str) -> None:
    for name in names:
        harness.say(f"/as {name}", "/commitments")


def adopt_anti_racism(harness: Harness) -> str:
    """dina adopts the anti-racism pack with 1.1, 1.2 and 5.4, and gives 1.1 to bob."""
    meet(harness, "bob", "carol")
    opened = say(harness, "/as dina", "/commitments adopt anti-racism")
    assert "Choose the actions your organisation takes on" in opened
    printed = say(harness, "1,2", "", "", "", "4", "", "", "", "")
    assert "Saved: 3 action(s) chosen (3 added, 0 dropped)" in printed
    printed = say(harness, number(printed, "Assign"))
    assert "Owner 1) bob 2) carol 3) dina" in printed
    return say(harness, "1", "2027-03-20", "1", "Ask the network chair")


def test_an_admin_adopts_chooses_and_assigns_and_the_board_shows_it(harness: Harness) -> None:
    printed = adopt_anti_racism(harness)
    assert "Saved: bob owns 1.1, due Saturday 20 March 2027." in printed
    board_text = printed.split("Our Anti-Racism Commitments Adopted")[1]
    assert "All: 0 red, 0 amber, 0 green, 3 not answered yet" in board_text
    assert "We are all responsible: 0 red, 0 amber, 0 green, 2 not answered yet" in board_text
    assert "Owner: bob · due Saturday 20 March 2027 · no status yet · quick win" in board_text
    assert "Next steps: Ask the network chair" in board_text
    assert board_text.count("No owner yet") == 2


def test_the_owner_gets_one_checkin_answers_it_and_the_board_colours_it(
    harness: Harness,
) -> None:
    adopt_anti_racism(harness)
    checkin = say(harness, "/clock 2027-03-01T09:00Z")
    assert "bot → bob (direct message): Your check-in on your commitments" in checkin
    assert "Due on Saturday 20 March 2027 (in 19 days)." in checkin
    say(harness, "/clock 2027-03-01T12:00Z")  # a later tick the same week asks nothing more
    printed = say(harness, "/as carol", number(checkin, "Progressing"))
    assert "That check-in isn't yours" in printed
    printed = say(harness, "/as bob", number(checkin, "Progressing"))
    assert "Latest: Progressing." in printed
    board_text = say(harness, "/as dina", "/commitments anti-racism")
    assert "Amber: 1.1 Through our Race Equality Network" in board_text
    assert "All: 0 red, 1 amber, 0 green, 2 not answered yet" in board_text
    with harness.runtime.store.session() as session:
        assert session.scalars(select(OwnerCheckin.week_of)).all() != []
        assert len(session.scalars(select(OwnerCheckin)).all()) == 1
        assert session.scalars(select(ActionUpdate.status)).all() == ["progressing"]


def test_ongoing_is_offered_only_for_ongoing_actions_and_a_repeat_press_is_one_answer(
    harness: Harness,
) -> None:
    adopt_anti_racism(harness)
    checkin = say(harness, "/clock 2027-03-01T09:00Z")
    assert "] Progressing" in checkin and "] Ongoing" not in checkin  # 1.1 is to be done
    button = number(checkin, "Progressing")
    say(harness, "/as bob", button)
    again = say(harness, button)
    assert "Latest: Progressing." in again
    with harness.runtime.store.session() as session:
        assert session.scalars(select(ActionUpdate.status)).all() == ["progressing"]
        checkin_id, action_id = session.execute(
            select(ActionUpdate.checkin_id, ActionUpdate.adopted_action_id)
        ).one()
    forged = harness.runtime.bot.handle(
        ActionEvent(
            actor=Actor(platform="console", user_id="bob"),
            action_id="commitments.status",
            value=f"{checkin_id}:{action_id}:ongoing",
        )
    )
    assert "That button has expired." in forged[0].message.plain_text()  # type: ignore[union-attr]
    say(harness, number(checkin, "Done"))
    with harness.runtime.store.session() as session:
        assert session.scalars(select(ActionUpdate.status)).all() == ["progressing", "done"]


def test_the_latest_status_is_the_newest_of_several_and_unanswered_actions_have_none(
    harness: Harness,
) -> None:
    adopt_anti_racism(harness)
    checkin = say(harness, "/clock 2027-03-01T09:00Z")
    say(harness, "/as bob", number(checkin, "Progressing"))
    say(harness, number(checkin, "Done"))
    say(harness, number(checkin, "Progressing"))
    with harness.runtime.store.session() as session:
        ids = session.scalars(select(AdoptedAction.id).order_by(AdoptedAction.id)).all()
        assert len(ids) == 3
        latest = latest_updates(session, list(ids))
        assert {k: u.status for k, u in latest.items()} == {ids[0]: "progressing"}
        assert latest_updates(session, []) == {}


def test_a_due_date_nudge_rides_in_the_weekly_checkin_and_overdue_goes_to_admins(
    harness: Harness,
) -> None:
    adopt_anti_racism(harness)  # quarterly: asked on 1 March, then not until July
    say(harness, "/clock 2027-03-01T09:00Z")
    nudge = say(harness, "/clock 2027-03-08T09:00Z")  # due within two weeks: asked again
    assert "Due on Saturday 20 March 2027 (in 12 days)." in nudge
    again = say(harness, "/clock 2027-03-15T09:00Z")  # still due soon: asked each week
    assert "Due on Saturday 20 March 2027 (in 5 days)." in again
    quiet = say(harness, "/clock 2027-03-15T18:00Z")  # but once a week at most
    assert "Your check-in on your commitments" not in quiet
    overdue = say(harness, "/clock 2027-03-22T09:00Z")
    assert "Actions past their due date" in overdue
    assert "1.1 Through our Race Equality Network" in overdue.split("past their due date")[1]
    assert "(owner: bob; due Saturday 20 March 2027)" in overdue
    later = say(harness, "/clock 2027-03-23T09:00Z")
    assert "Actions past their due date" not in later  # told once per due date
    board_text = say(harness, "/as dina", "/commitments anti-racism")
    assert "no status yet · overdue · quick win" in board_text


def test_editing_an_action_keeps_its_history(harness: Harness) -> None:
    printed = adopt_anti_racism(harness)
    printed = say(harness, number(printed, "Edit"))
    assert "Type a number; Enter keeps 1." in printed  # bob, kept as the default
    printed = say(harness, "2", "2027-04-30", "", "")
    assert "Saved: carol owns 1.1, due Friday 30 April 2027." in printed
    with harness.runtime.store.session() as session:
        changes = session.execute(
            select(ActionChange.owner_id, ActionChange.due_on).order_by(ActionChange.id)
        ).all()
    due = [(c.due_on.isoformat() if c.due_on else None) for c in changes]
    assert due[-2:] == ["2027-03-20", "2027-04-30"]
    assert len({c.owner_id for c in changes[-2:]}) == 2


def test_a_past_due_date_is_refused_and_the_form_asks_again(harness: Harness) -> None:
    meet(harness, "bob")
    printed = say(harness, "/as dina", "/commitments adopt progression-checklist")
    printed = say(harness, "1", *[""] * 7)
    printed = say(harness, number(printed, "Assign"), "1", "2027-02-01", "", "")
    assert "Due date: Monday 1 February 2027 has passed; give today or a later date." in printed
    printed = say(harness, "9999-12-31")
    assert "Due date: Friday 31 December 9999 is more than 10 years away; give a date by" in (
        printed
    )
    printed = say(harness, "2027-04-01")
    assert "Saved: bob owns 1.1, due Thursday 1 April 2027." in printed


def test_a_cancelled_choice_adopts_nothing_and_the_pledge_is_pointed_to(
    harness: Harness,
) -> None:
    opened = say(harness, "/as dina", "/commitments adopt anti-racism")
    assert "Choose the actions your organisation takes on" in opened
    say(harness, "/cancel")
    with harness.runtime.store.session() as session:
        assert find_adoption(session, "console", "", "anti-racism") is None
    assert "is not adopted yet" in say(harness, "/commitments anti-racism")
    opened = say(harness, "/commitments adopt social-mobility")
    assert "“All of the above are best done in association with the charities" in opened
    say(harness, "/cancel")
    printed = say(harness, "/commitments adopt pledge")
    assert "“pledge” is a personal pack: each leader signs it with /pledge" in printed
    assert "I don't know" not in printed


def test_only_admins_adopt_and_see_boards(harness: Harness) -> None:
    printed = say(harness, "/as bob", "/commitments adopt anti-racism")
    assert "inclusion-bot admins add console:bob" in printed
    printed = say(harness, "/as bob", "/commitments")
    assert "You don't own any of your organisation's actions yet" in printed
    printed = say(harness, "/as dina", "/commitments adopt nope")
    assert "I don't know the pack “nope”" in printed and "social-mobility" in printed


def test_pledge_summary_is_one_view_per_pack(harness: Harness) -> None:
    adopt_anti_racism(harness)
    printed = say(harness, "/pledge summary")
    assert "Pledge summary" in printed
    assert "Other packs: anti-racism, progression-checklist, social-mobility." in printed
    printed = say(harness, "/pledge summary anti-racism")
    assert "Our Anti-Racism Commitments: summary" in printed
    assert "3 action(s) adopted, 1 with an owner" in printed
    # Actions, owners, counts per colour, overdue and quick wins, as the README says.
    assert "1.1: Owner: bob · due Saturday 20 March 2027 · no status yet · quick win" in printed
    assert "5.4: No owner yet · no due date · no status yet" in printed
    assert "All: 0 red, 0 amber, 0 green, 3 not answered yet" in printed
    printed = say(harness, "/pledge summary social-mobility")
    assert "is not adopted yet. /commitments adopt social-mobility adopts it." in printed


def test_the_board_is_data_for_the_dashboard(harness: Harness, packs: Packs) -> None:
    adopt_anti_racism(harness)
    pack = packs.need("anti-racism")
    with harness.runtime.store.session() as session:
        adoption = find_adoption(session, "console", "", "anti-racism")
        assert adoption is not None
        found = board(session, adoption, pack, harness.clock.now().date())
        owned = session.scalar(select(AdoptedAction).where(AdoptedAction.owner_id.is_not(None)))
    assert [r.action_id for r in found.rows] == ["1.1", "1.2", "5.4"]
    first = found.rows[0]
    assert (first.owner, first.owner_address, first.colour) == ("bob", "console:bob", "")
    assert first.due_on is not None and first.due_on.isoformat() == "2027-03-20"
    assert owned is not None and first.adopted_action_id == owned.id


def test_a_leader_who_owns_actions_gets_one_message_a_week_grouped_by_pack(
    harness: Harness,
) -> None:
    sign_up(harness)  # alice: check-ins on Mondays at 09:00 London
    meet(harness, "bob")
    opened = say(harness, "/as dina", "/commitments adopt anti-racism")
    assert "Choose the actions" in opened
    printed = say(harness, "1,2", "", "", "", "", "", "", "", "")
    people = printed  # the assign form lists alice, bob and dina in name order
    printed = say(harness, number(printed, "Assign"), "1", "2027-03-20", "", "")
    assert "Saved: alice owns 1.1" in printed
    printed = say(harness, number(people.split("1.2 Amplify")[1], "Assign"), "2", "2027-03-20")
    printed = say(harness, "", "")
    assert "Saved: bob owns 1.2" in printed
    sent = harness.say("/clock 2027-03-01T09:00Z")
    to_alice = [m for m in sent.split("bot → ") if m.startswith("alice")]
    assert len(to_alice) == 1  # one message: the pledge's steps, then her pack's action
    combined = " ".join(to_alice[0].split())
    pledge_part, _, packs_part = combined.partition(
        "Your actions in your organisation's commitment packs"
    )
    assert "Your pledge check-in for the week of Monday 1 March 2027" in pledge_part
    assert "Our Anti-Racism Commitments 1.1 Through our Race Equality Network" in packs_part
    assert "Your check-in on your commitments" not in combined
    to_bob = [m for m in sent.split("bot → ") if m.startswith("bob")]
    assert len(to_bob) == 1 and "Your check-in on your commitments" in to_bob[0]
    printed = say(harness, "/as alice", number(packs_part, "Stuck"))
    assert "Your pledge check-in for the week of Monday 1 March 2027" in printed  # redrawn whole
    assert "Latest: Stuck." in printed
    later = say(harness, "/clock 2027-03-08T09:00Z")  # due soon: in the pledge's message again
    [mine] = [m for m in later.split("bot → ") if m.startswith("you")]
    assert "Your pledge check-in" in mine and "Due on Saturday 20 March 2027" in mine
    assert "Your check-in on your commitments" not in mine
