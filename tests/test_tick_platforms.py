"""`inclusion-bot tick --now` from cron drains through every configured platform, as `run`
does: a Slack leader's check-in reaches the (fake) Slack Web API, not only the console."""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.runtime import Runtime
from bot.conversation import Actor, CommandEvent, FormEvent, FormValue, OpenForm
from tests.event_loop import Loop
from tests.fake_slack import FakeSlack
from tests.processes import clean_environment

ALICE = Actor(platform="slack", tenant="T1", user_id="U1", display_name="alice")


@pytest.fixture
def fake(loop: Loop) -> Iterator[FakeSlack]:
    fake = loop.run(FakeSlack(users={}).start())
    yield fake
    loop.run(fake.stop())


def sign_on_slack(runtime: Runtime) -> None:
    """Sign the pledge as a Slack user through the core: the first step of each commitment."""
    [opened] = runtime.bot.handle(CommandEvent(actor=ALICE, name="pledge"))
    assert isinstance(opened, OpenForm)
    values: dict[str, FormValue] = {}
    for field in opened.form.fields:
        if field.kind == "multi_choice":
            values[field.name] = [field.options[0].value]
        elif field.default is not None:
            values[field.name] = field.default
    values["timezone"] = "Europe/London"
    form = opened.form
    replies = runtime.bot.handle(
        FormEvent(actor=ALICE, form_id=form.form_id, context=form.context, values=values)
    )
    assert "Thank you for signing" in str(replies), replies


def test_a_tick_from_cron_delivers_a_slack_checkin(
    fake: FakeSlack, runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    sign_on_slack(runtime)
    env = clean_environment(
        DATA_DIR=str(tmp_path),
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-cron",
        SLACK_SIGNING_SECRET="cron-secret",
        SLACK_API_URL=fake.api_url,
        LOG_LEVEL="WARNING",
        REPORTS_KEY=base64.urlsafe_b64encode(bytes(32)).decode(),
    )
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "tick", "--now", "2027-03-01T09:00:00Z"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    posted = [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == "U1"]
    assert len(posted) == 1, fake.calls
    assert done.stdout.splitlines()[-1].startswith(
        "Tick at 2027-03-01T09:00:00+00:00: queued 1 check-in(s), 0 reminder(s), "
    )
    assert " volunteer nudge(s); sent " in done.stdout
    assert "failed 0." in done.stdout
