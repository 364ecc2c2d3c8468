"""Modal submissions over Socket Mode: the ack comes back over the socket, and the fake checks
it as Slack would (tests/platform_rules.py, ``slack_ack_problems``), as it does over HTTP.

The real Bolt app with its real Socket Mode handler connects to the fake's socket in this
process; the fake pushes a view_submission envelope and records the ack it gets back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.platforms import Settings
from adapters.slack.blocks import modal
from adapters.slack.wiring import attach_slack
from app.runtime import Runtime
from app.web import Server
from bot.conversation import Actor, CommandEvent, OpenForm, Place
from tests.event_loop import Loop
from tests.fake_slack import TEAM_ID, FakeSlack
from tests.test_slack import USERS, sign_up_answers, state_values


@pytest.fixture
def fake(loop: Loop) -> Iterator[FakeSlack]:
    fake = loop.run(FakeSlack(users=dict(USERS)).start())
    yield fake
    loop.run(fake.stop())


@pytest.fixture
def settings(tmp_path: Path, fake: FakeSlack) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        slack_bot_token="xoxb-test-token",  # type: ignore[arg-type]
        slack_app_token=SecretStr("xapp-1"),
        slack_api_url=fake.api_url,
    )


@pytest.fixture
def socket(loop: Loop, fake: FakeSlack, runtime: Runtime) -> Iterator[Server]:
    server = Server(runtime)
    attach_slack(server, runtime.bot, runtime.settings)
    for start in server.on_start:
        loop.run(start())
    fake.socket_connected()
    yield server
    for stop in server.on_stop:
        loop.run(stop())


def sign_up_view(runtime: Runtime) -> dict[str, Any]:
    """The sign-up modal as the bot draws it (the core's form, the adapter's Block Kit)."""
    actor = Actor(platform="slack", tenant=TEAM_ID, user_id="U1")
    [form] = runtime.bot.handle(
        CommandEvent(actor=actor, place=Place(kind="direct"), name="pledge")
    )
    assert isinstance(form, OpenForm)
    return modal(form.form, "{}")


def submit_over_socket(loop: Loop, fake: FakeSlack, view: dict[str, Any], answers: Any) -> Any:
    """Push a view_submission envelope; return the ack that came back for it."""
    fake.known_view("VSOCKET")
    submitted = {**view, "id": "VSOCKET", "state": {"values": state_values(view, answers)}}
    envelope = {
        "envelope_id": "env-submit",
        "type": "interactive",
        "accepts_response_payload": True,
        "payload": {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "fake"},
            "user": {"id": "U1", "username": "u1", "team_id": TEAM_ID},
            "api_app_id": "A1",
            "token": "legacy",
            "trigger_id": fake.trigger_id("socket-submit"),
            "view": submitted,
        },
    }
    loop.run(fake.send_over_socket(envelope))
    [ack] = fake.wait_for("socket.ack", match=lambda c: c.params["envelope_id"] == "env-submit")
    return ack


def test_form_errors_acked_over_the_socket_are_checked_and_accepted(
    loop: Loop, fake: FakeSlack, runtime: Runtime, socket: Server
) -> None:
    view = sign_up_view(runtime)
    answers = {**sign_up_answers(view), "timezone": "Mars/Olympus"}
    ack = submit_over_socket(loop, fake, view, answers)
    assert ack.params["payload"]["response_action"] == "errors"
    assert "timezone" in ack.params["payload"]["errors"]
    assert fake.refused() == []


def test_an_ack_naming_no_input_of_the_view_is_refused_over_the_socket(
    loop: Loop, fake: FakeSlack, runtime: Runtime, socket: Server
) -> None:
    """The fake's check bites: errors for a block the submitted view does not have (its
    timezone input taken out) are not something Slack can show."""
    view = sign_up_view(runtime)
    answers = {**sign_up_answers(view), "timezone": "Mars/Olympus"}
    shown = {**view, "blocks": [b for b in view["blocks"] if b.get("block_id") != "timezone"]}
    ack = submit_over_socket(loop, fake, shown, answers)
    assert ack.params["payload"]["response_action"] == "errors"
    assert any("timezone" in problem for problem in ack.answer["refused"])
    assert fake.refused() == [ack]
