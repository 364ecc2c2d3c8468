"""The Slack adapter's work loop: acks on the HTTP loop never wait for the work after them.

No timing: the work loop is held still with an event, and the ack must come back anyway (on a
single loop it could not: the request would wait behind the held work)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from adapters.slack.work_loop import WorkLoop, run_on
from tests.test_slack import (  # noqa: F401  (fixtures, used by name)
    Slack,
    fake,
    responses,
    settings,
    slack,
)


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
            await work.close()

    assert asyncio.run(scenario()) == "test-work"


def test_run_on_the_running_loop_runs_in_place() -> None:
    async def scenario() -> bool:
        here = threading.current_thread()

        async def same_thread() -> bool:
            return threading.current_thread() is here

        return await run_on(asyncio.get_running_loop(), same_thread())

    assert asyncio.run(scenario())


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
        await work.close()

    asyncio.run(scenario())
    assert cancelled.is_set()


def test_close_finishes_the_work_under_way_then_runs_later_work_in_place() -> None:
    work = WorkLoop(name="test-work")
    release = asyncio.Event()
    finished: list[str] = []

    async def under_way() -> None:
        await release.wait()
        finished.append(threading.current_thread().name)

    async def scenario() -> str:
        in_flight = asyncio.ensure_future(work.run(under_way()))
        await asyncio.sleep(0)  # handed over
        closing = asyncio.ensure_future(work.close())
        await asyncio.sleep(0)
        assert not closing.done()  # it waits for the work under way
        work.loop.call_soon_threadsafe(release.set)
        await closing
        await in_flight

        async def late() -> str:
            return threading.current_thread().name

        return await work.run(late())  # after close: answered here, not dropped

    assert asyncio.run(scenario()) == "MainThread"
    assert finished == ["test-work"]
    assert work.loop.is_closed()


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
