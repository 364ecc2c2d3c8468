"""The Slack adapter's core thread: acks first, on the thread that holds the GIL too.

No timing here: the order in which jobs run is what shows whether a job waited for the acks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from adapters.slack import core_thread
from adapters.slack.core_thread import CoreThread


@pytest.fixture
def core(monkeypatch: pytest.MonkeyPatch) -> Iterator[CoreThread]:
    # Long enough that only the acks being written can let a job start within the test.
    monkeypatch.setattr(core_thread, "ACKS_FIRST_WAIT", 60.0)
    core = CoreThread(name="test-core")
    yield core
    core.acks_pending(False)
    core.stop()


def test_work_waits_for_pending_acks_and_work_an_ack_waits_for_does_not(
    core: CoreThread,
) -> None:
    ran: list[str] = []

    async def scenario() -> None:
        core.acks_pending(True)  # a request is still waiting for its ack
        acked_work = asyncio.ensure_future(core.call(ran.append, "after the ack"))
        # A modal submission's validation: its own ack waits for it, so it runs now, before
        # the queued work and with the ack still pending (were it held, this would hang).
        await core.call(ran.append, "before the ack", urgent=True, before_ack=True)
        assert ran == ["before the ack"]
        core.acks_pending(False)  # the acks are written
        await acked_work

    asyncio.run(asyncio.wait_for(scenario(), 30))
    assert ran == ["before the ack", "after the ack"]


def test_with_no_ack_pending_work_starts_at_once(core: CoreThread) -> None:
    async def scenario() -> int:
        return await core.call(sum, [1, 2, 3], urgent=True)

    assert asyncio.run(asyncio.wait_for(scenario(), 30)) == 6


def test_work_held_for_pending_acks_does_not_start_until_they_are_written(
    core: CoreThread,
) -> None:
    async def scenario() -> None:
        core.acks_pending(True)
        held = asyncio.ensure_future(core.call(sum, [1, 2], urgent=True))
        done, _ = await asyncio.wait({held}, timeout=0.2)
        assert not done  # without the wait for acks it would have run at once
        core.acks_pending(False)
        assert await held == 3

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_work_starts_after_acks_first_wait_even_with_acks_still_pending(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(core_thread, "ACKS_FIRST_WAIT", 0.05)
    core = CoreThread(name="test-core-wait")
    try:

        async def scenario() -> int:
            core.acks_pending(True)  # never written: a steady stream of requests
            return await core.call(sum, [4, 5])

        assert asyncio.run(asyncio.wait_for(scenario(), 30)) == 9
    finally:
        core.acks_pending(False)
        core.stop()


def test_stop_lets_work_held_for_pending_acks_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core_thread, "ACKS_FIRST_WAIT", 0.05)
    core = CoreThread(name="test-core-stop")
    core.acks_pending(True)

    async def scenario() -> int:
        held = asyncio.ensure_future(core.call(sum, [1, 1]))
        await asyncio.sleep(0)  # queued, held for the acks
        await asyncio.to_thread(core.stop)
        return await held

    assert asyncio.run(asyncio.wait_for(scenario(), 5)) == 2
