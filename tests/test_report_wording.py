"""The words of the report form that matter (issue 17; review items 9 e-g): a heading that
names every kind of report offered, category descriptions that read right whether the reader
was the target, saw it or was told, and a check-back line that runs to when feedback is due."""

from __future__ import annotations

import random
import re

import pytest

import content
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import Actor, Address, CommandEvent, Form, OpenForm
from bot.pledge.content import Pledge
from bot.reports import registry
from bot.reports.intake import check_back, heading, receipt
from bot.reports.resources import Category, Desk, load_categories
from bot.reports.secrets import Vault, new_key
from bot.router import Bot
from bot.store import Store

CATEGORIES = load_categories(content.path("report_categories.yaml"))
BY_ID = {c.id: c for c in CATEGORIES}


@pytest.fixture
def form(store: Store, clock: ManualClock, settings: Settings, pledge: Pledge) -> Form:
    """The form as a reporter opens it, with someone receiving every kind of report."""
    with store.session() as session:
        everything = [c.id for c in CATEGORIES]
        registry.add(session, Address.parse("console:hana"), everything, False, "Hana")
    desk = Desk(Vault.from_keys([new_key()]), CATEGORIES, rng=random.Random(7))
    bot = Bot(store, clock, settings, pledge, desk)
    actor = Actor(platform="console", tenant="", user_id="zz-reporter", display_name="zz")
    [reply] = bot.handle(CommandEvent(actor=actor, name="report", args=""))
    assert isinstance(reply, OpenForm)
    return reply.form


def _intro(form: Form) -> list[str]:
    return [block.text for block in form.intro if hasattr(block, "text")]


def test_the_heading_names_every_kind_of_report_the_form_offers(form: Form) -> None:
    title = _intro(form)[0]
    assert title == "Report racism, harassment, bullying, discrimination or something else"
    offered = next(f for f in form.fields if f.name == "category").options
    assert [o.value for o in offered] == [c.id for c in CATEGORIES]
    for option in offered:
        assert BY_ID[option.value].heading_word in title, option.label
    # Only what is offered: with nobody taking the other kinds, the heading says so.
    assert heading([BY_ID["racism"], BY_ID["bullying"]]) == "Report racism or bullying"
    assert heading([BY_ID["sexual-harassment"], BY_ID["other-harassment"]]) == "Report harassment"
    lgbt = Category(id="lgbt", label="LGBT+ harassment", description="Remarks about being LGBT+.")
    assert heading([BY_ID["racism"], lgbt]) == "Report racism or LGBT+ harassment"


def test_descriptions_read_right_for_targets_witnesses_and_people_told(form: Form) -> None:
    roles = [o.label for o in next(f for f in form.fields if f.name == "role").options]
    assert "I saw or heard it" in roles and "Someone told me about it" in roles
    words = "\n".join(_intro(form))
    for category in CATEGORIES:
        assert f"{category.label}: {category.description}" in words
        # "you" only as the one telling us ("anything else you want ... to know"), never as
        # the one it happened to ("your race", "scares you", "power over you").
        yous = re.findall(r"\byou\w*(?: \w+)?", category.description, flags=re.IGNORECASE)
        assert set(yous) <= {"you want"}, (category.id, yous)
    assert "their race" in BY_ID["racism"].description
    # Acas: bullying can be a one-off incident, not only a pattern.
    assert "one-off" in BY_ID["bullying"].description
    # Sexual orientation, not only some orientations.
    harassment = BY_ID["other-harassment"].description
    assert "sexual orientation" in harassment and "straight" in harassment


def test_check_back_runs_to_when_feedback_is_due(form: Form, settings: Settings) -> None:
    line = check_back(settings)
    assert "after 7 days" in line
    assert "keep checking until you get feedback, which is due within 3 months" in line
    assert "again within" not in line  # the old line implied stopping after a week
    assert any(line in text for text in _intro(form))
    other = settings.model_copy(update={"reports_ack_days": 5, "reports_feedback_months": 1})
    assert "after 5 days" in check_back(other) and "due within 1 month of" in check_back(other)
    assert check_back(other) in receipt("R-AAAA-BBBB", "X", other).plain_text()
