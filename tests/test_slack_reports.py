"""Anonymous reports through the real Bolt app: the reporter's id reaches the bot in Slack's
signed requests, and must go nowhere from there: no Web API call (not even users.info), no
modal metadata, no message, no row, no log line. The receipt is shown in the modal itself."""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta

import pytest
from sqlalchemy import text

import content
from app.runtime import Runtime
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import Address
from bot.pledge.content import Pledge
from bot.reports import registry
from bot.reports.resources import Desk, load_categories
from bot.reports.secrets import Vault, new_key
from bot.router import Bot
from bot.store import Store
from bot.store.models import Base
from tests.test_slack import (  # noqa: F401  (fixtures, used by name)
    TEAM_ID,
    Slack,
    fake,
    opened,
    settings,
    slack,
)

REPORTER = "UZZREPORT7F3A"
HANDLER = "UHANA0001"
WORDS = "My manager called me a racist name in the kitchen <!channel>"


@pytest.fixture
def runtime(store: Store, clock: ManualClock, settings: Settings, pledge: Pledge) -> Runtime:  # noqa: F811
    desk = Desk(
        Vault.from_keys([new_key()]),
        load_categories(content.path("report_categories.yaml")),
        rng=random.Random(7),
    )
    bot = Bot(store, clock, settings, pledge, desk)
    with store.session() as session:
        registry.add(
            session,
            Address(platform="slack", tenant=TEAM_ID, id=HANDLER),
            ["racism"],
            False,
            "Hana",
        )
    return Runtime(settings, store, clock, bot)


def _everything_in_the_database(store: Store) -> str:
    with store.engine.connect() as connection:
        return "\n".join(
            repr(row)
            for table in Base.metadata.sorted_tables
            for row in connection.execute(text(f"SELECT * FROM {table.name}"))
        )


def test_a_slack_report_leaves_no_trace_of_the_reporter(
    slack: Slack,  # noqa: F811  (the fixture imported above)
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = slack.command("", user=REPORTER, command="/report")
    assert reply.status == 200
    view = opened(slack, reply.response_id)
    assert json.loads(view["private_metadata"]) == {"anonymous": True, "context": ""}
    answers = {"category": "racism", "what": WORDS, "role": "target", "identify": "no"}
    submitted = slack.submit(view, answers, user=REPORTER)
    assert submitted.status == 200
    shown = json.dumps(submitted.json())
    assert submitted.json()["response_action"] == "update"
    assert "Case reference: R-" in shown and "Passphrase:" in shown

    slack.clock.set(slack.clock.now() + timedelta(minutes=31))
    slack.runtime.run_due(slack.server.senders)
    [alert] = slack.fake.wait_for(
        "chat.postMessage", match=lambda c: c.params.get("channel") == HANDLER
    )
    assert "A new report arrived on" in json.dumps(alert.params)
    assert "racism" not in json.dumps(alert.params).lower()

    every_call = json.dumps([(c.method, c.params) for c in slack.fake.calls])
    assert REPORTER not in every_call
    assert REPORTER.lower() not in every_call
    assert "kitchen" not in every_call  # the words are never in a message either
    assert not slack.fake.calls_to("users.info", lambda c: c.params.get("user") == REPORTER)
    database = _everything_in_the_database(slack.runtime.store)
    assert REPORTER not in database and REPORTER.lower() not in database
    assert "kitchen" not in database
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert REPORTER not in logged and REPORTER.lower() not in logged


def test_a_bad_report_is_answered_in_place_and_nothing_is_kept(slack: Slack) -> None:  # noqa: F811
    reply = slack.command("", user=REPORTER, command="/report")
    view = opened(slack, reply.response_id)
    answers = {"category": "racism", "what": "x" * 3001, "role": "witness", "identify": "no"}
    refused = slack.submit(view, answers, user=REPORTER).json()
    assert refused["response_action"] == "errors"
    assert "3000" in refused["errors"]["what"]
    with slack.runtime.store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM report_cases")).scalar() == 0
