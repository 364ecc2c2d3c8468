"""Organisation packs at their worst through the real botbuilder endpoint against the enforcing
fake Teams connector: the choose and assign forms, the biggest board and the owner's one
check-in with every action of every pack (the fixture checks every card sent and shown)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.platforms import Settings
from app.runtime import Runtime
from bot.clock import ManualClock
from bot.packs.content import Packs
from bot.pledge.content import Pledge
from bot.router import Bot
from bot.store import Store
from tests.test_pack_platforms import NEXT_STEPS, ORGANISATION, PEOPLE, crowd, everything_to
from tests.test_slack_worst_cases import evil
from tests.test_teams import (  # noqa: F401  (fixtures, used by name)
    DINA,
    TENANT,
    Teams,
    all_ok,
    everything,
    fake,
    settings,
    sign_up,
    teams,
)

OWNER = "29:owner"


@pytest.fixture
def runtime(
    store: Store,
    clock: ManualClock,
    settings: Settings,  # noqa: F811
    pledge: Pledge,
    packs: Packs,
) -> Runtime:
    return Runtime(settings, store, clock, Bot(store, clock, settings, pledge, packs))


def test_teams_the_choose_and_assign_forms_fit_and_save(teams: Teams) -> None:  # noqa: F811
    crowd(teams.runtime.store, "teams", TENANT)
    all_ok(teams.say("commitments", user=OWNER, user_name="Omar Owner"))
    [form] = all_ok(teams.say("commitments adopt progression-checklist", user=DINA))
    chosen = {
        name: [c["value"] for c in element["choices"]]
        for name, element in form.inputs().items()
        if name.startswith("actions_")
    }
    assert sum(len(v) for v in chosen.values()) == 34
    replies = all_ok(teams.submit(form, chosen, user=DINA))
    words, buttons = everything(replies)
    assert "Saved: 34 action(s) chosen (34 added, 0 dropped)." in words
    assigns = [b for b in buttons if (b.get("data") or {}).get("action_id") == "commitments.assign"]
    assert len(assigns) == 34
    board = next(c for c in replies if any(b in c.actions() for b in assigns[:1]))
    [assign_form] = all_ok(teams.press(assigns[-1], board, user=DINA))
    owners = assign_form.inputs()["owner"]["choices"]
    assert len(owners) == PEOPLE + 2
    omar = next(c["value"] for c in owners if c["title"] == "Omar Owner")
    steps = evil("NEXT", NEXT_STEPS)
    answers = {"owner": omar, "due": "2027-03-20", "quick_win": "yes", "next_steps": steps}
    saved, _ = everything(all_ok(teams.submit(assign_form, answers, user=DINA)))
    assert "Saved: Omar Owner owns 8.7, due Saturday 20 March 2027." in saved
    assert steps in saved  # verbatim, markup and all


@pytest.mark.parametrize("leader", [False, True], ids=["owner", "leader"])
def test_teams_the_biggest_board_and_checkin_reach_their_people_whole(
    teams: Teams,  # noqa: F811
    packs: Packs,
    leader: bool,
) -> None:
    """A leader's actions ride in the pledge check-in: one message (in parts) either way."""
    if leader:
        all_ok(sign_up(teams, user=OWNER, timezone="Europe/London"))  # Mondays at 09:00
    all_ok(teams.say("commitments", user=OWNER, user_name="Omar Owner"))
    texts = everything_to(teams.runtime.store, packs, "teams", TENANT, OWNER, teams.clock.now())
    words, buttons = everything(all_ok(teams.say("commitments social-mobility", user=DINA)))
    social = packs.need("social-mobility")
    for commitment in social.commitments:
        assert commitment.note in words  # the editors' notes reach the board
        for action in commitment.actions:
            assert f"{action.id} {action.text}" in words
            assert action.note in words
            for link in action.links:
                assert any(b.get("url") == link.url for b in buttons)
    assert social.intro in words and any(b.get("url") == social.source.url for b in buttons)
    assert evil("NEXT-social-mobility-14", NEXT_STEPS) in words
    teams.clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    report, drained = teams.run_due()
    assert (report["checkins"], report["owner-checkins"]) == (int(leader), 1)
    assert drained.sent >= 1
    sent = all_ok(teams.fake.calls_to("send", lambda c: c.conversation == f"a:chat-{OWNER}"))
    words, buttons = everything(sent)
    assert ("Your pledge check-in" in words) == leader
    assert ("Your check-in on your commitments" in words) != leader
    for text in texts:
        assert text in words
    notes = [a.note for p in ORGANISATION for c in packs.need(p).commitments for a in c.actions]
    for note in filter(None, notes):
        assert note in words  # the editors' notes reach the owner
    statuses = [
        b for b in buttons if (b.get("data") or {}).get("action_id") == "commitments.status"
    ]
    assert len(statuses) == 28 * 4 + 5 + 34 * 3 + 15 * 4 + 3  # "Ongoing" only on the 5 + 3 ongoing
    pressed = all_ok(teams.press(statuses[0], sent[0], user=OWNER))
    assert "Latest: Done." in everything(pressed)[0]
