"""Organisation packs at their worst (every action of every pack owned by one person, owners'
names and next steps of the longest markup) through the real Bolt app against the enforcing
fake Slack, and the real botbuilder endpoint against the enforcing fake Teams connector: the
choose and assign forms, the board and the owner's one check-in all fit, every action's words
can be read and every button reached."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.platforms import Settings
from app.runtime import Runtime
from bot.clock import ManualClock
from bot.commitments.adoption import adopt, assign, set_actions
from bot.conversation import Actor
from bot.packs.content import Packs
from bot.people import person_for
from bot.pledge.content import Pledge
from bot.router import Bot
from bot.store import Store
from bot.store.models import Person
from tests.fake_slack import TEAM_ID
from tests.test_slack import (  # noqa: F401  (fixtures, used by name)
    Slack,
    elements,
    fake,
    opened,
    posts_to,
    settings,
    sign_up,
    slack,
)
from tests.test_slack_worst_cases import MARKUP, accepted, every_part, evil, read, shown

ORGANISATION = ("anti-racism", "progression-checklist", "social-mobility")
NEXT_STEPS = 1000
PEOPLE = 120


@pytest.fixture
def runtime(
    store: Store,
    clock: ManualClock,
    settings: Settings,  # noqa: F811
    pledge: Pledge,
    packs: Packs,
) -> Runtime:
    return Runtime(settings, store, clock, Bot(store, clock, settings, pledge, packs))


def crowd(store: Store, platform: str, tenant: str) -> None:
    """120 people the bot knows, each with a 60-character name full of markup."""
    with store.session() as session:
        session.add_all(
            Person(
                platform=platform,
                tenant=tenant,
                user_id=f"UP{n:03d}",
                display_name=f"Person {n:03d} {MARKUP}"[:60],
            )
            for n in range(PEOPLE)
        )


def everything_to(
    store: Store, packs: Packs, platform: str, tenant: str, owner_id: str, now: datetime
) -> list[str]:
    """Every action of every organisation pack adopted and given to one owner, due soon, with
    next steps of the longest; returns each action's words as the check-in shows them."""
    shown_as = []
    with store.session() as session:
        admin = person_for(
            session, Actor(platform=platform, tenant=tenant, user_id="ADMIN", display_name="")
        )
        owner = person_for(
            session, Actor(platform=platform, tenant=tenant, user_id=owner_id, display_name="")
        )
        for pack_id in ORGANISATION:
            pack = packs.need(pack_id)
            adoption = adopt(session, platform, tenant, pack, admin, now)
            ids = [a.id for c in pack.commitments for a in c.actions]
            set_actions(session, adoption, ids, admin, now)
            session.flush()
            for n, action in enumerate(adoption.actions):
                steps = evil(f"NEXT-{pack_id}-{n}", NEXT_STEPS)
                assign(session, action, owner.id, date(2027, 3, 10), True, steps, admin, now)
            shown_as += [f"{a.id} {a.text}" for c in pack.commitments for a in c.actions]
    return shown_as


# --- Slack ---------------------------------------------------------------------------------------


def test_slack_the_choose_and_assign_modals_fit_and_save(slack: Slack) -> None:  # noqa: F811
    crowd(slack.runtime.store, "slack", TEAM_ID)
    slack.command("", user="UOWN", command="/commitments")
    reply = slack.command("adopt anti-racism", user="UDINA", command="/commitments")
    view = opened(slack, reply.response_id)
    answers = {
        b["block_id"]: [o["value"] for o in b["element"]["options"]]
        for b in view["blocks"]
        if b["type"] == "input"
    }
    assert len(answers) == 9 and sum(len(v) for v in answers.values()) == 28
    assert slack.submit(view, answers, user="UDINA").body == b""
    accepted(slack)
    board = [c for c in slack.fake.calls_to("response") if "Assign" in str(c.params)]
    assign_button = next(
        e
        for c in board
        for e in elements(c.blocks())
        if e["action_id"].startswith("commitments.assign")
    )
    pressed = slack.press(assign_button, user="UDINA")
    modal = opened(slack, pressed.response_id)
    [owner] = [b["element"] for b in modal["blocks"] if b.get("block_id") == "owner"]
    groups = owner.get("option_groups") or [{"options": owner.get("options", [])}]
    offered = [o for g in groups for o in g["options"]]
    assert len(offered) == PEOPLE + 2  # the crowd, the owner and the admin
    uown = next(o["value"] for o in offered if o["text"]["text"] == "UOWN")
    steps = evil("NEXT", NEXT_STEPS)
    submitted = slack.submit(
        modal,
        {"owner": uown, "due": "2027-03-20", "quick_win": "yes", "next_steps": steps},
        user="UDINA",
    )
    assert submitted.body == b""
    accepted(slack)
    saved = shown(
        slack.fake.calls_to("response", lambda c: c.params["response_id"] == pressed.response_id)
    )
    assert "Saved: UOWN owns 1.1, due Saturday 20 March 2027." in saved
    assert read(steps) in saved


@pytest.mark.parametrize("leader", [False, True], ids=["owner", "leader"])
def test_slack_the_biggest_board_and_checkin_reach_their_people_whole(
    slack: Slack,  # noqa: F811
    packs: Packs,
    leader: bool,
) -> None:
    """A leader's actions ride in the pledge check-in: one message (in parts) either way."""
    slack.fake.users["UOWN"] = {"tz": "Europe/London", "real_name": "Omar", "display_name": "omar"}
    if leader:
        sign_up(slack, user="UOWN")  # check-ins on Mondays at 09:00 London
    slack.command("", user="UOWN", command="/commitments")
    accepted(slack)
    texts = everything_to(slack.runtime.store, packs, "slack", TEAM_ID, "UOWN", slack.clock.now())
    reply = slack.command("progression-checklist", user="UDINA", command="/commitments")
    parts = every_part(slack, reply.response_id)
    accepted(slack)
    board = shown(parts)
    checklist = packs.need("progression-checklist")
    notes = 0
    for commitment in checklist.commitments:
        for action in commitment.actions:
            assert read(f"{action.id} {action.text}") in board
            assert read(action.note) in board  # the editors' notes reach the board
            notes += bool(action.note)
    assert notes > 0
    assert read(checklist.intro) in board
    assert f"<{checklist.source.url}|Source: " in str([p.blocks() for p in parts])
    assert read(evil("NEXT-progression-checklist-33", NEXT_STEPS)) in board
    edits = [
        e
        for p in parts
        for e in elements(p.blocks())
        if e["action_id"].startswith("commitments.assign")
    ]
    assert len(edits) == 34

    slack.clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    report, drained = slack.run_due()
    assert (report["checkins"], report["owner-checkins"]) == (int(leader), 1)
    assert drained.sent >= 1
    accepted(slack)
    checkin = posts_to(slack, "UOWN")
    words = shown(checkin)
    assert ("Your pledge check-in" in words) == leader
    assert ("Your check-in on your commitments" in words) != leader
    for text in texts:
        assert read(text) in words
    notes = [a.note for p in ORGANISATION for c in packs.need(p).commitments for a in c.actions]
    for note in filter(None, notes):
        assert read(note) in words  # the editors' notes reach the owner
    assert "Due on Wednesday 10 March 2027 (in 9 days)." in words
    rows = [
        e
        for c in checkin
        for e in elements(c.blocks())
        if e["action_id"].startswith("commitments.status")
    ]
    assert (
        len(rows) == 28 * 4 + 5 + 34 * 3 + 15 * 4 + 3
    )  # "Ongoing" only on the 5 + 3 ongoing  # every action's statuses, on its scale
    pressed = slack.press(rows[-1], user="UOWN", channel=checkin[-1].params["channel"])
    assert pressed.status == 200
    accepted(slack)
