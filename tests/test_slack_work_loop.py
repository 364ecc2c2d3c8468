"""The Slack adapter's work loop: acks on the HTTP loop never wait for the work after them.

No timing: the work loop is held still with an event, and the ack must come back anyway (on a
single loop it could not: the request would wait behind the held work)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import wait as wait_for_futures
from contextlib import contextmanager
from typing import Any

import pytest

from adapters.slack import app as slack_app
from adapters.slack import core_thread
from adapters.slack.app import BUSY
from adapters.slack.blocks import modal
from adapters.slack.work_loop import WorkLoop
from bot.conversation import Form, FormField
from tests.fake_slack import Call
from tests.test_slack import (  # noqa: F401  (fixtures, used by name)
    Slack,
    fake,
    leader_of,
    open_sign_form,
    opened,
    responses,
    settings,
    sign_up_answers,
    slack,
)
from tests.test_slack_replay import database_held, submitted_while_held
from tests.test_slack_reports import REPORTER, WORDS, runtime  # noqa: F401  (a fixture)


def test_work_runs_on_the_work_loops_thread_and_its_answer_or_error_comes_back() -> None:
    work = WorkLoop(name="test-work")

    async def where() -> str:
        return threading.current_thread().name

    async def fails() -> None:
        raise ValueError("from the work loop")

    async def scenario() -> str:
        try:
            with pytest.raises(ValueError, match="from the work loop"):
                await work.run(fails())
            return await work.run(where())
        finally:
            await work.finish()

    assert asyncio.run(scenario()) == "test-work"


def test_cancelling_the_caller_cancels_the_work() -> None:
    work = WorkLoop(name="test-work")
    started, cancelled = threading.Event(), threading.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def scenario() -> None:
        caller = asyncio.ensure_future(work.run(forever()))
        await asyncio.to_thread(started.wait, 10)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        await work.finish()

    asyncio.run(scenario())
    assert cancelled.is_set()


def test_finish_waits_for_the_work_under_way_and_later_work_is_still_served() -> None:
    work = WorkLoop(name="test-work")
    release = threading.Event()

    async def under_way() -> str:
        await asyncio.to_thread(release.wait, 30)
        return "answered"

    async def scenario() -> tuple[str, str]:
        in_flight = asyncio.ensure_future(work.run(under_way()))
        await asyncio.sleep(0)  # handed over
        finishing = asyncio.ensure_future(work.finish())
        await asyncio.sleep(0)
        assert not finishing.done()  # it waits for the work under way
        release.set()
        await finishing
        assert in_flight.done()

        async def late() -> str:
            return threading.current_thread().name

        # A request arriving while the server stops is served, not dropped or hung.
        return await in_flight, await work.run(late())

    assert asyncio.run(asyncio.wait_for(scenario(), 30)) == ("answered", "test-work")


def test_a_request_is_acked_while_the_work_before_it_still_holds_the_work_loop(
    slack: Slack,  # noqa: F811  (the fixture imported above)
) -> None:
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # a long stretch of work on the work loop (it blocks that loop only)
        held.set()
        release.wait(30)

    slack.adapter.work.loop.call_soon_threadsafe(hold)
    assert held.wait(10)
    try:
        reply = slack.command("help", user="U2")
        assert (reply.status, reply.body) == (200, b"")  # acked, with the work loop held
        assert slack.fake.calls_to("response") == []  # and the answer has not gone yet
    finally:
        release.set()
    [shown] = responses(slack, reply.response_id)
    assert "/pledge progress" in str(shown.params["text"])


def test_a_modal_submission_is_decided_and_acked_on_the_http_loop_even_if_the_work_loop_is_held(
    slack: Slack,  # noqa: F811  (the fixture imported above)
) -> None:
    view = open_sign_form(slack, "U1")
    slack.idle()
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        held.set()
        release.wait(30)

    slack.adapter.work.loop.call_soon_threadsafe(hold)
    assert held.wait(10)
    answered: list[Any] = []
    try:
        worker = threading.Thread(
            target=lambda: answered.append(slack.submit(view, sign_up_answers(view), user="U1"))
        )
        worker.start()
        worker.join(timeout=10)
        assert answered, "the submission's ack waited for the work loop"
        assert answered[0].status == 200 and answered[0].body == b""  # saved: the modal closes
    finally:
        release.set()
    slack.idle()
    assert leader_of(slack, "U1") is not None  # and it was saved


def test_after_the_server_stops_taking_work_a_late_request_is_still_answered(
    slack: Slack,  # noqa: F811  (the fixture imported above)
) -> None:
    slack.loop.run(slack.adapter.finish(), 15)  # as the server's stop does
    reply = slack.command("help", user="U2")
    assert (reply.status, reply.body) == (200, b"")
    [shown] = responses(slack, reply.response_id)
    assert "/pledge progress" in str(shown.params["text"])


def stopping(app: Slack, method: str) -> Call:
    """Start the server's stop (``finish``) while Slack holds ``method``; it must still be
    waiting (it returned at once when it did not wait), and end once Slack lets go. The one
    call of ``method`` that the stop waited for."""
    app.fake.wait_for(f"held:{method}")
    finishing = asyncio.run_coroutine_threadsafe(app.adapter.finish(), app.loop.loop)
    done, _ = wait_for_futures([finishing], timeout=0.5)
    assert not done, f"the stop did not wait for the {method} under way"
    app.fake.release(method)
    finishing.result(15)
    [call] = app.fake.calls_to(method)
    return call


def test_stop_waits_for_a_forms_answer_sent_after_its_ack(
    slack: Slack,  # noqa: F811  (the fixture imported above)
) -> None:
    view = open_sign_form(slack, "U1")
    slack.idle()
    meta = json.loads(view["private_metadata"])
    meta.pop("response_url")  # answered by chat.postMessage, which the fake can hold
    view = {**view, "private_metadata": json.dumps(meta)}
    slack.fake.hold("chat.postMessage")
    acked = slack.submit(view, sign_up_answers(view), user="U1")
    assert (acked.status, acked.body) == (200, b"")
    assert "Thank you for signing" in json.dumps(stopping(slack, "chat.postMessage").params)


def test_stop_waits_for_a_slow_reports_receipt_in_its_modal(
    slack: Slack,  # noqa: F811  (the fixture imported above)
) -> None:
    reply = slack.command("", user=REPORTER, command="/report")
    view = opened(slack, reply.response_id)
    slack.idle()
    answers = {"category": "racism", "what": WORDS, "role": "target", "identify": "no"}
    slack.fake.hold("views.update")
    acked = submitted_while_held(
        slack, lambda: slack.submit(view, answers, user=REPORTER, view_id="VSTOP")
    )
    assert "Sending" in json.dumps(acked.json())
    receipt = stopping(slack, "views.update")
    assert receipt.params["view_id"] == "VSTOP" and "Passphrase" in json.dumps(receipt.params)


def test_stop_waits_for_the_apology_after_failed_work(
    slack: Slack,  # noqa: F811  (the fixture imported above)
) -> None:
    slack.fake.fail_next("views.publish", error="internal_error")
    slack.fake.hold("chat.postMessage")
    pressed = slack.press({"action_id": "slack.home_page", "value": "1"}, user="U1", in_home=True)
    assert pressed.status == 200
    assert "Sorry" in json.dumps(stopping(slack, "chat.postMessage").params)


def test_a_form_whose_details_are_stored_is_acked_in_time_when_the_database_is_slow(
    slack: Slack,  # noqa: F811  (the fixture imported above)
) -> None:
    # A context too long for private_metadata rides as a token (adapters/slack/app.py _view).
    form = Form(
        form_id="nobody.knows",
        title="Long",
        fields=[FormField(name="x", label="X")],
        context="c" * 3000,
    )
    token = slack.adapter.tokens.put(form, {"metadata": {"channel_id": "D2"}})
    view = modal(form, json.dumps({"stored": token}))
    answered: list[Any] = []
    started = time.monotonic()
    with database_held(slack.runtime.store, tables=("form_tokens",)):
        worker = threading.Thread(
            target=lambda: answered.append(slack.submit(view, {"x": "hi"}, user="U2"))
        )
        worker.start()
        worker.join(timeout=10)
        assert answered, "the submission was not acked while the database was held"
    assert time.monotonic() - started < 3.0  # Slack's deadline
    [(block, said)] = answered[0].json()["errors"].items()  # the modal stays, as typed
    assert said == BUSY and block == view["blocks"][0]["block_id"]
    again = slack.submit(view, {"x": "hi"}, user="U2")  # once the database answers: read
    assert again.status == 200 and BUSY not in again.body.decode()


@contextmanager
def another_ack_pending(app: Slack) -> Iterator[None]:
    """As if another request were still waiting for its ack (counted as the HTTP route
    counts), until the ``with`` block ends."""
    written = asyncio.Event()
    entered = threading.Event()

    async def awaiting_its_ack() -> None:
        with app.adapter.acking():
            entered.set()
            await written.wait()

    pending = asyncio.run_coroutine_threadsafe(awaiting_its_ack(), app.loop.loop)
    assert entered.wait(10)
    try:
        yield
    finally:
        app.loop.loop.call_soon_threadsafe(written.set)
        pending.result(10)


def test_work_is_handed_over_only_once_other_requests_acks_are_written(
    slack: Slack,  # noqa: F811  (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Long enough that only the acks being written can let the work go within the test.
    monkeypatch.setattr(core_thread, "ACKS_FIRST_WAIT", 60.0)
    with another_ack_pending(slack):
        reply = slack.command("help", user="U2")
        assert (reply.status, reply.body) == (200, b"")  # this one is acked at once
        with pytest.raises(AssertionError):  # but its work (users.info first) waits for it
            slack.fake.wait_for("users.info", timeout=0.3)
    [shown] = responses(slack, reply.response_id)
    assert "/pledge progress" in str(shown.params["text"])


def test_a_reply_that_opens_no_modal_waits_for_other_acks_and_a_modal_does_not(
    slack: Slack,  # noqa: F811  (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(core_thread, "ACKS_FIRST_WAIT", 0.0)  # the work itself starts at once
    monkeypatch.setattr(slack_app, "DELIVERY_WAIT", 60.0)  # only written acks let a reply go
    with another_ack_pending(slack):
        help_reply = slack.command("help", user="U2")
        sign_up = slack.command("", user="U1")
        opened(slack, sign_up.response_id)  # a trigger to beat: the modal opens meanwhile
        slack.fake.wait_for("users.info", 2)  # the help's work ran too
        with pytest.raises(AssertionError):  # but its answer waits for the other ack
            slack.fake.wait_for("response", timeout=0.3)
    [shown] = responses(slack, help_reply.response_id)
    assert "/pledge progress" in str(shown.params["text"])
